"""The shared response envelope, split so that each endpoint's results keep their type.

Every endpoint answers with the same envelope (``Response ▸ tasks[] ▸ Task ▸ result[]``); only
the items of the result slot differ. JSON Schema could say this with one envelope and a per-endpoint
``allOf`` that narrows ``tasks[].result[]`` in place, but code generators (openapi-python-client,
datamodel-code-generator) merge ``allOf`` one property at a time, and a property that two parts
both define keeps its first definition: the narrowing is lost and every result becomes ``Any``.

So each model on the way down to the slot (a *layer*: the envelope, then ``Task``) is written as
a shared base — its fields, all but the one leading to the slot — and, per endpoint, ``allOf`` of
that base and the one missing field, whose items refer to the next layer down. No property is
defined twice, so a generator builds ``OnPageLinksResponse.tasks: list[OnPageLinksResponseTask]``
and ``OnPageLinksResponseTask.result: list[OnPageLinksResult]``. The meaning is the one envelope's:
the bases leave unknown keys open, so base and field together accept what the envelope did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import ir
from .jsonschema import field_schema

ENVELOPE = "Envelope"
"""The envelope whose result slot holds anything; its layers below are ``Envelope<Model>``."""

Ref = Callable[[str], str]
"""A schema name → the ``$ref`` that reaches it where the schema is written."""


def _layers(api: ir.Api) -> list[tuple[ir.Field, ir.Field]]:
    """(layer, its field on the way to the result slot), from the envelope down to the slot."""
    path = _path_to_result(api.envelope)
    return list(zip([api.envelope, *path[:-1]], path, strict=True))


def _layer_names(api: ir.Api, top: str) -> list[str]:
    """The schema name of each layer of the envelope named ``top``: ``top``, then ``top<Model>``."""
    return [top] + [top + str(layer.model) for layer, _ in _layers(api)[1:]]


def bases(api: ir.Api) -> dict[str, dict[str, Any]]:
    """{name: schema} of each layer's fields but the one that leads to the result slot."""
    out: dict[str, dict[str, Any]] = {}
    for name, (layer, way_down) in zip(_base_names(api), _layers(api), strict=True):
        out[name] = {
            "type": "object",
            "description": f"The {layer.model} fields every endpoint shares: all but {way_down.key!r}, "
            "which each endpoint's response adds with its own results.",
            "properties": {child.key: field_schema(child) for child in layer.children if child is not way_down},
        }
    return out


def filled(api: ir.Api, top: str, result: dict[str, Any], ref: Ref) -> dict[str, dict[str, Any]]:
    """{name: schema} of each layer of the envelope named ``top`` whose result items are ``result``."""
    names = _layer_names(api, top)
    inner = [{"$ref": ref(name)} for name in names[1:]] + [result]
    out: dict[str, dict[str, Any]] = {}
    for name, base, (_, way_down), holds in zip(names, _base_names(api), _layers(api), inner, strict=True):
        field = {"type": "object", "properties": {way_down.key: _holding(way_down, holds)}}
        out[name] = {"allOf": [{"$ref": ref(base)}, field]}
    return out


def shared(api: ir.Api, ref: Ref) -> dict[str, dict[str, Any]]:
    """The bases, and the envelope whose result slot is open, each layer titled with its model."""
    out = bases(api)
    opened = filled(api, ENVELOPE, {}, ref)
    for name, (layer, _) in zip(opened, _layers(api), strict=True):
        about = {"title": str(layer.model)}
        if name == ENVELOPE:
            about["description"] = "The response envelope every endpoint shares, its results left open."
        out[name] = {**about, **opened[name]}
    return out


def _base_names(api: ir.Api) -> list[str]:
    return [f"{name}Base" for name in _layer_names(api, ENVELOPE)]


def _holding(field: ir.Field, inner: dict[str, Any]) -> dict[str, Any]:
    """``field`` (an array, or an object) whose items, or whose value, is ``inner``."""
    if field.kind == "object":
        return {"description": field.description, "anyOf": [inner, {"type": "null"}]}
    return {"description": field.description, "type": ["array", "null"], "items": inner}


def _path_to_result(root: ir.Field) -> list[ir.Field]:
    """The fields from just below ``root`` down to the result slot (``tasks``, ``result``)."""
    for child in root.children:
        if child.holds_result:
            return [child]
        below = _path_to_result(child)
        if below:
            return [child, *below]
    return []
