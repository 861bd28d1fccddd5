"""Dotted field names (``tasks.result.items.info.server``) become a tree of Field nodes, once.

The docs list a response as flat dotted names, each with a type. A name's parent must be listed
before it and must be able to hold children: an ``object`` (which then becomes a model) or an
array (``string[]`` in the docs, which then becomes an array of a model). A parent without
children keeps its documented shape: a free mapping, or a list of scalars.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .errors import SpecError
from .ir import Field, FieldKind, ScalarType, Source
from .names import MODEL_RESERVED, pascal, python_name, singular

CONTAINERS = frozenset({"object", "string[]", "object[]"})


@dataclass(frozen=True)
class FlatField:
    """A response field as a spec lists it."""

    name: str
    doc_type: str
    description: str
    attr: str | None
    recovered: str | None
    holds_result: bool
    source: Source


@dataclass
class _Node:
    flat: FlatField
    children: dict[str, _Node] = field(default_factory=dict)


def build_tree(
    fields: list[FlatField],
    root: FlatField,
    model: str,
    prefix: str,
    errors: list[SpecError],
    below: str = "",
) -> Field:
    """Nest ``fields`` under ``root`` and name the models.

    ``below`` is the dotted path the fields hang from (``tasks.result`` for an endpoint); every
    field must start with it. The root model is ``model``; the others grow from ``prefix``: with
    prefix ``X``, a child ``items`` of the root is ``XItem``, and its child ``info`` is ``XItemInfo``. The envelope's
    ``holds_result`` slot stays an array without a model: each endpoint's result fills it.
    """
    top = _Node(root)
    nodes: dict[str, _Node] = {below: top}
    for flat in fields:
        if below and not flat.name.startswith(below + "."):
            errors.append(_error(flat, f"must be below {below!r}"))
            continue
        if flat.name in nodes:
            first = nodes[flat.name].flat.source.line
            errors.append(_error(flat, f"duplicate field (first defined on line {first})"))
            continue
        parent_path, _, key = flat.name.rpartition(".")
        if not key or any(not part for part in flat.name.split(".")):
            errors.append(_error(flat, "empty segment in dotted name"))
            continue
        parent = nodes.get(parent_path)
        if parent is None:
            errors.append(_error(flat, f"parent {parent_path!r} is not defined before it"))
            continue
        if parent is not top and parent.flat.doc_type not in CONTAINERS:
            errors.append(
                _error(flat, f"parent {parent_path!r} is {parent.flat.doc_type}, which cannot hold fields")
            )
            continue
        node = _Node(flat)
        parent.children[key] = node
        nodes[flat.name] = node
    return _freeze(top, root.name.rpartition(".")[2], model, prefix, errors)


def _freeze(node: _Node, key: str, model: str | None, prefix: str, errors: list[SpecError]) -> Field:
    """Turn a node into a Field; ``model`` names its class when it has one (the root always does)."""
    flat = node.flat
    attrs: dict[str, str] = {}
    children: list[Field] = []
    names = _model_names(node, prefix)
    for child_key, child in node.children.items():
        child_model = names.get(child_key)
        frozen = _freeze(child, child_key, child_model, child_model or "", errors)
        if frozen.attr in attrs:
            errors.append(
                _error(child.flat, f"attribute name {frozen.attr!r} is also used by {attrs[frozen.attr]!r}")
            )
        attrs[frozen.attr] = child_key
        children.append(frozen)
    kind, scalar = _shape(flat, bool(children) or model is not None)
    return Field(
        key=key,
        attr=_attr(flat, key),
        path=flat.name,
        doc_type=flat.doc_type,
        kind=kind,
        scalar=scalar,
        model=model,
        description=flat.description,
        children=tuple(children),
        recovered=flat.recovered,
        holds_result=flat.holds_result,
        source=flat.source,
    )


def _model_names(node: _Node, prefix: str) -> dict[str, str]:
    """The model class of each child that has children: an array's is named after one item.

    When that singular meets a sibling's name (``link``, an object, beside ``links``, an array
    of them), the array keeps its plural.
    """
    names = {
        key: prefix + pascal(singular(key) if child.flat.doc_type.endswith("[]") else key)
        for key, child in node.children.items()
        if child.children
    }
    taken = Counter(names.values())
    return {
        key: prefix + pascal(key) if taken[name] > 1 and node.children[key].flat.doc_type.endswith("[]") else name
        for key, name in names.items()
    }


def _shape(flat: FlatField, is_model: bool) -> tuple[FieldKind, ScalarType | None]:
    doc_type = flat.doc_type
    if is_model or flat.holds_result:
        return ("array" if doc_type.endswith("[]") else "object"), None
    if doc_type == "object":
        return "mapping", "object"
    if doc_type.endswith("[]"):
        return "list", doc_type.removesuffix("[]")  # type: ignore[return-value]
    return "scalar", doc_type  # type: ignore[return-value]


def _attr(flat: FlatField, key: str) -> str:
    """The given ``attr`` (checked where the spec is read), else a safe name made from the key."""
    return flat.attr if flat.attr is not None else python_name(key, MODEL_RESERVED)


def _error(flat: FlatField, message: str) -> SpecError:
    return SpecError(flat.source.file, flat.source.line, flat.name, message)
