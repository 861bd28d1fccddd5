"""Response properties: what the generated strategies draw round-trips exactly, and parsing fails
only with the package's own ResponseParseError, naming where.

For every endpoint (from the IR of spec/) and every model class it defines:

* ``Model.from_dict(d).to_dict() == d`` for any ``d`` from ``strategies.payloads(Model)``, and
  ``Response.parse(d, Result).to_dict() == d`` for any ``d`` from the endpoint's
  ``<group>_<endpoint>_responses()``, compared as JSON text so that key order, ``1`` against
  ``1.0`` and ``true`` against ``1`` all count; the same through the client over HTTP;
* a body with a value of the wrong JSON type at any typed place raises ResponseParseError whose
  ``path`` is that place (``tasks[0].result[1].items[0].rank``);
* a body corrupted anywhere (a value replaced by any JSON, a key dropped) either parses and
  round-trips, or raises ResponseParseError: never KeyError, TypeError, AttributeError...;
* the strategies really do draw nulls, absent keys and unknown keys below the top level.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import types
import typing
from collections.abc import Iterator
from typing import Any, TypeVar, Union

import httpx
import pytest
from aisa_dataforseo import Client, Model, Response, ResponseParseError
from aisa_dataforseo.testing import strategies
from conftest import SPEC_DIR
from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis import strategies as st

from generator import ir
from generator.pipeline import build_ir
from generator.render import module_name

API = build_ir(SPEC_DIR)


def endpoint_module(endpoint: ir.Endpoint) -> types.ModuleType:
    return importlib.import_module(f"aisa_dataforseo.endpoints.{module_name(endpoint)}")


def result_model(endpoint: ir.Endpoint) -> type[Model]:
    model: type[Model] = getattr(endpoint_module(endpoint), str(endpoint.result.model))
    return model


class Shown(ir.Endpoint):
    """An IR endpoint that hypothesis shows, in a failing example, by its name alone."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"<endpoint {self.qualified_name}>")


def shown(endpoint: ir.Endpoint) -> Shown:
    return Shown(**{f.name: getattr(endpoint, f.name) for f in dataclasses.fields(endpoint)})


ENDPOINTS = [pytest.param(shown(e), id=e.qualified_name) for e in API.endpoints]
MODELS = [
    pytest.param(shown(endpoint), node.model, id=f"{endpoint.qualified_name}:{node.model}")
    for endpoint in API.endpoints
    for node in endpoint.result.models()
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)


def exact(value: Any) -> str:
    """JSON text: equal only when the values are equal in key order and in type, at any depth."""
    return json.dumps(value, ensure_ascii=False)


def assert_round_trip(parsed: Model, payload: Any) -> None:
    again = parsed.to_dict()
    assert again == payload
    assert exact(again) == exact(payload)


# -- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize(("endpoint", "model_name"), MODELS)
@given(data=st.data())
def test_every_model_round_trips(
    endpoint: ir.Endpoint, model_name: str, data: st.DataObject
) -> None:
    model: type[Model] = getattr(endpoint_module(endpoint), model_name)
    payload = data.draw(strategies.payloads(model), label="payload")
    assert_round_trip(model.from_dict(payload), payload)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@given(data=st.data())
def test_the_envelope_round_trips(endpoint: ir.Endpoint, data: st.DataObject) -> None:
    result = result_model(endpoint)
    body = data.draw(getattr(strategies, f"{module_name(endpoint)}_responses")(), label="body")
    parsed = Response.parse(body, result)
    assert_round_trip(parsed, body)
    for task in parsed.tasks or []:
        assert all(isinstance(item, result) for item in task.result or [])
    # Without a result model, the results stay raw JSON, and still come back the same.
    assert_round_trip(Response.from_dict(body), body)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@given(data=st.data())
def test_the_client_returns_exactly_what_the_server_sent(
    endpoint: ir.Endpoint, data: st.DataObject
) -> None:
    """Over HTTP: a successful body of any documented shape comes back from the method unchanged."""
    body = data.draw(getattr(strategies, f"{module_name(endpoint)}_responses")(), label="body")
    body["status_code"] = 20000  # success, so that the client returns instead of raising
    for task in body.get("tasks") or []:
        task["status_code"] = 20000
    kwargs = data.draw(
        getattr(strategies, f"{module_name(endpoint)}_requests")(), label="arguments"
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with Client("test-key", http_client=httpx.Client(transport=transport), max_retries=0) as client:
        response = getattr(getattr(client, endpoint.group), endpoint.name)(**kwargs)
    assert_round_trip(response, body)


# -- where a body does not fit ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Slot:
    """A place in a body whose JSON type the models fix: its path, in ResponseParseError's form."""

    path: str
    steps: tuple[str | int, ...]
    kind: str  # string, integer, number, boolean, array, object


def hint_kind(hint: Any) -> str | None:
    """The JSON type an annotation fixes; None where anything goes."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return hint_kind(inner)
    if origin is list:
        return "array"
    if origin is dict or (isinstance(hint, type) and issubclass(hint, Model)):
        return "object"
    if isinstance(origin, type) and issubclass(origin, Model):
        return "object"
    if isinstance(hint, TypeVar):
        return "object"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(hint)


def slots(
    value: Any, hint: Any, result: type[Model], path: str = "", steps: tuple[str | int, ...] = ()
) -> Iterator[Slot]:
    """Every typed place below (and at) ``value``, which holds JSON of the annotation ``hint``."""
    if value is None:
        return
    kind = hint_kind(hint)
    if kind is None:
        return
    if steps:
        yield Slot(path, steps, kind)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        (hint,) = [arg for arg in args if arg is not type(None)]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        for index, item in enumerate(value):
            yield from slots(item, args[0], result, f"{path}[{index}]", (*steps, index))
        return
    model = result if isinstance(hint, TypeVar) else origin if isinstance(origin, type) else hint
    if not (isinstance(model, type) and issubclass(model, Model)):
        return  # a free mapping: its contents are anyone's
    hints = typing.get_type_hints(model)
    keys = {f.metadata.get("json_key", f.name): f.name for f in dataclasses.fields(model) if f.init}
    for key, item in value.items():
        if key in keys:
            yield from slots(
                item, hints[keys[key]], result, f"{path}.{key}" if path else key, (*steps, key)
            )


WRONG: dict[str, tuple[Any, ...]] = {
    "string": (1, 1.5, True, [], {}),
    "integer": ("1", 1.5, True, [], {}),
    "number": ("1", True, [], {}),
    "boolean": (1, "true", 0.0, [], {}),
    "array": ("x", 1, {}),
    "object": ("x", 1, []),
}


def replaced(body: Any, steps: tuple[str | int, ...], value: Any) -> Any:
    """A deep copy of ``body`` with ``value`` at ``steps``."""
    copy = json.loads(json.dumps(body))
    holder = copy
    for step in steps[:-1]:
        holder = holder[step]
    holder[steps[-1]] = value
    return copy


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@given(data=st.data())
def test_a_wrong_type_is_reported_at_its_path(endpoint: ir.Endpoint, data: st.DataObject) -> None:
    result = result_model(endpoint)
    body = data.draw(getattr(strategies, f"{module_name(endpoint)}_responses")(), label="body")
    places = list(slots(body, Response[result], result))  # type: ignore[valid-type]
    assume(places)
    slot = data.draw(st.sampled_from(places), label="place")
    # An array's items may not be null either; a field may.
    wrong = WRONG[slot.kind] + ((None,) if isinstance(slot.steps[-1], int) else ())
    value = data.draw(st.sampled_from(wrong), label="wrong value")
    broken = replaced(body, slot.steps, value)
    with pytest.raises(ResponseParseError) as raised:
        Response.parse(broken, result)
    assert raised.value.path == slot.path, str(raised.value)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@given(data=st.data())
def test_parsing_fails_only_with_its_own_error(endpoint: ir.Endpoint, data: st.DataObject) -> None:
    """Any JSON anywhere (or a key dropped): parsed and round-tripped, or ResponseParseError."""
    result = result_model(endpoint)
    body = data.draw(getattr(strategies, f"{module_name(endpoint)}_responses")(), label="body")
    places = list(locations(body))
    for _ in range(data.draw(st.integers(1, 3), label="corruptions")):
        steps = data.draw(st.sampled_from(places), label="where") if places else ()
        if not steps:
            body = data.draw(JSON, label="the whole body")
            break
        if isinstance(steps[-1], str) and data.draw(st.booleans(), label="drop the key"):
            holder = reach(body, steps[:-1])
            holder.pop(steps[-1], None)
        else:
            body = replaced(body, steps, data.draw(JSON, label="new value"))
        places = list(locations(body))
    try:
        parsed = Response.parse(body, result)
    except ResponseParseError as error:
        assert str(error)
        return
    assert_round_trip(parsed, body)


def locations(value: Any, steps: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every place in a JSON value, the top included (as ``()``)."""
    yield steps
    if isinstance(value, dict):
        for key, item in value.items():
            yield from locations(item, (*steps, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from locations(item, (*steps, index))


def reach(value: Any, steps: tuple[str | int, ...]) -> Any:
    for step in steps:
        value = value[step]
    return value


@pytest.mark.parametrize("body", [None, [], [{}], "{}", 20000, True], ids=repr)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_that_is_not_an_object_is_refused(endpoint: ir.Endpoint, body: Any) -> None:
    with pytest.raises(ResponseParseError) as raised:
        Response.parse(body, result_model(endpoint))
    assert raised.value.path == ""


# -- the strategies draw what a live server sends ---------------------------------------------


def results(body: Any) -> Iterator[dict[str, Any]]:
    """The result objects of a body: ``tasks[].result[]``."""
    for task in body.get("tasks") or []:
        yield from task.get("result") or []


def below_results(body: Any) -> Iterator[dict[str, Any]]:
    for result in results(body):
        for _, found in objects(result):
            yield found


ENVELOPE_KEYS = [node.key for node in API.envelope.children]

# For hypothesis.find: the first example found will do; shrinking it would only cost time.
FIRST = settings(
    max_examples=2000,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)

SHAPES: dict[str, Any] = {
    "a null in a result": lambda body, e: any(None in o.values() for o in below_results(body)),
    "a key left out of a result": lambda body, e: any(
        set(o) < {n.key for n in e.result.children} for o in results(body)
    ),
    "an unknown key in a result": lambda body, e: any(
        set(o) - {n.key for n in e.result.walk()} for o in below_results(body)
    ),
    "an unknown key at the top": lambda body, e: bool(set(body) - set(ENVELOPE_KEYS)),
    "keys out of the docs' order": lambda body, e: (
        [k for k in body if k in ENVELOPE_KEYS] != [k for k in ENVELOPE_KEYS if k in body]
    ),
}


def objects(value: Any, depth: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, dict):
        yield depth, value
        for item in value.values():
            yield from objects(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from objects(item, depth)


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_response_strategy_draws(endpoint: ir.Endpoint, shape: str) -> None:
    """Each shape a live body may have is within the strategy's reach (hypothesis.find finds one)."""
    responses = getattr(strategies, f"{module_name(endpoint)}_responses")()
    found = find(responses, lambda body: SHAPES[shape](body, endpoint), settings=FIRST)
    assert SHAPES[shape](found, endpoint)


# -- found by these properties, and since fixed ------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_number_beyond_a_doubles_range_is_parsed(endpoint: ir.Endpoint) -> None:
    """A number field given an integer too big for a float keeps it (math.isfinite would overflow)."""
    huge = 10**400
    text = '{"status_code": 20000, "cost": ' + str(huge) + ', "tasks": []}'
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=text.encode(), headers={"content-type": "application/json"}
        )
    )
    kwargs = find(
        getattr(strategies, f"{module_name(endpoint)}_requests")(), lambda _: True, settings=FIRST
    )
    with Client("test-key", http_client=httpx.Client(transport=transport), max_retries=0) as client:
        try:
            response = getattr(getattr(client, endpoint.group), endpoint.name)(**kwargs)
        except OverflowError as error:
            pytest.fail(f"parsing let {error!r} out")
    assert response.cost == huge
    assert_round_trip(response, json.loads(text))
