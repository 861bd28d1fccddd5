"""Every endpoint, through ``Client`` and ``AsyncClient``, against a real loopback server.

For each call: the request on the wire (method, path, headers, the exact JSON body with unset
optionals left out and dates as yyyy-mm-dd), and the typed result parsed from a recorded-shape
response in ``tests/responses/`` (the full envelope, every documented field, realistic values).
Parsing must be lossless: ``to_dict()`` gives back the payload exactly, unknown keys land in
``.extra`` and survive, nulls stay nulls.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aisa_dataforseo
import pytest
from aisa_dataforseo import (
    BacklinksBulkNewLostBacklinksLiveItem,
    BacklinksBulkNewLostBacklinksLiveResult,
    BacklinksBulkPagesSummaryLiveItem,
    BacklinksBulkPagesSummaryLiveResult,
    BacklinksHistoryLiveItem,
    BacklinksHistoryLiveItemInfo,
    BacklinksHistoryLiveResult,
    BacklinksIndexIndexHistory,
    BacklinksIndexResult,
    Model,
    OnPageLinksCrawlStatus,
    OnPageLinksItem,
    OnPageLinksResult,
    Response,
    Task,
)
from loopback import API_KEY, LoopbackServer, call

RESPONSES = Path(__file__).parent / "responses"
# A frozen "today" for the relative date rules (bulk_new_lost_backlinks: date_from >= today - 1 year).
TODAY = dt.date(2021, 10, 13)


@dataclass(frozen=True)
class Endpoint:
    method: str  # dotted from the client
    http_method: str
    path: str  # as the server sees it, under the base URL's /apis/v1
    result: type[Model]
    required: dict[str, Any]  # the least valid arguments

    @property
    def payload(self) -> dict[str, Any]:
        """A fresh copy of the recorded-shape response."""
        name = self.method.replace(".", "_")
        data: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))
        return data


ENDPOINTS = {
    endpoint.method: endpoint
    for endpoint in (
        Endpoint(
            "backlinks.index",
            "GET",
            "/apis/v1/dataforseo/backlinks/index",
            BacklinksIndexResult,
            {},
        ),
        Endpoint(
            "backlinks.history_live",
            "POST",
            "/apis/v1/dataforseo/backlinks/history/live",
            BacklinksHistoryLiveResult,
            {"target": "techcrunch.com"},
        ),
        Endpoint(
            "backlinks.bulk_pages_summary_live",
            "POST",
            "/apis/v1/dataforseo/backlinks/bulk_pages_summary/live",
            BacklinksBulkPagesSummaryLiveResult,
            {"targets": ["forbes.com"]},
        ),
        Endpoint(
            "backlinks.bulk_new_lost_backlinks_live",
            "POST",
            "/apis/v1/dataforseo/backlinks/bulk_new_lost_backlinks/live",
            BacklinksBulkNewLostBacklinksLiveResult,
            {"targets": ["forbes.com"]},
        ),
        Endpoint(
            "on_page.links",
            "POST",
            "/apis/v1/dataforseo/on_page/links",
            OnPageLinksResult,
            {"id": "07131248-1535-0216-1000-17384017ad04"},
        ),
    )
}


@dataclass(frozen=True)
class Call:
    """One call and the JSON body it must put on the wire (None: no body at all)."""

    id: str
    method: str
    arguments: dict[str, Any]
    body: dict[str, Any] | None


CALLS = [
    Call("index", "backlinks.index", {}, None),
    Call(
        "history_live-every-argument",
        "backlinks.history_live",
        {
            "target": "techcrunch.com",
            "date_from": dt.date(2019, 1, 15),
            "date_to": "2021-10-13",
            "rank_scale": "one_hundred",
            "tag": "history – techcrunch",
        },
        {
            "target": "techcrunch.com",
            "date_from": "2019-01-15",
            "date_to": "2021-10-13",
            "rank_scale": "one_hundred",
            "tag": "history – techcrunch",
        },
    ),
    Call(
        "history_live-required-only",
        "backlinks.history_live",
        {"target": "techcrunch.com"},
        {"target": "techcrunch.com"},
    ),
    Call(
        "history_live-explicit-none-left-out",
        "backlinks.history_live",
        {"target": "techcrunch.com", "date_from": None, "date_to": None, "rank_scale": None},
        {"target": "techcrunch.com"},
    ),
    Call(
        "bulk_pages_summary_live-every-argument",
        "backlinks.bulk_pages_summary_live",
        {
            # A tuple is a sequence too; False is a value, not "unset".
            "targets": ("https://www.apple.com/iphone/", "forbes.com"),
            "include_subdomains": False,
            "rank_scale": "one_hundred",
            "tag": "ж" * 255,
        },
        {
            "targets": ["https://www.apple.com/iphone/", "forbes.com"],
            "include_subdomains": False,
            "rank_scale": "one_hundred",
            "tag": "ж" * 255,
        },
    ),
    Call(
        "bulk_pages_summary_live-required-only",
        "backlinks.bulk_pages_summary_live",
        {"targets": ["forbes.com"]},
        {"targets": ["forbes.com"]},
    ),
    Call(
        "bulk_new_lost_backlinks_live-every-argument",
        "backlinks.bulk_new_lost_backlinks_live",
        {
            "targets": ["forbes.com", "https://www.apple.com/iphone/", "www.trustpilot.com"],
            "date_from": dt.date(2021, 9, 13),
            "tag": "weekly-new-lost",
        },
        {
            "targets": ["forbes.com", "https://www.apple.com/iphone/", "www.trustpilot.com"],
            "date_from": "2021-09-13",
            "tag": "weekly-new-lost",
        },
    ),
    Call(
        "bulk_new_lost_backlinks_live-required-only",
        "backlinks.bulk_new_lost_backlinks_live",
        {"targets": ["forbes.com"]},
        {"targets": ["forbes.com"]},
    ),
    Call(
        "on_page_links-every-argument",
        "on_page.links",
        {
            "id": "07131248-1535-0216-1000-17384017ad04",
            "page_from": "/",
            "page_to": "/about",
            "limit": 1000,
            "offset": 0,  # falsy, still sent
            "filters": (("direction", "=", "external"), "or", ("dofollow", "=", True)),
            "search_after_token": "eyJwYWdlX2Zyb20iOiIvIiwib2Zmc2V0IjozfQ==",
            "tag": "crawl-links",
        },
        {
            "id": "07131248-1535-0216-1000-17384017ad04",
            "page_from": "/",
            "page_to": "/about",
            "limit": 1000,
            "offset": 0,
            "filters": [["direction", "=", "external"], "or", ["dofollow", "=", True]],
            "search_after_token": "eyJwYWdlX2Zyb20iOiIvIiwib2Zmc2V0IjozfQ==",
            "tag": "crawl-links",
        },
    ),
    Call(
        "on_page_links-required-only",
        "on_page.links",
        {"id": "07131248-1535-0216-1000-17384017ad04"},
        {"id": "07131248-1535-0216-1000-17384017ad04"},
    ),
]


def run(flavour: str, server: LoopbackServer, method: str, **arguments: Any) -> Any:
    return call(flavour, server, method, client_options={"today": lambda: TODAY}, **arguments)


def endpoint_ids(endpoint: Endpoint) -> str:
    return endpoint.method


every_endpoint = pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=endpoint_ids)


# -- the request ------------------------------------------------------------------------------


def test_the_calls_cover_every_endpoint_and_every_parameter(api: Any) -> None:
    assert {endpoint.qualified_name for endpoint in api.endpoints} == set(ENDPOINTS)
    for endpoint in api.endpoints:
        sent = set().union(*(c.arguments for c in CALLS if c.method == endpoint.qualified_name))
        assert sent == {param.attr for param in endpoint.params}, endpoint.qualified_name


@pytest.mark.parametrize("case", CALLS, ids=lambda case: case.id)
def test_request_on_the_wire(flavour: str, server: LoopbackServer, case: Call) -> None:
    endpoint = ENDPOINTS[case.method]
    server.reply_json(endpoint.payload)

    run(flavour, server, case.method, **case.arguments)

    [request] = server.requests
    assert request.method == endpoint.http_method
    assert request.path == endpoint.path
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["accept"] == "application/json"
    user_agent = request.headers["user-agent"]
    assert user_agent.startswith(f"aisa-dataforseo/{aisa_dataforseo.__version__}")
    if case.body is None:
        assert request.body == b""
        assert "content-type" not in request.headers
    else:
        assert request.headers["content-type"] == "application/json"
        sent = request.json()
        assert sent == case.body
        assert list(sent) == list(case.body)  # parameters in the documented order
        assert None not in sent.values()  # unset optionals are left out, never null


DATE_PARAMS = [
    ("backlinks.history_live", "date_from"),
    ("backlinks.history_live", "date_to"),
    ("backlinks.bulk_new_lost_backlinks_live", "date_from"),
]


@pytest.mark.parametrize(("method", "param"), DATE_PARAMS)
@pytest.mark.parametrize("value", [dt.date(2021, 9, 13), "2021-09-13"], ids=["date", "string"])
def test_a_date_and_a_date_string_go_out_the_same(
    flavour: str, server: LoopbackServer, method: str, param: str, value: object
) -> None:
    endpoint = ENDPOINTS[method]
    server.reply_json(endpoint.payload)

    run(flavour, server, method, **endpoint.required, **{param: value})

    assert server.requests[0].json()[param] == "2021-09-13"


def test_every_date_parameter_is_in_the_date_test(api: Any) -> None:
    dates = {
        (endpoint.qualified_name, param.name)
        for endpoint in api.endpoints
        for param in endpoint.params
        if param.type == "date"
    }
    assert dates == set(DATE_PARAMS)


# -- the typed result -------------------------------------------------------------------------


def check_envelope(response: Any, endpoint: Endpoint, cost: float) -> Any:
    """The shared wrapper, typed; returns the first result."""
    assert isinstance(response, Response)
    assert response.version == "0.1.20240801"
    assert (response.status_code, response.status_message) == (20000, "Ok.")
    assert (response.tasks_count, response.tasks_error) == (1, 0)
    assert response.cost == cost and type(response.cost) is type(cost)
    assert response.time is not None and response.time.endswith(" sec.")
    [task] = response.tasks
    assert isinstance(task, Task)
    assert task.status_code == 20000 and task.result_count == 1
    group = endpoint.method.split(".")[0]
    assert task.path is not None and task.path[:2] == ["v3", group]
    assert task.data is not None and task.data["api"] == group
    [result] = task.result
    assert isinstance(result, endpoint.result)
    return result


def check_index(response: Any) -> None:
    result = check_envelope(response, ENDPOINTS["backlinks.index"], cost=0)
    assert response.tasks[0].data == {"api": "backlinks", "function": "index"}
    assert result.total_backlinks == 2558613874893
    assert (result.total_pages, result.total_domains) == (431295466227, 2263181104)
    history = result.index_history
    assert all(isinstance(month, BacklinksIndexIndexHistory) for month in history)
    assert [month.date for month in history] == ["2024-06-01", "2024-07-01", "2024-08-01"]
    assert history[-1].total_backlinks == result.total_backlinks


def check_history_live(response: Any) -> None:
    result = check_envelope(response, ENDPOINTS["backlinks.history_live"], cost=0.02003)
    assert response.tasks[0].path == ["v3", "backlinks", "history", "live"]
    assert (result.target, result.date_from, result.date_to) == (
        "techcrunch.com",
        "2024-06-01",
        "2024-07-31",
    )
    assert result.items_count == len(result.items) == 2
    item = result.items[0]
    assert isinstance(item, BacklinksHistoryLiveItem)
    assert (item.type, item.date, item.rank) == (
        "backlinks_history",
        "2024-06-01 00:00:00 +00:00",
        873,
    )
    assert isinstance(item.info, BacklinksHistoryLiveItemInfo)
    assert response.tasks[0].result[0].items[0].info.server == "nginx"
    assert item.info.cms == "wordpress"
    assert item.info.platform_type == ["blogs", "news"]
    assert item.info.is_ip is False and item.info.target_spam_score == 0
    assert item.referring_links_types["redirect"] == 33493316
    assert item.referring_links_semantic_locations[""] == 622481937
    assert result.items[1].new_backlinks == 20117553


def check_bulk_pages_summary_live(response: Any) -> None:
    endpoint = ENDPOINTS["backlinks.bulk_pages_summary_live"]
    result = check_envelope(response, endpoint, cost=0.0202)
    assert (result.total_count, result.items_count) == (2, 2)
    apple, forbes = result.items
    assert isinstance(apple, BacklinksBulkPagesSummaryLiveItem)
    assert (apple.type, apple.url, apple.rank, apple.main_domain_rank) == (
        "backlinks_page_summary",
        "https://www.apple.com/iphone/",
        71,
        98,
    )
    assert apple.lost_date is None
    assert forbes.lost_date == "2023-03-02 08:14:11 +00:00"
    assert forbes.backlinks == 601233807
    assert forbes.referring_links_platform_types["message-boards"] == 301221
    assert apple.referring_links_countries == {"": 20112, "US": 1320441, "JP": 91022}


def check_bulk_new_lost_backlinks_live(response: Any) -> None:
    endpoint = ENDPOINTS["backlinks.bulk_new_lost_backlinks_live"]
    result = check_envelope(response, endpoint, cost=0.0203)
    assert result.items_count == 3
    assert all(isinstance(item, BacklinksBulkNewLostBacklinksLiveItem) for item in result.items)
    assert [(i.target, i.new_backlinks, i.lost_backlinks) for i in result.items] == [
        ("forbes.com", 1833091, 1520874),
        ("https://www.apple.com/iphone/", 10223, 0),
        ("www.trustpilot.com", 0, 88121),
    ]


def check_links(response: Any) -> None:
    result = check_envelope(response, ENDPOINTS["on_page.links"], cost=0)
    assert result.crawl_progress == "finished"
    assert isinstance(result.crawl_status, OnPageLinksCrawlStatus)
    assert result.crawl_status.pages_crawled == result.crawl_status.max_crawl_pages == 100
    assert result.search_after_token == "eyJwYWdlX2Zyb20iOiIvIiwib2Zmc2V0IjozfQ=="
    assert (result.current_offset, result.total_items_count, result.items_count) == (0, 312, 4)
    anchor, image, alternate, redirect = result.items
    assert all(isinstance(item, OnPageLinksItem) for item in result.items)
    assert anchor.link_attribute == ["nofollow", "noopener"]
    assert (anchor.dofollow, anchor.direction, anchor.text) == (False, "external", "Follow us")
    assert (image.is_broken, image.page_to_status_code) == (True, 404)
    assert image.image_alt == "Example logo" and image.link_attribute is None
    assert image.text is None  # absent from the item
    assert (alternate.hreflang, alternate.is_valid_hreflang) == ("en-US", True)
    assert (redirect.page_from_scheme, redirect.page_to_scheme) == ("http", "https")
    assert redirect.text is None  # null in the item


TYPED_CHECKS: dict[str, Callable[[Any], None]] = {
    "backlinks.index": check_index,
    "backlinks.history_live": check_history_live,
    "backlinks.bulk_pages_summary_live": check_bulk_pages_summary_live,
    "backlinks.bulk_new_lost_backlinks_live": check_bulk_new_lost_backlinks_live,
    "on_page.links": check_links,
}


def model_nodes(
    model: Model, data: dict[str, Any], path: str = "$"
) -> Iterator[tuple[str, Any, Any]]:
    """Every parsed model with the JSON object it came from, depth first."""
    yield path, model, data
    keys = {f.metadata.get("json_key", f.name): f.name for f in dataclasses.fields(model)}
    for key, value in data.items():
        if key not in keys:
            continue
        parsed = getattr(model, keys[key])
        if isinstance(parsed, Model):
            yield from model_nodes(parsed, value, f"{path}.{key}")
        elif isinstance(parsed, list):
            for index, (element, raw) in enumerate(zip(parsed, value)):
                if isinstance(element, Model):
                    yield from model_nodes(element, raw, f"{path}.{key}[{index}]")


@every_endpoint
def test_typed_result(flavour: str, server: LoopbackServer, endpoint: Endpoint) -> None:
    payload = endpoint.payload
    server.reply_json(payload)

    response = run(flavour, server, endpoint.method, **endpoint.required)

    TYPED_CHECKS[endpoint.method](response)
    # Lossless: the same JSON back, key order and int/float distinction included.
    assert response.to_dict() == payload
    assert json.dumps(response.to_dict()) == json.dumps(payload)
    # Every key of the recorded response is documented, so nothing is left in .extra.
    assert {path: m.extra for path, m, _ in model_nodes(response, payload) if m.extra} == {}


@every_endpoint
def test_unknown_keys_land_in_extra_at_every_level(
    flavour: str, server: LoopbackServer, endpoint: Endpoint
) -> None:
    payload = endpoint.payload
    parsed = Response.parse(copy.deepcopy(payload), endpoint.result)
    for path, _, data in list(model_nodes(parsed, payload)):
        data["x_undocumented"] = {"seen_at": path, "values": [1, None, "two"]}
    server.reply_json(payload)

    response = run(flavour, server, endpoint.method, **endpoint.required)

    nodes = list(model_nodes(response, payload))
    assert len(nodes) > 3  # envelope, task, result, and below
    for path, model, _ in nodes:
        assert model.extra == {"x_undocumented": {"seen_at": path, "values": [1, None, "two"]}}
        assert not hasattr(model, "x_undocumented")
    assert json.dumps(response.to_dict()) == json.dumps(payload)


@every_endpoint
def test_nulls_are_kept(flavour: str, server: LoopbackServer, endpoint: Endpoint) -> None:
    payload = endpoint.payload
    parsed = Response.parse(copy.deepcopy(payload), endpoint.result)
    nulled = 0
    for _, model, data in list(model_nodes(parsed, payload)):
        for key in data:
            value = getattr(model, key)
            holds_models = isinstance(value, Model) or (
                isinstance(value, list) and any(isinstance(v, Model) for v in value)
            )
            # A null status_code is not success: that is the error tests' business.
            if not holds_models and key != "status_code":
                data[key] = None
                nulled += 1
    server.reply_json(payload)

    response = run(flavour, server, endpoint.method, **endpoint.required)

    assert nulled > 10
    for _, model, data in model_nodes(response, payload):
        for key, value in data.items():
            if value is None:
                assert getattr(model, key) is None
    assert json.dumps(response.to_dict()) == json.dumps(payload)


# -- the recorded responses -------------------------------------------------------------------


def documented_paths(field: Any) -> list[str]:
    return [node.path for node in field.walk() if node.path]


def values_at(data: Any, dotted: str) -> list[Any]:
    """Every value at a dotted path, looking through arrays (``tasks.result.items.rank``)."""
    found = [data]
    for key in dotted.split("."):
        step: list[Any] = []
        for value in found:
            for element in value if isinstance(value, list) else [value]:
                if isinstance(element, dict) and key in element:
                    step.append(element[key])
        found = step
    return found


@every_endpoint
def test_recorded_response_holds_every_documented_field(api: Any, endpoint: Endpoint) -> None:
    """So the typed checks above reach every field the docs list, with a value somewhere."""
    [ir] = [e for e in api.endpoints if e.qualified_name == endpoint.method]
    paths = documented_paths(api.envelope) + documented_paths(ir.result)
    payload = endpoint.payload
    missing = [path for path in paths if not values_at(payload, path)]
    always_null = [path for path in paths if all(v is None for v in values_at(payload, path))]
    assert (missing, always_null) == ([], [])
