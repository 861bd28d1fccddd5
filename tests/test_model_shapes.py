"""Parsing by shape: what a model learns from the first object of a shape must never let a later
object of the same keys through with a value of the wrong type, must not grow without bound,
and parsing must leave the caller's JSON alone unless the caller hands it over (``copy=False``).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from aisa_dataforseo import Model, Response, ResponseParseError, _model
from aisa_dataforseo.endpoints.backlinks_bulk_pages_summary_live import (
    BacklinksBulkPagesSummaryLiveResult,
)
from aisa_dataforseo.endpoints.on_page_links import OnPageLinksItem, OnPageLinksResult
from aisa_dataforseo.testing import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

RESPONSES = Path(__file__).parent / "responses"
ITEM = {"type": "anchor", "domain_from": "example.com", "page_to_status_code": 200, "link_attribute": ["nofollow"]}


def recorded(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))
    return body


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("page_to_status_code", "200", "expected an integer"),
        ("page_to_status_code", True, "expected an integer"),
        ("domain_from", 7, "expected a string"),
        ("link_attribute", ["nofollow", 3], "expected a string"),
        ("link_attribute", "nofollow", "expected an array"),
    ],
)
def test_a_known_shape_with_a_value_of_the_wrong_type_is_still_refused(key: str, value: Any, expected: str) -> None:
    OnPageLinksItem.from_dict(ITEM)  # the shape is learnt from a good object first
    bad = {**ITEM, key: value}
    assert list(bad) == list(ITEM)  # same keys, same order: only a type differs
    with pytest.raises(ResponseParseError, match=expected) as caught:
        OnPageLinksItem.from_dict(bad)
    assert caught.value.path.startswith(key)


def test_a_float_must_be_finite_in_every_object_of_a_shape() -> None:
    result = BacklinksBulkPagesSummaryLiveResult
    assert Response.parse({"tasks": [], "cost": 0.5}, result).cost == 0.5  # float: a learnt shape
    for value in (float("nan"), float("inf")):
        with pytest.raises(ResponseParseError, match="finite") as caught:
            Response.parse({"tasks": [], "cost": value}, result)
        assert caught.value.path == "cost"


def test_the_plans_kept_per_class_are_bounded() -> None:
    plans = _model._SCHEMAS.get(OnPageLinksItem)
    before = len(plans.plans) if plans is not None else 0
    keys = [key for key in _model._schema_of(OnPageLinksItem).attributes if key != "type"]
    # 400 objects, each with its own shape (a different key left out, or a different order).
    for index in range(400):
        left_out = keys[index % len(keys)]
        ordered = keys[index % 7 :] + keys[: index % 7]
        item = {"type": str(index), **{key: None for key in ordered if key != left_out}}
        parsed = OnPageLinksItem.from_dict(item)
        assert parsed.type == str(index)
        assert parsed.to_dict() == item
    assert before <= len(_model._SCHEMAS[OnPageLinksItem].plans) <= _model._MAX_SHAPES


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_parsing_leaves_the_callers_json_alone(data: st.DataObject) -> None:
    body = data.draw(strategies.backlinks_bulk_pages_summary_live_responses(), label="body")
    before = json.dumps(body)
    parsed = Response.parse(body, BacklinksBulkPagesSummaryLiveResult)
    assert json.dumps(body) == before
    # Changing the models afterwards does not reach the caller's JSON either.
    parsed.status_message = "changed"
    for task in parsed.tasks or []:
        task.id = "changed"
        for result in task.result or []:
            result.items_count = -1
    assert json.dumps(body) == before
    assert json.dumps(Response.parse(json.loads(before), BacklinksBulkPagesSummaryLiveResult).to_dict()) == before


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_json_handed_over_parses_to_the_same_models(data: st.DataObject) -> None:
    body = data.draw(strategies.backlinks_bulk_pages_summary_live_responses(), label="body")
    kept = copy.deepcopy(body)
    handed = Response.parse(body, BacklinksBulkPagesSummaryLiveResult, copy=False)
    copied = Response.parse(kept, BacklinksBulkPagesSummaryLiveResult)
    assert handed == copied
    assert json.dumps(handed.to_dict()) == json.dumps(kept)


def test_handed_over_dicts_become_the_models_state() -> None:
    body = recorded("backlinks_bulk_pages_summary_live")
    item = body["tasks"][0]["result"][0]["items"][0]
    parsed = Response.parse(body, BacklinksBulkPagesSummaryLiveResult, copy=False)
    first = parsed.tasks[0].result[0].items[0]  # type: ignore[index]
    assert vars(first) is item  # no copy was made
    assert isinstance(first, Model)


# -- batches: an array's items are parsed together, and every error still names its own place --


@dataclasses.dataclass(kw_only=True)
class Point(Model):
    values: list[float] | None = None


@dataclasses.dataclass(kw_only=True)
class Grid(Model):
    points: list[Point] | None = None
    rows: list[list[Point]] | None = None


def links(items: list[dict[str, Any]]) -> dict[str, Any]:
    return OnPageLinksResult.from_dict({"items": items}).to_dict()


def kinds_of_link(count: int) -> list[dict[str, Any]]:
    """Items in three key orders and with nulls in different places, as a real page mixes them."""
    items: list[dict[str, Any]] = []
    for n in range(count):
        item = {**ITEM, "page_to_status_code": n, "link_attribute": None if n % 4 == 0 else ["a", str(n)]}
        if n % 3 == 1:
            item = dict(reversed(list(item.items())))
        elif n % 3 == 2:
            item = {key: value for key, value in item.items() if key != "type"}
        items.append(item)
    return items


@pytest.mark.parametrize("mixed", [False, True], ids=["one shape", "mixed shapes"])
@pytest.mark.parametrize("at", [0, 17, 49])
@pytest.mark.parametrize(
    ("key", "value", "expected", "below"),
    [
        ("domain_from", 7, "expected a string", ""),
        ("page_to_status_code", 2.5, "expected an integer", ""),
        ("link_attribute", ["a", "b", 3], "expected a string", "[2]"),
        ("link_attribute", [None], "expected a string, got null", "[0]"),
        ("link_attribute", {"a": 1}, "expected an array", ""),
    ],
)
def test_an_error_in_a_batch_names_the_item_it_is_in(
    mixed: bool, at: int, key: str, value: Any, expected: str, below: str
) -> None:
    items = kinds_of_link(50) if mixed else [{**ITEM, "page_to_status_code": n} for n in range(50)]
    links(copy.deepcopy(items))  # the good shapes are learnt first
    items[at][key] = value
    with pytest.raises(ResponseParseError, match=expected) as caught:
        links(items)
    assert caught.value.path == f"items[{at}].{key}{below}"


def test_a_batch_of_mixed_shapes_round_trips_each_item_in_its_own_key_order() -> None:
    items = kinds_of_link(60)
    parsed = OnPageLinksResult.from_dict({"items": copy.deepcopy(items)})
    assert json.dumps(parsed.to_dict()) == json.dumps({"items": items})
    assert [item.page_to_status_code for item in parsed.items or []] == list(range(60))
    handed = OnPageLinksResult.from_dict({"items": copy.deepcopy(items)}, copy=False)
    assert handed == parsed


def test_items_in_more_key_orders_than_get_a_pass_each_keep_their_own() -> None:
    # Twelve orders of the keys, interleaved: eight are told apart a pass each, the rest one
    # item at a time; every item comes back in its own order, and an error still names its item.
    orders = list(itertools.permutations(ITEM))[:12]
    items = [{key: {**ITEM, "page_to_status_code": n}[key] for key in orders[n % 12]} for n in range(60)]
    assert len({tuple(item) for item in items}) == 12
    parsed = OnPageLinksResult.from_dict({"items": copy.deepcopy(items)})
    assert json.dumps(parsed.to_dict()) == json.dumps({"items": items})
    assert [item.page_to_status_code for item in parsed.items or []] == list(range(60))
    items[57]["domain_to"] = 5
    with pytest.raises(ResponseParseError, match="expected a string") as caught:
        links(items)
    assert caught.value.path == "items[57].domain_to"


def test_items_that_are_not_objects_are_refused_at_their_index() -> None:
    with pytest.raises(ResponseParseError, match="expected an object, got a string") as caught:
        links([dict(ITEM), dict(ITEM), "x"])  # type: ignore[list-item]
    assert caught.value.path == "items[2]"


@pytest.mark.parametrize(
    ("payload", "path", "expected"),
    [
        ({"points": [{"values": [1, 2.5]}, {"values": [3.5, float("nan")]}]}, "points[1].values[1]", "finite"),
        ({"points": [{"values": []}, {"values": [1, True]}]}, "points[1].values[1]", "expected a number"),
        ({"rows": [[{"values": [1]}], [], [{"values": [1]}, {"values": ["x"]}]]}, "rows[2][1].values[0]", "expected a number"),
        ({"rows": [[{"values": [1]}], [{"values": [2]}, {"values": [float("inf")]}]]}, "rows[1][1].values[0]", "finite"),
        ({"rows": [[{"values": [1]}], [None]]}, "rows[1][0]", "expected an object, got null"),
    ],
)
def test_arrays_of_arrays_are_checked_as_one_batch_and_name_each_place(
    payload: dict[str, Any], path: str, expected: str
) -> None:
    with pytest.raises(ResponseParseError, match=expected) as caught:
        Grid.from_dict(payload)
    assert caught.value.path == path


def test_arrays_of_arrays_of_models_round_trip() -> None:
    payload = {"rows": [[{"values": [1, 2.5]}], [], [{"values": []}, {"values": [0, -1.5], "x": 1}]]}
    parsed = Grid.from_dict(copy.deepcopy(payload))
    assert parsed.rows is not None and isinstance(parsed.rows[2][1], Point)
    assert parsed.rows[2][1].extra == {"x": 1}
    assert parsed.to_dict() == payload
