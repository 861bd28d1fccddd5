"""IR → JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as plain dicts.

Every constraint the JSON Schema vocabulary can state is stated; the rest — relative dates,
date bounds, domain formats, cross-field rules, the filter grammar, distinct domains — cannot be,
so each goes into an ``x-dfsgen-*`` keyword (data for tools) and a sentence appended to the
``description`` (for people). A relative bound is exported as its text ("today - 1 year"), never
resolved, so the export does not depend on the day it is made.

Request schemas are exact on what they state: a value they accept breaks no stated rule, and
one they refuse is refused by the client's validation too (the mock server relies on this to
answer a schema violation with HTTP 400). ``STATED_FORMATS`` are the formats with an exact
pattern; the other formats are only named.

Response schemas follow the client's parser: every field may be null and unknown keys are allowed.
The envelope's result slot is open here; ``envelope`` fills it per endpoint (``Endpoint.result``).

An array always names its ``items``, ``{}`` when nothing is known of them: the same meaning as no
``items``, which code generators (openapi-python-client) refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import ir
from ..constraints import parse_date_bound

DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXTENSION = "x-dfsgen-"

# What Python's str.isspace() calls whitespace, spelled out: ``\s`` means a different set in
# ECMA-262 (it adds U+FEFF, and leaves out U+001C-U+001F), and a pattern must mean one thing.
WHITESPACE = r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"

# Exact patterns, written so that Python's ``re.search`` and ECMA-262 agree: ``(?![\s\S])`` is the
# end of the text (``$`` would also match before a final newline, in Python).
STATED_FORMATS: dict[str, dict[str, str]] = {
    "uuid": {"format": "uuid", "pattern": r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}(?![\s\S])"},
    "relative_url": {"pattern": rf"^(?![\s\S]*{WHITESPACE})/(?!/)"},
}

_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "date": "string", "object": "object", "array": "array"}

_KEYWORDS: dict[type[ir.Constraint], Callable[[Any], dict[str, Any]]] = {
    ir.MinLength: lambda c: {"minLength": c.value},
    ir.MaxLength: lambda c: {"maxLength": c.value},
    ir.MinItems: lambda c: {"minItems": c.value},
    ir.MaxItems: lambda c: {"maxItems": c.value},
    ir.Minimum: lambda c: {"minimum": c.value},
    ir.Maximum: lambda c: {"maximum": c.value},
    ir.OneOf: lambda c: _choices(c.values),
}

_EXTENSIONS: dict[type[ir.Constraint], Callable[[Any], tuple[str, object, str]]] = {
    ir.MinDate: lambda c: ("min-date", c.bound.text, f"on or after {c.bound.text} (UTC)"),
    ir.MaxDate: lambda c: ("max-date", c.bound.text, f"on or before {c.bound.text} (UTC)"),
    ir.Format: lambda c: ("format", c.name, f"in the {c.name} format"),
    ir.DistinctDomains: lambda c: ("distinct-domains", c.max, f"from at most {c.max} different domains"),
    ir.FilterExpression: lambda c: (
        "filter",
        {"max_conditions": c.max_conditions, "operators": list(c.operators), "connectives": list(c.connectives)},
        (
            f"a filter expression of at most {c.max_conditions} [field, operator, value] conditions "
            f"joined by {' / '.join(c.connectives)}"
        ),
    ),
}
"""Constraints JSON Schema cannot state: (extension keyword, its value, the rule in words)."""


def _choices(values: tuple[object, ...]) -> dict[str, Any]:
    # openapi-python-client types only enums of strings or of integers, and drops any schema
    # holding another (3.5, 4, 4.5); a list of consts means the same, and it reads that.
    if {type(value) for value in values} in ({str}, {int}):
        return {"enum": list(values)}
    return {"anyOf": [{"const": value} for value in values]}


def typed(kind: str) -> dict[str, Any]:
    """The JSON type of a ``kind``; an array says what its items are, ``{}`` if nothing."""
    return {"type": _TYPES[kind], "items": {}} if kind == "array" else {"type": _TYPES[kind]}


# -- requests ---------------------------------------------------------------------------------


def value_schema(kind: ir.ParamType, constraints: tuple[ir.Constraint, ...]) -> tuple[dict[str, Any], list[str]]:
    """The schema of one value, and the rules it could not state, in words."""
    schema = typed(kind)
    if kind == "date":
        schema["format"] = "date"
    unstated: list[str] = []
    for constraint in constraints:
        keywords = _KEYWORDS.get(type(constraint))
        if keywords is not None:
            schema.update(keywords(constraint))
        elif isinstance(constraint, ir.Format) and constraint.name in STATED_FORMATS:
            schema.update(STATED_FORMATS[constraint.name])
        else:
            keyword, value, words = _EXTENSIONS[type(constraint)](constraint)
            schema[EXTENSION + keyword] = value
            unstated.append(words)
    return schema, unstated


def param_schema(param: ir.Param) -> dict[str, Any]:
    schema, unstated = value_schema(param.type, param.constraints)
    if param.item_type is not None:
        items, item_unstated = value_schema(param.item_type, param.item_constraints)
        schema["items"] = items
        unstated += [f"each item {words}" for words in item_unstated]
    if param.default is not None:
        _add_default(schema, param)
    description = param.description
    if unstated:
        description += f" [Also checked, not expressible in JSON Schema: {'; '.join(unstated)}.]"
    return {"description": description, **schema}


def _add_default(schema: dict[str, Any], param: ir.Param) -> None:
    assert param.default is not None
    value = param.default.value
    bound = parse_date_bound(value) if param.type == "date" else None
    if bound is not None and bound.is_relative:
        # "today - 1 month" is no date a schema can hold; it stays words.
        schema[EXTENSION + "default"] = value
    else:
        schema["default"] = value
    schema[EXTENSION + "default-applied-by"] = param.default.applied_by


def task_schema(endpoint: ir.Endpoint) -> dict[str, Any]:
    """The object of one task: the endpoint's parameters, nothing else."""
    schema: dict[str, Any] = {
        "type": "object",
        "title": f"{endpoint.class_prefix}Task",
        "description": f"{endpoint.title}: the parameters of one task.",
        "properties": {param.name: param_schema(param) for param in endpoint.body_params},
        "additionalProperties": False,
    }
    required = [param.name for param in endpoint.body_params if param.required]
    if required:
        schema["required"] = required
    if endpoint.rules:
        rules = "; ".join(f"{rule.name} ({rule.description})" for rule in endpoint.rules)
        schema["description"] += f" [Also checked, when both sides are given: {rules}.]"
        schema[EXTENSION + "rules"] = [
            {"left": rule.left, "op": rule.op, "right": rule.right, "description": rule.description}
            for rule in endpoint.rules
        ]
    return schema


def body_schema(endpoint: ir.Endpoint) -> dict[str, Any] | None:
    """What the request body must be, or None when the endpoint takes none."""
    if endpoint.body == "none":
        return None
    task = task_schema(endpoint)
    if endpoint.body == "object":
        return task
    return {"type": "array", "title": f"{endpoint.class_prefix}Tasks", "items": task, "minItems": 1}


# -- responses --------------------------------------------------------------------------------


def field_schema(node: ir.Field) -> dict[str, Any]:
    """A response field and everything below it; the envelope's result slot holds anything."""
    schema: dict[str, Any] = {"description": node.description}
    if node.holds_result:
        schema.update(type=["array", "null"], items={})
    elif node.kind == "object":
        schema.update(type=["object", "null"], properties=_properties(node))
    elif node.kind == "array":
        schema.update(type=["array", "null"], items={"type": "object", "properties": _properties(node)})
    elif node.kind == "list":
        schema.update(type=["array", "null"], items=typed(str(node.scalar)))
    else:  # a scalar, or a mapping the docs give no fields
        bare = typed(str(node.scalar))
        schema.update(bare, type=[bare["type"], "null"])
    return schema


def _properties(node: ir.Field) -> dict[str, Any]:
    return {child.key: field_schema(child) for child in node.children}


def result_schema(endpoint: ir.Endpoint) -> dict[str, Any]:
    """One item of ``tasks[].result``."""
    return {
        "type": "object",
        "title": str(endpoint.result.model),
        "description": f"{endpoint.title}: one result of a task.",
        "properties": _properties(endpoint.result),
    }
