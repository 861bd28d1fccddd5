"""The meta-schema check: each document against the JSON Schema of the spec language.

Every violation becomes a SpecError on the line of the offending value; all are collected.
Semantic rules that need more than one value at a time live in model.py, beside the code that
builds what they protect.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from .errors import SpecError
from .load import Document

SCHEMA_PATH = Path(__file__).parent / "schema" / "spec.schema.json"


@cache
def _validators() -> dict[str, jsonschema.Draft202012Validator]:
    # The meta-schema is checked against draft 2020-12 by the tests, not on every run (30 ms).
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return {
        role: jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{role}"})
        for role in ("api", "endpoint")
    }


def check_document(document: Document, role: str) -> list[SpecError]:
    """All meta-schema violations in ``document`` read as an ``api`` or ``endpoint`` file."""
    errors = []
    for error in _validators()[role].iter_errors(document.data):
        location = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # One error per unknown key, each on the key's own line.
            allowed = sorted(_schema(error).get("properties", {}))
            for key in sorted(set(error.instance) - set(allowed)):
                at = (*location, key)
                message = f"unknown key {key!r} (allowed: {', '.join(allowed)})"
                errors.append(SpecError(document.file, document.line(at), _field(document.data, at), message))
            continue
        errors.append(
            SpecError(document.file, document.line(location), _field(document.data, location), _message(error))
        )
    return errors


def _field(data: Any, location: tuple[str | int, ...]) -> str:
    """A readable name for a location: list items are named by their ``name`` key when they have one."""
    parts: list[str] = []
    node = data
    for part in location:
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            named = node.get("name") if isinstance(node, dict) else None
            parts.append(str(named) if isinstance(named, str) else f"[{part}]")
        elif isinstance(node, dict) and part in node:
            node = node[part]
            parts.append(str(part))
        else:
            parts.append(str(part))
    return ".".join(parts).replace(".[", "[")


def _schema(error: jsonschema.ValidationError) -> dict[str, Any]:
    """The subschema that failed (jsonschema types it loosely)."""
    return error.schema if isinstance(error.schema, dict) else {}


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace(" is a required property", " is required")
    if error.validator == "type":
        return f"{error.instance!r} is not of type {error.validator_value}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, _schema(error)['enum']))}"
    if error.validator == "oneOf":
        return f"{error.instance!r} does not match any allowed form"
    return error.message
