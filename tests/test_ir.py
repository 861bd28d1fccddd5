"""The IR of the real spec/ against the docs pages it was written from.

Every field a page lists must be in the IR at its dotted place with the page's type and text;
every constraint a page states must be in the IR, and nothing it does not state (besides the few
inferences written out below).
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
from typing import Any

import pytest
from conftest import DOCS_DIR
from docs_pages import Entry, Page, align, read_page
from hypothesis import given
from hypothesis import strategies as st

from generator.constraints import parse_date_bound
from generator.ir import (
    Api,
    DateBound,
    Default,
    DistinctDomains,
    Endpoint,
    Field,
    FilterExpression,
    Format,
    MaxDate,
    Maximum,
    MaxItems,
    MaxLength,
    MinDate,
    Minimum,
    MinItems,
    OneOf,
    Param,
)
from generator.names import MODEL_RESERVED, PARAM_RESERVED, is_python_name, python_name

PAGE_FILES = sorted(path.name for path in DOCS_DIR.glob("*.txt"))
PAGES = {name: read_page(DOCS_DIR / name) for name in PAGE_FILES}
BULK_NEW_LOST = "backlinks_bulk_new_lost_backlinks_live.txt"
HISTORY = "backlinks_history_live.txt"

# The bulk_new_lost page lost its header, examples, names and types. These are the names its
# descriptions belong to, in page order; the example values stand for the types the descriptions
# imply (counts are integers, items an array of objects, a target a string).
BULK_NEW_LOST_PARAMS = ["targets", "date_from", "tag"]
BULK_NEW_LOST_RESULT = {
    "tasks.result.items_count": 123,
    "tasks.result.items": ["<string>"],
    "tasks.result.items.target": "<string>",
    "tasks.result.items.new_backlinks": 123,
    "tasks.result.items.lost_backlinks": 123,
}


def is_result_field(name: str) -> bool:
    return name.startswith("tasks.result.")


def envelope_example() -> dict[str, Any]:
    return {
        key: value
        for key, value in PAGES[HISTORY].response_example.items()
        if not is_result_field(key)
    }


def response_example(page: Page) -> dict[str, Any]:
    if page.response_example is not None:
        return page.response_example
    return {**envelope_example(), **BULK_NEW_LOST_RESULT}


def endpoint_for(api: Api, page: str) -> Endpoint:
    (endpoint,) = [endpoint for endpoint in api.endpoints if endpoint.page == page]
    return endpoint


def resolve(api: Api, endpoint: Endpoint, name: str) -> Field:
    """Walk the combined tree (envelope, then the endpoint's result) one dotted key at a time."""
    node = api.envelope
    keys = name.split(".")
    for depth, key in enumerate(keys, 1):
        if node.holds_result:
            node = endpoint.result
        matches = [child for child in node.children if child.key == key]
        assert len(matches) == 1, f"{name}: {len(matches)} children {key!r} below {node.path!r}"
        node = matches[0]
        assert node.path == ".".join(keys[:depth])
    return node


def example_types(value: Any) -> set[str]:
    """What the page's example value allows: "<string>" → string, 123 → integer or number, ..."""
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    if isinstance(value, str):
        return {"string"}
    if isinstance(value, dict):
        return {"object"}
    assert isinstance(value, list) and len(value) == 1
    return {f"{item}[]" for item in example_types(value[0])}


def expected_kind(name: str, value: Any, keys: list[str]) -> str:
    has_children = any(key.startswith(name + ".") for key in keys)
    if isinstance(value, list):
        return "array" if has_children else "list"
    if isinstance(value, dict):
        return "object" if has_children else "mapping"
    return "scalar"


def page_fields(page_name: str) -> dict[str, tuple[Any, Entry]]:
    """Each dotted name of a page: its example value and its prose entry, in page order."""
    example = response_example(PAGES[page_name])
    entries = align(PAGES[page_name].fields, list(example))
    return {name: (example[name], entries[name]) for name in example}


FIELD_CASES = [
    pytest.param(page, name, id=f"{page.removesuffix('.txt')}:{name}")
    for page in PAGE_FILES
    for name in page_fields(page)
]


# -- pages and endpoints -----------------------------------------------------------------------


def test_pages_were_read() -> None:
    assert len(PAGE_FILES) == 5
    assert len(FIELD_CASES) > 150
    for page in PAGES.values():
        assert page.fields and all(entry.description for entry in page.fields)
    assert PAGES[HISTORY].response_example and PAGES[HISTORY].request_example


def test_every_page_has_one_endpoint(api: Api) -> None:
    assert sorted(endpoint.page for endpoint in api.endpoints) == PAGE_FILES


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_endpoint_header_matches_page(api: Api, page_name: str) -> None:
    page, endpoint = PAGES[page_name], endpoint_for(api, page_name)
    assert endpoint.title == page.title
    if page.url is None:  # the header is gone; the summary under the title survived
        assert endpoint.description == page.summary
        assert endpoint.method == "POST"
    else:
        assert endpoint.method == page.method
        assert api.base_url + endpoint.path == page.url
    assert endpoint.body == ("none" if not page.params else "object")


def test_every_page_shares_the_envelope(api: Api) -> None:
    envelope_paths = [node.path for node in api.envelope.walk()[1:]]
    for page in PAGES.values():
        if page.response_example is not None:
            assert [
                key for key in page.response_example if not is_result_field(key)
            ] == envelope_paths
    assert envelope_paths[-1] == "tasks.result"
    assert [node.path for node in api.envelope.walk() if node.holds_result] == ["tasks.result"]


# -- response fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(("page_name", "name"), FIELD_CASES)
def test_page_field_is_in_the_tree(api: Api, page_name: str, name: str) -> None:
    example, entry = page_fields(page_name)[name]
    node = resolve(api, endpoint_for(api, page_name), name)
    assert node.doc_type in example_types(example)
    if entry.type is not None:
        assert node.doc_type == entry.type
    assert node.kind == expected_kind(name, example, list(response_example(PAGES[page_name])))


def envelope_data_matches(page: Page, page_text: str, spec_text: str) -> bool:
    """api.yaml words tasks.data once for every page: the POST pages' text, then the GET case in brackets."""
    post, _, get = spec_text.partition(" (")
    if page.method == "GET":
        return (
            "passed in the URL of the GET request" in page_text
            and "GET request" in get
            and "URL" in get
        )
    return page_text == post


@pytest.mark.parametrize(("page_name", "name"), FIELD_CASES)
def test_page_field_description_matches(api: Api, page_name: str, name: str) -> None:
    _, entry = page_fields(page_name)[name]
    node = resolve(api, endpoint_for(api, page_name), name)
    if name == "tasks.data":
        assert envelope_data_matches(PAGES[page_name], entry.description, node.description)
    else:
        assert node.description == entry.description


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_recovered_marks_exactly_the_lost_names(api: Api, page_name: str) -> None:
    """A result field is marked recovered when the page lost its name, or does not list it at all."""
    endpoint = endpoint_for(api, page_name)
    fields = page_fields(page_name)
    lost = {
        name for name, (_, entry) in fields.items() if entry.name is None and is_result_field(name)
    }
    marked = {node.path for node in endpoint.result.walk() if node.recovered}
    not_on_page = {node.path for node in endpoint.result.walk()[1:]} - set(fields)
    assert marked == lost | not_on_page
    assert all(
        node.recovered in {"prose", "openapi"}
        for node in endpoint.result.walk()
        if node.path in not_on_page
    )
    if page_name != BULK_NEW_LOST:
        assert all(
            node.recovered == "example" for node in endpoint.result.walk() if node.path in lost
        )


def test_fields_not_on_their_page(api: Api) -> None:
    """Only on_page/links adds fields its page does not list, both recovered from elsewhere."""
    extra = {
        endpoint.page: {node.path for node in endpoint.result.walk()[1:]}
        - set(page_fields(endpoint.page))
        for endpoint in api.endpoints
    }
    assert extra.pop("on_page_links.txt") == {
        "tasks.result.search_after_token",
        "tasks.result.current_offset",
    }
    assert all(not paths for paths in extra.values())


def test_every_node_has_a_description(api: Api) -> None:
    nodes = [
        *api.envelope.walk()[1:],
        *(node for endpoint in api.endpoints for node in endpoint.result.walk()),
    ]
    assert len(nodes) > 100
    assert all(node.description.strip() for node in nodes)


MODELS = {
    "backlinks_history_live.txt": {
        "tasks.result": "BacklinksHistoryLiveResult",
        "tasks.result.items": "BacklinksHistoryLiveItem",
        "tasks.result.items.info": "BacklinksHistoryLiveItemInfo",
    },
    "backlinks_index.txt": {
        "tasks.result": "BacklinksIndexResult",
        "tasks.result.index_history": "BacklinksIndexIndexHistory",
    },
    "backlinks_bulk_pages_summary_live.txt": {
        "tasks.result": "BacklinksBulkPagesSummaryLiveResult",
        "tasks.result.items": "BacklinksBulkPagesSummaryLiveItem",
    },
    BULK_NEW_LOST: {
        "tasks.result": "BacklinksBulkNewLostBacklinksLiveResult",
        "tasks.result.items": "BacklinksBulkNewLostBacklinksLiveItem",
    },
    "on_page_links.txt": {
        "tasks.result": "OnPageLinksResult",
        "tasks.result.crawl_status": "OnPageLinksCrawlStatus",
        "tasks.result.items": "OnPageLinksItem",
    },
}


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_model_names(api: Api, page_name: str) -> None:
    endpoint = endpoint_for(api, page_name)
    assert {node.path: node.model for node in endpoint.result.walk() if node.model} == MODELS[
        page_name
    ]
    for node in endpoint.result.walk():
        assert (node.model is not None) == (node.kind in {"object", "array"})


def test_envelope_models_and_uniqueness(api: Api) -> None:
    assert {node.path: node.model for node in api.envelope.walk() if node.model} == {
        "": "Response",
        "tasks": "Task",
    }
    models = [
        node.model for endpoint in api.endpoints for node in endpoint.result.walk() if node.model
    ]
    models += [node.model for node in api.envelope.walk() if node.model]
    assert len(models) == len(set(models)) == 14


@pytest.mark.parametrize(
    ("page_name", "name", "kind", "scalar", "model"),
    [
        (HISTORY, "tasks.result.items.referring_links_tld", "mapping", "object", None),
        (HISTORY, "tasks.result.items.info.platform_type", "list", "string", None),
        (HISTORY, "tasks.result.items", "array", None, "BacklinksHistoryLiveItem"),
        (HISTORY, "tasks.result.items.info", "object", None, "BacklinksHistoryLiveItemInfo"),
        (HISTORY, "tasks.result.items.info.is_ip", "scalar", "boolean", None),
        (HISTORY, "tasks.data", "mapping", "object", None),
        (HISTORY, "tasks.path", "list", "string", None),
        (HISTORY, "tasks", "array", None, "Task"),
        ("on_page_links.txt", "tasks.result.items.link_attribute", "list", "string", None),
        (
            "backlinks_index.txt",
            "tasks.result.index_history",
            "array",
            None,
            "BacklinksIndexIndexHistory",
        ),
        (
            BULK_NEW_LOST,
            "tasks.result.items",
            "array",
            None,
            "BacklinksBulkNewLostBacklinksLiveItem",
        ),
    ],
)
def test_field_shapes(
    api: Api, page_name: str, name: str, kind: str, scalar: str | None, model: str | None
) -> None:
    node = resolve(api, endpoint_for(api, page_name), name)
    assert (node.kind, node.scalar, node.model) == (kind, scalar, model)


# -- parameters --------------------------------------------------------------------------------

# Text the copy lost and the spec restored: HTML ate the filters' "<>" operator (twice).
LOST_TEXT = {("on_page_links.txt", "filters"): "<>"}
PAGE_PARAM_TYPES = {
    "string": {"string", "date"},
    "integer": {"integer"},
    "boolean": {"boolean"},
    "string[]": {"array"},
}


def example_param_types(value: Any) -> set[str]:
    if isinstance(value, list):
        return {"array"}
    return {
        param_type
        for doc_type in example_types(value)
        for param_type in PAGE_PARAM_TYPES.get(doc_type, {doc_type})
    }


def page_param_names(page: Page) -> list[str]:
    if page.file == BULK_NEW_LOST:
        return BULK_NEW_LOST_PARAMS
    return list(page.request_example or {})


def page_params(api: Api, page_name: str) -> list[tuple[Param, Entry]]:
    endpoint, page = endpoint_for(api, page_name), PAGES[page_name]
    assert [param.name for param in endpoint.params] == page_param_names(page)
    assert len(page.params) == len(endpoint.params)
    return list(zip(endpoint.params, page.params))


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_params_match_page(api: Api, page_name: str) -> None:
    pairs = page_params(api, page_name)
    example = PAGES[page_name].request_example or {}
    for param, entry in pairs:
        assert (
            param.description.replace(LOST_TEXT.get((page_name, param.name), ""), "")
            == entry.description
        )
        assert param.required == ("required field" in entry.description)
        if entry.name is not None:
            assert (param.name, param.required) == (entry.name, entry.required)
            assert param.type in PAGE_PARAM_TYPES[entry.type]
        if param.name in example:
            assert param.type in example_param_types(example[param.name])
    if page_name == "backlinks_index.txt":
        assert pairs == []


REQUIRED = "required"
INFERRED = None  # a constraint the spec adds with a comment saying why; the page does not state it
TODAY = DateBound("today")
RANK_SCALE = [
    (
        "rank_scale",
        OneOf(("one_hundred", "one_thousand")),
        ("possible values: one_hundred", "one_thousand — rank values"),
    ),
    ("rank_scale", Default("one_thousand", "server"), ("default value: one_thousand",)),
]
TAG = [("tag", MaxLength(255), ("the character limit is 255",))]

# (parameter — "name[]" for its items —, the fact, the words of the page that state it)
STATED: dict[str, list[tuple[str, object, tuple[str, ...] | None]]] = {
    "backlinks_history_live.txt": [
        ("target", REQUIRED, ("required field",)),
        ("target", Format("domain"), ("a domain should be specified without https:// and www.",)),
        (
            "date_from",
            MinDate(DateBound("2019-01-01", absolute=dt.date(2019, 1, 1))),
            ("minimum value 2019-01-01",),
        ),
        (
            "date_from",
            Default("2019-01-01", "server"),
            ("the minimum value will be used by default",),
        ),
        ("date_from", MaxDate(TODAY), INFERRED),  # date_from <= date_to, which defaults to today
        ("date_to", MaxDate(TODAY), INFERRED),  # history cannot reach into the future
        ("date_to", Default("today", "server"), ("the today’s date will be used by default",)),
        *RANK_SCALE,
        *TAG,
    ],
    "backlinks_bulk_pages_summary_live.txt": [
        ("targets", REQUIRED, ("required field",)),
        ("targets", MinItems(1), INFERRED),  # a required list of targets is not empty
        ("targets", MaxItems(1000), ("you can specify up to 1000 pages, domains, or subdomains",)),
        ("targets", DistinctDomains(100), ("cannot belong to more than 100 different domains",)),
        (
            "targets[]",
            Format("target"),
            ("without https:// and www.", "a page should be specified with absolute URL"),
        ),
        ("include_subdomains", Default(True, "server"), ("default value: true",)),
        *RANK_SCALE,
        *TAG,
    ],
    BULK_NEW_LOST: [
        ("targets", REQUIRED, ("required field",)),
        ("targets", MinItems(1), INFERRED),
        ("targets", MaxItems(1000), ("you can set up to 1000 domains, subdomains or webpages",)),
        (
            "targets[]",
            Format("target"),
            ("without https:// and www.", "the page should be specified with absolute URL"),
        ),
        (
            "date_from",
            MinDate(DateBound("today - 1 year", years=-1)),
            ("minimum value equals today’s date -(minus) one year",),
        ),
        (
            "date_from",
            Default("today - 1 month", "server"),
            ("default value: today’s date -(minus) one month",),
        ),
        *TAG,
    ],
    "on_page_links.txt": [
        ("id", REQUIRED, ("required field",)),
        ("id", Format("uuid"), ("example: “07131248-1535-0216-1000-17384017ad04”",)),
        ("page_from", Format("relative_url"), ("you can specify relative URLs only",)),
        ("page_to", Format("relative_url"), ("you can specify relative URLs only",)),
        ("limit", Minimum(1), INFERRED),  # a limit of 0 links asks for nothing
        ("limit", Maximum(1000), ("maximum value: 1000",)),
        ("limit", Default(100, "server"), ("default value: 100",)),
        ("offset", Minimum(0), INFERRED),  # an offset into an array
        ("offset", Default(0, "server"), ("default value: 0",)),
        (
            "filters",
            FilterExpression(
                8,
                ("regex", "not_regex", "=", "<>", "in", "not_in", "like", "not_like"),
                ("and", "or"),
            ),
            (
                "(8 filters maximum)",
                "logical operator and, or",
                "regex, not_regex, =",
                "in, not_in, like, not_like",
            ),
        ),
        *TAG,
    ],
    "backlinks_index.txt": [],
}
RULES = {"backlinks_history_live.txt": [("date_from", "<=", "date_to")]}


def param_facts(param: Param) -> list[tuple[str, object]]:
    facts: list[tuple[str, object]] = [(param.name, constraint) for constraint in param.constraints]
    facts += [(f"{param.name}[]", constraint) for constraint in param.item_constraints]
    if param.required:
        facts.append((param.name, REQUIRED))
    if param.default is not None:
        facts.append((param.name, param.default))
    return facts


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_stated_constraints_are_all_in_the_ir(api: Api, page_name: str) -> None:
    facts = [fact for param in endpoint_for(api, page_name).params for fact in param_facts(param)]
    stated = [(name, fact) for name, fact, _ in STATED[page_name]]
    assert len(facts) == len(stated) == len(set(stated))
    assert set(facts) == set(stated)


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_stated_constraints_are_stated_by_the_page(api: Api, page_name: str) -> None:
    descriptions = {param.name: entry.description for param, entry in page_params(api, page_name)}
    for name, fact, words in STATED[page_name]:
        for phrase in words or ():
            assert (
                phrase in descriptions[name.removesuffix("[]")]
            ), f"{name} {fact}: page does not say {phrase!r}"


@pytest.mark.parametrize("page_name", PAGE_FILES)
def test_rules(api: Api, page_name: str) -> None:
    rules = endpoint_for(api, page_name).rules
    assert [(rule.left, rule.op, rule.right) for rule in rules] == RULES.get(page_name, [])


def test_constraint_table_is_not_empty() -> None:
    assert sum(len(facts) for facts in STATED.values()) == 37


def test_relative_dates_match_the_pages_worked_example(api: Api) -> None:
    """bulk_new_lost: 'if today is 2021-10-13, default date_from will be 2021-09-13 ... minimum 2020-10-13'."""
    endpoint = endpoint_for(api, BULK_NEW_LOST)
    text = (DOCS_DIR / BULK_NEW_LOST).read_text(encoding="utf-8")
    today, default = re.search(
        r"if today is (\S+), default date_from will be (\d{4}-\d\d-\d\d)", text
    ).groups()
    minimum = re.search(r"minimum date_from will be (\d{4}-\d\d-\d\d)", text).group(1)
    day = dt.date.fromisoformat(today)
    assert endpoint.examples_today == day
    date_from = next(param for param in endpoint.params if param.name == "date_from")
    (min_date,) = date_from.constraints
    assert min_date.bound.resolve(day) == dt.date.fromisoformat(minimum)
    assert parse_date_bound(date_from.default.value).resolve(day) == dt.date.fromisoformat(default)


# -- DateBound and python names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bound", "today", "expected"),
    [
        (DateBound("today - 1 year", years=-1), dt.date(2024, 2, 29), dt.date(2023, 2, 28)),
        (DateBound("today + 1 year", years=1), dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        (DateBound("today - 4 years", years=-4), dt.date(2024, 2, 29), dt.date(2020, 2, 29)),
        (DateBound("today - 1 month", months=-1), dt.date(2023, 3, 31), dt.date(2023, 2, 28)),
        (DateBound("today - 1 month", months=-1), dt.date(2024, 3, 31), dt.date(2024, 2, 29)),
        (DateBound("today - 1 month", months=-1), dt.date(2024, 1, 31), dt.date(2023, 12, 31)),
        (DateBound("today + 1 month", months=1), dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        (DateBound("today + 13 months", months=13), dt.date(2023, 12, 15), dt.date(2025, 1, 15)),
        (DateBound("today - 1 day", days=-1), dt.date(2024, 3, 1), dt.date(2024, 2, 29)),
        (DateBound("today"), dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (
            DateBound("2019-01-01", absolute=dt.date(2019, 1, 1)),
            dt.date(2024, 2, 29),
            dt.date(2019, 1, 1),
        ),
    ],
)
def test_date_bound_resolve(bound: DateBound, today: dt.date, expected: dt.date) -> None:
    assert bound.resolve(today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", DateBound("today")),
        ("today - 1 year", DateBound("today - 1 year", years=-1)),
        ("today-2 months", DateBound("today-2 months", months=-2)),
        ("today + 3 days", DateBound("today + 3 days", days=3)),
        ("2019-01-01", DateBound("2019-01-01", absolute=dt.date(2019, 1, 1))),
        ("2019-02-30", None),
        ("yesterday", None),
        ("today - 1 week", None),
        ("Today", None),
    ],
)
def test_parse_date_bound(text: str, expected: DateBound | None) -> None:
    assert parse_date_bound(text) == expected


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(-240, 240)
)
def test_month_shift_clamps_to_the_month_end(today: dt.date, months: int) -> None:
    shifted = DateBound("today ± N months", months=months).resolve(today)
    assert (shifted.year * 12 + shifted.month) - (today.year * 12 + today.month) == months
    assert shifted.day == today.day or (
        shifted.day < today.day and (shifted + dt.timedelta(days=1)).day == 1
    )


@pytest.mark.parametrize(
    ("key", "reserved", "expected"),
    [
        ("from", frozenset(), "from_"),
        ("class", frozenset(), "class_"),
        ("None", frozenset(), "None_"),
        ("match", frozenset(), "match"),  # a soft keyword is a valid name
        ("2xx-rate", frozenset(), "n2xx_rate"),
        ("123", frozenset(), "n123"),
        ("a-b c", frozenset(), "a_b_c"),
        ("_private_", frozenset(), "private"),
        ("---", frozenset(), "field"),
        ("", frozenset(), "field"),
        ("page_from", frozenset(), "page_from"),
        ("to_dict", MODEL_RESERVED, "to_dict_"),
        ("extra", MODEL_RESERVED, "extra_"),
        ("self", PARAM_RESERVED, "self_"),
        ("self", frozenset(), "self"),
    ],
)
def test_python_name(key: str, reserved: frozenset[str], expected: str) -> None:
    assert python_name(key, reserved) == expected


@given(st.text(), st.sampled_from([frozenset(), MODEL_RESERVED, PARAM_RESERVED]))
def test_python_name_is_always_usable(key: str, reserved: frozenset[str]) -> None:
    name = python_name(key, reserved)
    assert is_python_name(name) and not keyword.iskeyword(name) and name not in reserved
    assert python_name(name, reserved) == name


def test_the_ordered_constraint_keys_are_exactly_the_keys_the_checker_knows() -> None:
    from generator.constraints import APPLIES_TO, CONSTRAINT_KEYS

    assert sorted(CONSTRAINT_KEYS) == sorted(APPLIES_TO)
    assert len(set(CONSTRAINT_KEYS)) == len(CONSTRAINT_KEYS)
