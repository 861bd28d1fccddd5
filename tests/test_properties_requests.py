"""Constraint properties: each documented rule, on every endpoint that states it, through the client.

There is one property per constraint kind (``test_min_length`` ... ``test_filter``, and
``test_rule`` for the rules between parameters), parametrized from the IR of spec/ over every
(endpoint, parameter, constraint) that has that kind, items' constraints included; the test ids
name each one, and tests/test_strategies_coverage.py fails when a constraint has no property.

Each property draws a valid request from the generated strategy, then puts into it:

* values at the bound, which the client must accept and send in exactly the documented wire
  form (JSON names in spec order, dates as yyyy-mm-dd, sequences as arrays);
* values just past the bound, which it must refuse before sending anything, with exactly one
  issue naming the parameter (or ``param[index]`` for an item) and the rule.

The values at and just past the bound are written here from the IR (255 and 256 characters,
1000 and 1001 targets, the day before today - 1 year...), independently of the generated
strategies; the strategies' own valid and invalid draws are checked alongside. Further
properties cover whole requests: a drawn request always passes validation, a mutated one is
refused for exactly the mutation, and several broken rules in one call are all reported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aisa_dataforseo import Client, RequestValidationError
from aisa_dataforseo import _validation as runtime
from aisa_dataforseo.testing import strategies
from conftest import SPEC_DIR
from hypothesis import assume, given
from hypothesis import strategies as st

from generator import ir
from generator.pipeline import build_ir
from generator.render import module_name

API = build_ir(SPEC_DIR)
OK_BODY = {"version": "0.1", "status_code": 20000, "status_message": "Ok.", "tasks": []}

# Frozen clocks for the relative date bounds: leap days, month ends, year ends, and the day the
# bulk_new_lost page works its example on. Every date property also draws days at random.
SPECIAL_DAYS = (
    dt.date(2024, 2, 29),
    dt.date(2025, 3, 1),
    dt.date(2024, 3, 1),
    dt.date(2023, 3, 31),
    dt.date(2024, 3, 31),
    dt.date(2024, 12, 31),
    dt.date(2025, 1, 1),
    dt.date(2021, 10, 13),
    dt.date(2100, 3, 1),
)
DAYS = st.one_of(
    st.sampled_from(SPECIAL_DAYS), st.dates(dt.date(2020, 1, 1), dt.date(2100, 12, 31))
)

# "today - 1 year" on each special day, worked out by hand: the year before a 29 February is 28
# February, and a month end stays a month end.
ONE_YEAR_BEFORE = {
    dt.date(2024, 2, 29): dt.date(2023, 2, 28),
    dt.date(2025, 3, 1): dt.date(2024, 3, 1),
    dt.date(2024, 3, 1): dt.date(2023, 3, 1),
    dt.date(2023, 3, 31): dt.date(2022, 3, 31),
    dt.date(2024, 3, 31): dt.date(2023, 3, 31),
    dt.date(2024, 12, 31): dt.date(2023, 12, 31),
    dt.date(2025, 1, 1): dt.date(2024, 1, 1),
    dt.date(2021, 10, 13): dt.date(2020, 10, 13),
    dt.date(2100, 3, 1): dt.date(2099, 3, 1),
}


# -- cases from the IR ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One constraint of one parameter (or of its items), or one rule, of one endpoint."""

    endpoint: ir.Endpoint
    param: ir.Param | None
    constraint: ir.Constraint | ir.Rule
    item: bool = False

    def __repr__(self) -> str:
        return f"Case({self.id!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # how hypothesis shows a failing example: by id, not the IR

    @property
    def kind(self) -> str:
        return "rule" if isinstance(self.constraint, ir.Rule) else self.constraint.kind

    @property
    def id(self) -> str:
        return case_id(self.endpoint, self.param, self.constraint, self.item)

    @property
    def index(self) -> int:
        """The constraint's place among its parameter's (or items') constraints."""
        assert self.param is not None
        owned = self.param.item_constraints if self.item else self.param.constraints
        return next(i for i, c in enumerate(owned) if c is self.constraint)


def label(constraint: ir.Constraint | ir.Rule) -> str:
    """``max_length=255``, ``min_date=today-1year``, ``rule=date_from<=date_to``."""
    if isinstance(constraint, ir.Rule):
        return f"rule={constraint.left}{constraint.op}{constraint.right}"
    value: object
    if isinstance(constraint, (ir.MinDate, ir.MaxDate)):
        value = constraint.bound.text
    elif isinstance(constraint, ir.OneOf):
        value = "|".join(str(v) for v in constraint.values)
    elif isinstance(constraint, ir.Format):
        value = constraint.name
    elif isinstance(constraint, ir.DistinctDomains):
        value = constraint.max
    elif isinstance(constraint, ir.FilterExpression):
        value = constraint.max_conditions
    else:
        value = constraint.value
    return f"{constraint.kind}={value}".replace(" ", "")


def case_id(endpoint: ir.Endpoint, param: ir.Param | None, constraint: Any, item: bool) -> str:
    """The id every property and the coverage table use: ``endpoint:param[]:kind=value``."""
    where = "" if param is None else f"{param.name}[]:" if item else f"{param.name}:"
    return f"{endpoint.qualified_name}:{where}{label(constraint)}"


def all_cases(api: ir.Api) -> list[Case]:
    cases: list[Case] = []
    for endpoint in api.endpoints:
        for param in endpoint.params:
            cases.extend(Case(endpoint, param, c) for c in param.constraints)
            cases.extend(Case(endpoint, param, c, item=True) for c in param.item_constraints)
        cases.extend(Case(endpoint, None, rule) for rule in endpoint.rules)
    return cases


CASES = all_cases(API)


def cases(kind: str) -> list[Any]:
    """The cases of one kind as pytest params; a kind no spec uses yet is skipped, visibly."""
    found = [pytest.param(case, id=case.id) for case in CASES if case.kind == kind]
    return found or [
        pytest.param(None, id="unused", marks=pytest.mark.skip(f"no spec uses {kind}"))
    ]


class Shown(ir.Endpoint):
    """An IR endpoint that hypothesis shows, in a failing example, by its name alone."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"<endpoint {self.qualified_name}>")


def shown(endpoint: ir.Endpoint) -> Shown:
    return Shown(**{f.name: getattr(endpoint, f.name) for f in dataclasses.fields(endpoint)})


ENDPOINTS = [pytest.param(shown(e), id=e.qualified_name) for e in API.endpoints]
ENDPOINTS_WITH_PARAMS = [
    pytest.param(shown(e), id=e.qualified_name) for e in API.endpoints if e.params
]


# -- the generated package, seen from the IR --------------------------------------------------


def runtime_endpoint(endpoint: ir.Endpoint) -> runtime.EndpointSpec:
    spec = getattr(strategies, module_name(endpoint)).ENDPOINT
    assert isinstance(spec, runtime.EndpointSpec)
    return spec


def runtime_param(case: Case) -> runtime.Param:
    assert case.param is not None
    return next(p for p in runtime_endpoint(case.endpoint).params if p.name == case.param.name)


def runtime_check(case: Case) -> runtime.Check:
    param = runtime_param(case)
    check = (param.item_checks if case.item else param.checks)[case.index]
    assert check.rule == case.kind, f"{case.id}: the generated check is {check!r}"
    return check


def draw_request(data: st.DataObject, endpoint: ir.Endpoint, day: dt.date) -> dict[str, Any]:
    """Keyword arguments from the endpoint's own generated strategy, with ``today`` frozen."""
    kwargs: dict[str, Any] = data.draw(
        getattr(strategies, f"{module_name(endpoint)}_requests")(today=day), label="request"
    )
    return kwargs


def draw_value(data: st.DataObject, case: Case, day: dt.date, name: str = "valid") -> Any:
    return data.draw(strategies.values(runtime_param(case), today=day), label=name)


# -- sending, and the documented wire form ----------------------------------------------------


@dataclass
class Sent:
    error: RequestValidationError | None
    requests: list[httpx.Request]


def send(endpoint: ir.Endpoint, kwargs: dict[str, Any], day: dt.date) -> Sent:
    """Call the endpoint's client method with ``kwargs`` on a frozen day, against a stub server."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=OK_BODY)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with Client("test-key", http_client=http, today=lambda: day, max_retries=0) as client:
        method = getattr(getattr(client, endpoint.group), endpoint.name)
        try:
            method(**kwargs)
        except RequestValidationError as error:
            return Sent(error, sent)
    return Sent(None, sent)


def wire(value: Any) -> Any:
    """A Python argument as the docs write it in JSON."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [wire(item) for item in value]
    return value


def wire_body(endpoint: ir.Endpoint, kwargs: dict[str, Any]) -> Any:
    """The documented body: given parameters under their JSON names, in spec order."""
    fields: dict[str, Any] = {}
    for param in endpoint.params:
        value = kwargs.get(param.attr)
        if value is None and param.default is not None and param.default.applied_by == "client":
            value = param.default.value  # a client-side default is sent when omitted
        if value is not None:
            fields[param.name] = wire(value)
    if endpoint.body == "none":
        return None
    return fields if endpoint.body == "object" else [fields]


def assert_accepted(endpoint: ir.Endpoint, kwargs: dict[str, Any], day: dt.date) -> None:
    outcome = send(endpoint, kwargs, day)
    assert outcome.error is None, f"refused {kwargs!r}:\n{outcome.error}"
    (request,) = outcome.requests
    assert request.method == endpoint.method
    assert str(request.url) == API.base_url + endpoint.path
    expected = wire_body(endpoint, kwargs)
    if expected is None:
        assert request.content == b""
        return
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.content)
    # Compared as JSON text: key order, and 1 against 1.0, count too.
    assert json.dumps(body) == json.dumps(expected)


def assert_refused(
    endpoint: ir.Endpoint, kwargs: dict[str, Any], day: dt.date, expected: set[tuple[str, str]]
) -> RequestValidationError:
    """Refused before sending, with exactly the ``(param, rule)`` issues expected."""
    outcome = send(endpoint, kwargs, day)
    assert outcome.error is not None, f"accepted {kwargs!r}"
    assert outcome.requests == [], "a refused call must send nothing"
    issues = {(issue.param, issue.rule) for issue in outcome.error.errors}
    assert issues == expected, str(outcome.error)
    for param, _ in expected:
        assert f"  - {param}: " in str(outcome.error)
    return outcome.error


def with_value(kwargs: dict[str, Any], case: Case, value: Any) -> dict[str, Any]:
    assert case.param is not None
    return {**kwargs, case.param.attr: value}


# -- rules between parameters, as the IR states them ------------------------------------------

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "!=": operator.ne,
}


def comparable(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def keep_rules(endpoint: ir.Endpoint, kwargs: dict[str, Any], changed: str) -> dict[str, Any]:
    """``kwargs`` with the other side of any rule the changed parameter now breaks left out."""
    params = {p.name: p for p in endpoint.params}
    out = dict(kwargs)
    for rule in endpoint.rules:
        left, right = params[rule.left], params[rule.right]
        if (
            changed not in (left.attr, right.attr)
            or out.get(left.attr) is None
            or out.get(right.attr) is None
        ):
            continue
        if not OPERATORS[rule.op](comparable(out[left.attr]), comparable(out[right.attr])):
            other = right if changed == left.attr else left
            assume(not other.required)
            del out[other.attr]
    return out


# -- values at and just past each kind of bound -----------------------------------------------


def place_item(valid: Any, index: int, item: Any) -> list[Any]:
    """The valid array ``valid`` with ``item`` in place of the one at ``index`` (modulo its size)."""
    items = list(valid)
    items[index % len(items)] = item
    return items


def at_and_past(case: Case, valid: Any, day: dt.date) -> tuple[list[Any], list[Any]]:
    """Values at the bound (to accept) and just past it (to refuse), worked out from the IR.

    ``valid`` is a valid value of the parameter, which the item-count bounds repeat or cut.
    """
    c = case.constraint
    assert case.param is not None
    owned = case.param.item_constraints if case.item else case.param.constraints
    if isinstance(c, (ir.MinLength, ir.MaxLength)) and len(owned) > 1:
        return [], []  # a length bound beside a format: only the strategies know both
    if isinstance(c, ir.MaxLength):
        # Characters, not bytes: 255 Cyrillic letters are 510 bytes of UTF-8.
        return ["я" * c.value, "😀" * c.value, "a" * c.value], [
            "a" * (c.value + 1),
            "я" * (c.value + 1),
        ]
    if isinstance(c, ir.MinLength):
        return ["я" * c.value], ["я" * (c.value - 1)] if c.value else []
    if isinstance(c, (ir.MinItems, ir.MaxItems)):

        def sized(n: int) -> list[Any]:
            return [valid[i % len(valid)] for i in range(n)]

        if isinstance(c, ir.MinItems):
            return [sized(max(c.value, 1))], [sized(c.value - 1)] if c.value else []
        return [sized(c.value)], [sized(c.value + 1)]
    if isinstance(c, ir.Minimum):
        return [c.value], [c.value - 1]
    if isinstance(c, ir.Maximum):
        return [c.value], [c.value + 1]
    if isinstance(c, ir.OneOf):
        return list(c.values), [f"{v}".upper() + "_" for v in c.values if isinstance(v, str)]
    if isinstance(c, (ir.MinDate, ir.MaxDate)):
        limit = c.bound.resolve(day)
        past = (
            limit - dt.timedelta(days=1)
            if isinstance(c, ir.MinDate)
            else limit + dt.timedelta(days=1)
        )
        return [limit, limit.isoformat()], [past, past.isoformat()]
    if isinstance(c, ir.Format):
        return list(GOOD_FORMATS[c.name]), list(BAD_FORMATS[c.name])
    if isinstance(c, ir.DistinctDomains):
        return [domains(c.max)], [domains(c.max + 1)]
    if isinstance(c, ir.FilterExpression):
        return good_filters(c, case), [bad for _, bad in bad_filters(c)]
    raise AssertionError(f"no values at and past a {c.kind} bound: add them here")


def domains(count: int) -> list[str]:
    """Targets from exactly ``count`` different domains, some named more than once."""
    names = [f"site{index}.example" for index in range(count)]
    return names + [name.upper() for name in names[:3]] + [f"www.{name}" for name in names[:2]]


GOOD_FORMATS: dict[str, tuple[str, ...]] = {
    "domain": ("example.com", "sub.example.co.uk", "пример.рф", "xn--e1afmkfd.xn--p1ai", "www.com"),
    "target": (
        "example.com",
        "www.trustpilot.com",
        "https://www.apple.com/iphone/",
        "http://example.com",
    ),
    "absolute_url": ("https://example.com/", "http://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM"),
    "relative_url": ("/", "/blog/post?x=1", "/пример"),
    "uuid": ("07131248-1535-0216-1000-17384017ad04", "00000000-0000-0000-0000-000000000000"),
}
BAD_FORMATS: dict[str, tuple[str, ...]] = {
    # A scheme where a bare domain is required, first.
    "domain": (
        "https://example.com",
        "http://example.com/",
        "www.example.com",
        "example.com/page",
        "example.com:8080",
        "example",
        "exa mple.com",
        "",
    ),
    "target": (
        "example.com/page",
        "ftp://example.com/",
        "https://",
        "example",
        "https://exa mple.com/",
        "",
    ),
    "absolute_url": (
        "example.com",
        "/page",
        "ftp://example.com/",
        "https://",
        "https://example.com:99999/",
    ),
    "relative_url": ("//example.com/page", "https://example.com/", "page", "/a page", ""),
    "uuid": (
        "07131248-1535-0216-1000-17384017ad0",
        "0713124815350216100017384017ad04",
        "g7131248-1535-0216-1000-17384017ad04",
        "",
    ),
}


def conditions(c: ir.FilterExpression, count: int) -> list[Any]:
    """``count`` valid conditions joined in one flat group, using every operator in turn."""
    group: list[Any] = []
    for index in range(count):
        op = c.operators[index % len(c.operators)]
        value: Any = ["a", 1, None] if op in ("in", "not_in") else f"v{index}"
        if index:
            group.append(c.connectives[index % len(c.connectives)])
        group.append([f"field_{index}", op, value])
    return group


def good_filters(c: ir.FilterExpression, case: Case) -> list[Any]:
    """As many conditions as allowed, a nested group, a lone condition, and the page's examples."""
    assert case.param is not None
    flat = conditions(c, c.max_conditions)
    nested = [flat[0], c.connectives[0], flat[2:5]] if c.max_conditions >= 3 else flat
    return [flat, nested, tuple(conditions(c, 1)[0]), *case.param.examples]


def bad_filters(c: ir.FilterExpression) -> list[tuple[str, Any]]:
    """One filter per mistake: too many conditions, an unknown operator, malformed nesting."""
    (condition,) = conditions(c, 1)
    word = c.connectives[0]
    return [
        ("too_many_conditions", conditions(c, c.max_conditions + 1)),
        ("unknown_operator", ["field", "~", "x"]),
        ("unknown_operator", ["field", c.operators[0].upper() + "!", "x"]),
        ("unknown_connective", [condition, "xor", condition]),
        ("malformed_nesting", [condition, condition]),
        ("malformed_nesting", [condition, word, condition, word]),
        ("malformed_nesting", [condition, word]),
        ("malformed_nesting", ["field", "="]),
        ("malformed_nesting", [[condition, word, condition], word]),
        ("malformed_nesting", [1, word, condition]),
        ("malformed_nesting", []),
        ("bad_value", ["field", c.operators[0], {"a": 1}]),
        ("bad_value", ["", c.operators[0], "x"]),
    ]


# -- one property per constraint kind ---------------------------------------------------------


def accept_and_refuse(
    case: Case,
    base: dict[str, Any],
    day: dt.date,
    accepted: list[Any],
    refused: list[Any],
    index: int = 0,
) -> None:
    """Each accepted value is sent as documented; each refused one raises one issue, naming it.

    For an item constraint the values are items, put at ``index`` of the parameter's array.
    """
    assert case.param is not None
    endpoint, attr = case.endpoint, case.param.attr
    array = base.get(attr) or next(iter(accepted_arrays(case, day)))
    for value in accepted:
        whole = place_item(array, index, value) if case.item else value
        assert_accepted(endpoint, keep_rules(endpoint, with_value(base, case, whole), attr), day)
    for value in refused:
        whole = place_item(array, index, value) if case.item else value
        name = f"{case.param.name}[{index % len(array)}]" if case.item else case.param.name
        error = assert_refused(endpoint, with_value(base, case, whole), day, {(name, case.kind)})
        (issue,) = error.errors
        assert issue.value == value or issue.value is value


def accepted_arrays(case: Case, day: dt.date) -> Iterator[Any]:
    """The page's own examples of an array parameter, or one made of known-good items."""
    assert case.param is not None
    yield from case.param.examples
    yield example_value(case.param)


def check_bound(case: Case, data: st.DataObject, day: dt.date) -> None:
    """The shared body of the per-kind properties of a parameter's own or items' constraint.

    Each example takes one value at the bound and one just past it (all of them are checked in
    turn by test_every_value_at_and_just_past_the_bound), and one value each of the generated
    strategies' valid and just-past draws, into a request drawn from the endpoint's strategy.
    """
    assert case.param is not None
    base = draw_request(data, case.endpoint, day)
    valid = base.get(case.param.attr) or draw_value(data, case, day)
    if case.item or isinstance(case.constraint, (ir.MinItems, ir.MaxItems)):
        assume(len(valid) > 0)
    index = data.draw(st.integers(0, 10**6), label="index") if case.item else 0
    at, past = at_and_past(case, valid, day)
    check = runtime_check(case)
    if case.item:
        like = None  # item checks are on scalars: breaking one needs nothing to start from
        good = strategies.values(runtime_param(case), today=day).map(
            lambda v: v[index % len(v)] if v else None
        )
        accepted = [x for x in [data.draw(good, label="valid item")] if x is not None]
    else:
        like = strategies.values(runtime_param(case), today=day)
        accepted = [data.draw(like, label="valid")]
    if at:
        accepted.append(data.draw(st.sampled_from(at), label="at the bound"))
    refused = [data.draw(strategies.invalid_values(check, today=day, like=like), label="past")]
    if past:
        refused.append(data.draw(st.sampled_from(past), label="just past the bound"))
    base = {**base, case.param.attr: valid}
    accept_and_refuse(case, base, day, accepted, refused, index)


CHECK_DAY = dt.date(2024, 2, 29)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind != "rule"], ids=lambda c: c.id)
def test_every_value_at_and_just_past_the_bound(case: Case) -> None:
    """Every value at_and_past() lists, on a request of the page's own example values."""
    assert case.param is not None
    base = {p.attr: example_value(p) for p in case.endpoint.params if p.required}
    for valid in (
        accepted_arrays(case, CHECK_DAY)
        if case.param.type == "array"
        else [example_value(case.param)]
    ):
        at, past = at_and_past(case, valid, CHECK_DAY)
        assert past or case.kind in (
            "min_length",
            "min_items",
            "enum",
        ), f"nothing just past {case.id}"
        for index in range(len(valid) if case.item else 1):
            accept_and_refuse(case, {**base, case.param.attr: valid}, CHECK_DAY, at, past, index)


@pytest.mark.parametrize("case", cases("min_length"))
@given(data=st.data(), day=DAYS)
def test_min_length(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("max_length"))
@given(data=st.data(), day=DAYS)
def test_max_length(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("min_items"))
@given(data=st.data(), day=DAYS)
def test_min_items(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("max_items"))
@given(data=st.data(), day=DAYS)
def test_max_items(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("minimum"))
@given(data=st.data(), day=DAYS)
def test_minimum(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("maximum"))
@given(data=st.data(), day=DAYS)
def test_maximum(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("enum"))
@given(data=st.data(), day=DAYS)
def test_enum(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("min_date"))
@given(data=st.data(), day=DAYS)
def test_min_date(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("max_date"))
@given(data=st.data(), day=DAYS)
def test_max_date(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("format"))
@given(data=st.data(), day=DAYS)
def test_format(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("distinct_domains"))
@given(data=st.data(), day=DAYS)
def test_distinct_domains(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)


@pytest.mark.parametrize("case", cases("filter"))
@given(data=st.data(), day=DAYS)
def test_filter(case: Case, data: st.DataObject, day: dt.date) -> None:
    check_bound(case, data, day)
    # Each kind of mistake the generated strategies know, on its own.
    check = runtime_check(case)
    assert isinstance(check, runtime.FilterExpression) and case.param is not None
    base = draw_request(data, case.endpoint, day)
    for mistake, values in strategies.filter_mistakes(check).items():
        value = data.draw(values, label=mistake)
        assert_refused(
            case.endpoint, with_value(base, case, value), day, {(case.param.name, "filter")}
        )


def rule_values(case: Case, data: st.DataObject, day: dt.date) -> tuple[Any, Any]:
    """Two adjacent values (``low`` just below ``high``) both sides of the rule accept."""
    rule = case.constraint
    assert isinstance(rule, ir.Rule)
    params = {p.name: p for p in case.endpoint.params}
    kinds = {params[rule.left].type, params[rule.right].type}
    lows, highs = [], []
    for side in (params[rule.left], params[rule.right]):
        for c in side.constraints:
            if isinstance(c, (ir.MinDate, ir.Minimum)):
                lows.append(c.bound.resolve(day) if isinstance(c, ir.MinDate) else c.value)
            if isinstance(c, (ir.MaxDate, ir.Maximum)):
                highs.append(c.bound.resolve(day) if isinstance(c, ir.MaxDate) else c.value)
    if kinds == {"date"}:
        first = max(lows, default=day - dt.timedelta(days=3000))
        last = min(highs, default=day + dt.timedelta(days=3000))
        assume(first < last)
        low = data.draw(st.dates(first, last - dt.timedelta(days=1)), label="low")
        return low, low + dt.timedelta(days=1)
    low_number = data.draw(
        st.integers(int(max(lows, default=-(10**6))), int(min(highs, default=10**6)) - 1)
    )
    return low_number, low_number + 1


@pytest.mark.parametrize("case", cases("rule"))
@given(data=st.data(), day=DAYS)
def test_rule(case: Case, data: st.DataObject, day: dt.date) -> None:
    """``date_from <= date_to``: met values are sent; broken ones are refused, naming the rule."""
    rule = case.constraint
    assert isinstance(rule, ir.Rule)
    params = {p.name: p for p in case.endpoint.params}
    left, right = params[rule.left].attr, params[rule.right].attr
    base = draw_request(data, case.endpoint, day)
    low, high = rule_values(case, data, day)
    pairs = [(low, high), (low, low), (high, low), (high, high)]
    for a, b in pairs:
        as_text = data.draw(st.booleans(), label="as text")
        kwargs = {**base, left: wire(a) if as_text else a, right: b}
        if OPERATORS[rule.op](a, b):
            assert_accepted(case.endpoint, kwargs, day)
        else:
            error = assert_refused(case.endpoint, kwargs, day, {(rule.left, rule.name)})
            assert rule.description in str(error)
    # And the generated strategy's own violations.
    spec = runtime_endpoint(case.endpoint)
    (runtime_rule,) = [r for r in spec.rules if r.name == rule.name]
    pair = data.draw(strategies.rule_violations(spec, runtime_rule, today=day), label="violation")
    assert_refused(
        case.endpoint, {**base, left: pair[0], right: pair[1]}, day, {(rule.left, rule.name)}
    )


# -- relative date bounds on a frozen clock ---------------------------------------------------

RELATIVE_DATE_CASES = [
    pytest.param(case, day, id=f"{case.id}@{day}")
    for case in CASES
    if isinstance(case.constraint, (ir.MinDate, ir.MaxDate)) and case.constraint.bound.is_relative
    for day in SPECIAL_DAYS
]


@pytest.mark.parametrize(("case", "day"), RELATIVE_DATE_CASES)
def test_relative_date_bound_on_a_frozen_clock(case: Case, day: dt.date) -> None:
    """The day before today - 1 year is refused and the day itself accepted, on month ends too."""
    c = case.constraint
    assert isinstance(c, (ir.MinDate, ir.MaxDate)) and case.param is not None
    limit = c.bound.resolve(day)
    if (c.bound.years, c.bound.months, c.bound.days) == (-1, 0, 0):
        assert limit == ONE_YEAR_BEFORE[day]
    step = dt.timedelta(days=-1 if isinstance(c, ir.MinDate) else 1)
    required = {p.attr: example_value(p) for p in case.endpoint.params if p.required}
    for shown in (limit, limit.isoformat()):
        assert_accepted(case.endpoint, {**required, case.param.attr: shown}, day)
    for shown in (limit + step, (limit + step).isoformat()):
        error = assert_refused(
            case.endpoint, {**required, case.param.attr: shown}, day, {(case.param.name, c.kind)}
        )
        # The message names the day the bound resolved to and the rule it came from.
        assert limit.isoformat() in str(error) and c.bound.text in str(error)


def example_value(param: ir.Param) -> Any:
    if param.examples:
        return param.examples[0]
    formats = [c.name for c in param.all_constraints if isinstance(c, ir.Format)]
    value = GOOD_FORMATS[formats[0]][0] if formats else "x"
    return [value] if param.type == "array" else value


# -- whole requests: drawn, mutated, broken several ways at once ------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@given(data=st.data(), day=DAYS)
def test_drawn_requests_pass_validation_and_go_on_the_wire(
    endpoint: ir.Endpoint, data: st.DataObject, day: dt.date
) -> None:
    spec = runtime_endpoint(endpoint)
    arguments = data.draw(strategies.requests(spec, today=day), label="arguments")
    kwargs = {p.attr: arguments[p.name] for p in endpoint.params if p.name in arguments}
    assert spec.build_body(arguments, day) == wire_body(endpoint, kwargs)
    assert_accepted(endpoint, draw_request(data, endpoint, day), day)


@dataclass(frozen=True)
class Mutation:
    """One way to break a request: what to change, and the one issue it must raise."""

    params: tuple[str, ...]  # the JSON names it touches
    apply: Callable[[st.DataObject, dict[str, Any]], set[tuple[str, str]]]
    name: str


WRONG_TYPES: dict[str, tuple[Any, ...]] = {
    "string": (123, True, ["x"]),
    "integer": ("1", True, 1.5, [1]),
    "number": ("1", False, float("nan"), float("inf")),
    "boolean": (1, "true", 0.0),
    "date": (20240101, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), ["2024-01-01"]),
    "array": ("x", {"a": 1}, 5),
}
BAD_DATE_TEXT = ("2024-02-30", "2024-1-1", "20240101", "yesterday", "")


def mutations(endpoint: ir.Endpoint, day: dt.date) -> Iterator[Mutation]:
    """Every single mistake a request to ``endpoint`` can have, each with the issue it raises."""
    spec = runtime_endpoint(endpoint)
    for rparam, param in zip(spec.params, endpoint.params):
        name = param.name

        def own(check: runtime.Check, rparam: runtime.Param = rparam, name: str = name) -> Mutation:
            def apply(data: st.DataObject, arguments: dict[str, Any]) -> set[tuple[str, str]]:
                like = strategies.values(rparam, today=day)
                arguments[name] = data.draw(
                    strategies.invalid_values(check, today=day, like=like),
                    label=f"{name} past {check.rule}",
                )
                return {(name, check.rule)}

            return Mutation((name,), apply, f"{name}:{check.rule}")

        def item(
            check: runtime.Check, rparam: runtime.Param = rparam, name: str = name
        ) -> Mutation:
            def apply(data: st.DataObject, arguments: dict[str, Any]) -> set[tuple[str, str]]:
                items = list(
                    data.draw(strategies.values(rparam, today=day).filter(len), label=name)
                )
                index = data.draw(st.integers(0, len(items) - 1), label="index")
                # Item checks are on scalars, so breaking one needs no valid value to start from.
                items[index] = data.draw(strategies.invalid_values(check, today=day), label="item")
                arguments[name] = items
                return {(f"{name}[{index}]", check.rule)}

            return Mutation((name,), apply, f"{name}[]:{check.rule}")

        def wrong_type(rparam: runtime.Param = rparam, name: str = name) -> Mutation:
            def apply(data: st.DataObject, arguments: dict[str, Any]) -> set[tuple[str, str]]:
                choices = list(WRONG_TYPES[rparam.type])
                if rparam.type == "date":
                    choices += BAD_DATE_TEXT
                value = data.draw(st.sampled_from(choices), label=f"{name} of a wrong type")
                arguments[name] = value
                return {
                    (name, "format" if rparam.type == "date" and isinstance(value, str) else "type")
                }

            return Mutation((name,), apply, f"{name}:type")

        yield from (own(check) for check in rparam.checks)
        yield from (item(check) for check in rparam.item_checks)
        yield wrong_type()
        if param.required:

            def missing(
                data: st.DataObject, arguments: dict[str, Any], name: str = name
            ) -> set[tuple[str, str]]:
                arguments.pop(name, None)
                return {(name, "required")}

            yield Mutation((name,), missing, f"{name}:required")

    for rule in spec.rules:

        def broken(
            data: st.DataObject, arguments: dict[str, Any], rule: runtime.Rule = rule
        ) -> set[tuple[str, str]]:
            left, right = data.draw(
                strategies.rule_violations(spec, rule, today=day), label=rule.name
            )
            arguments.update({rule.left: left, rule.right: right})
            return {(rule.left, rule.name)}

        yield Mutation((rule.left, rule.right), broken, f"rule:{rule.name}")

    def unknown(data: st.DataObject, arguments: dict[str, Any]) -> set[tuple[str, str]]:
        key = data.draw(
            st.text(min_size=1).filter(lambda k: k not in {p.name for p in spec.params}),
            label="unknown key",
        )
        arguments[key] = data.draw(st.integers() | st.text(), label="its value")
        return {(key, "unknown")}

    yield Mutation(("<unknown>",), unknown, "unknown")


@pytest.mark.parametrize("endpoint", ENDPOINTS_WITH_PARAMS)
@given(data=st.data(), day=DAYS)
def test_mutated_requests_are_refused_for_exactly_the_mutation(
    endpoint: ir.Endpoint, data: st.DataObject, day: dt.date
) -> None:
    spec = runtime_endpoint(endpoint)
    arguments = data.draw(strategies.requests(spec, today=day), label="valid")
    mutation = data.draw(st.sampled_from(list(mutations(endpoint, day))), label="mutation")
    expected = mutation.apply(data, arguments)
    with pytest.raises(RequestValidationError) as raised:
        spec.build_body(arguments, day)
    assert {(issue.param, issue.rule) for issue in raised.value.errors} == expected, mutation.name


@pytest.mark.parametrize("endpoint", ENDPOINTS_WITH_PARAMS)
@given(data=st.data(), day=DAYS)
def test_several_broken_rules_in_one_call_are_all_reported(
    endpoint: ir.Endpoint, data: st.DataObject, day: dt.date
) -> None:
    spec = runtime_endpoint(endpoint)
    arguments = data.draw(strategies.requests(spec, today=day), label="valid")
    chosen: list[Mutation] = []
    for mutation in data.draw(st.permutations(list(mutations(endpoint, day))), label="order"):
        if not any(set(mutation.params) & set(other.params) for other in chosen):
            chosen.append(mutation)
    assume(len(chosen) >= 2)
    expected: set[tuple[str, str]] = set()
    for mutation in chosen:
        expected |= mutation.apply(data, arguments)
    with pytest.raises(RequestValidationError) as raised:
        spec.build_body(arguments, day)
    assert {(issue.param, issue.rule) for issue in raised.value.errors} == expected
    assert len(raised.value.errors) == len(expected), "one issue per mistake, and no echoes"


def test_the_issues_example_is_reported_whole() -> None:
    """The issue's own list on one call: 256-character tag, scheme in a bare domain, and so on."""
    found = [e for e in API.endpoints if e.qualified_name == "backlinks.history_live"]
    if not found:
        pytest.skip("spec/ no longer has backlinks.history_live")
    (endpoint,) = found
    day = dt.date(2024, 2, 29)
    kwargs = {
        "target": "https://example.com",
        "date_from": "2018-12-31",
        "date_to": "2024-03-01",
        "rank_scale": "one_million",
        "tag": "t" * 256,
    }
    assert_refused(
        endpoint,
        kwargs,
        day,
        {
            ("target", "format"),
            ("date_from", "min_date"),
            ("date_to", "max_date"),
            ("rank_scale", "enum"),
            ("tag", "max_length"),
        },
    )
    # Once each side of date_from <= date_to is valid on its own, the rule itself is reported.
    fixed = {**kwargs, "target": "example.com", "date_from": "2024-01-02", "date_to": "2024-01-01"}
    assert_refused(
        endpoint,
        fixed,
        day,
        {("date_from", "date_from <= date_to"), ("rank_scale", "enum"), ("tag", "max_length")},
    )


# -- found by these properties, and since fixed ------------------------------------------------

FILTER_CASES = cases("filter")


@pytest.mark.parametrize("case", FILTER_CASES)
@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_filter_values_json_cannot_carry_are_refused(case: Case, number: float) -> None:
    """NaN and infinities pass for scalars, but JSON cannot send them: refused, nothing sent."""
    assert case.param is not None
    required = {p.attr: example_value(p) for p in case.endpoint.params if p.required}
    day = dt.date(2024, 1, 1)
    op = next(op for op in case.constraint.operators if op not in ("in", "not_in"))  # type: ignore[union-attr]
    try:
        outcome = send(case.endpoint, {**required, case.param.attr: ["field", op, number]}, day)
    except ValueError as error:
        pytest.fail(f"the call got past validation and failed on the wire: {error!r}")
    assert outcome.error is not None and outcome.requests == []
    assert {(i.param, i.rule) for i in outcome.error.errors} == {(case.param.name, "filter")}


STRING_PARAMS = [
    pytest.param(endpoint, param, id=f"{endpoint.qualified_name}:{param.name}")
    for endpoint in API.endpoints
    for param in endpoint.params
    if param.type == "string"
    and all(isinstance(c, (ir.MinLength, ir.MaxLength)) for c in param.constraints)
]


@pytest.mark.parametrize(("endpoint", "param"), STRING_PARAMS)
def test_text_json_cannot_carry_is_refused(endpoint: ir.Endpoint, param: ir.Param) -> None:
    """A lone surrogate (os.fsdecode makes them of undecodable bytes) cannot be sent as UTF-8."""
    required = {p.attr: example_value(p) for p in endpoint.params if p.required}
    try:
        outcome = send(endpoint, {**required, param.attr: "bad \ud800 text"}, dt.date(2024, 1, 1))
    except UnicodeError as error:
        pytest.fail(f"the call got past validation and failed on the wire: {error!r}")
    assert outcome.error is not None and outcome.requests == []
    assert [i.param for i in outcome.error.errors] == [param.name]


def test_ids_name_every_case() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "two constraints share an id"
    assert all(re.fullmatch(r"[\w.]+:(\w+(\[\])?:)?\w+=\S+", i) for i in ids), ids
