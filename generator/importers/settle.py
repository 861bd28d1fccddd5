"""A parameter draft read from prose, made acceptable to the spec language or refused with a reason.

Prose is loose: a default outside the enum it sits beside, a "minimum value" on a boolean, half of
a filter description. The spec checker is the authority on what a parameter may say, so the draft
is put through the same checks (the meta-schema's ``param`` definition, then the constraint and
default rules of ``generator.constraints``); each key a check rejects is dropped and the draft
keeps a comment saying what was dropped and why, for a human to settle.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from .. import constraints as cons
from ..check import SCHEMA_PATH

_ROUNDS = 8  # each round drops at least one key; a parameter has far fewer than this to lose


@cache
def _param_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/param"})


@cache
def _param_keys() -> frozenset[str]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return frozenset(schema["$defs"]["param"]["properties"])


def settle_param(draft: dict[str, Any]) -> dict[str, Any] | str:
    """``draft`` with every rejected key dropped (and noted), or why no parameter can be made."""
    param = dict(draft)
    notes: list[str] = []
    for _ in range(_ROUNDS):
        problems = _problems(param)
        if not problems:
            break
        for key, message in problems.items():
            if key in ("name", "type", "description"):
                return f"cannot be stated: {message}"
            if key in param:
                notes.append(f"dropped {key} {json.dumps(param.pop(key), ensure_ascii=False, default=str)}: {message}")
    else:
        return "cannot be stated: its constraints do not settle"
    for key in [key for key in param if key.startswith("#") and key[1:] not in param]:
        # A note about a key that was dropped (or never made) goes above the parameter instead.
        notes.append(str(param.pop(key)))
    if notes:
        param["#"] = notes
    return param


def _problems(param: dict[str, Any]) -> dict[str, str]:
    """The first problem with each top-level key, in the order the checks find them."""
    problems: dict[str, str] = {}
    plain = {key: value for key, value in param.items() if not key.startswith("#")}
    for error in _param_schema().iter_errors(plain):
        if error.absolute_path:
            problems.setdefault(str(error.absolute_path[0]), error.message)
        elif error.validator == "additionalProperties":
            allowed = _param_keys()
            for key in plain:
                if key not in allowed:
                    problems.setdefault(key, "not a key of the spec language")
        else:
            problems.setdefault("type", error.message)
    if problems:
        return problems
    kind = plain["type"]
    if kind == "array" and "items" not in plain and "filter" not in plain:
        return {"type": "an array parameter needs items (or a filter)"}

    def report(key: str) -> cons.Report:
        def record(sub: str, message: str) -> None:
            problems.setdefault(key or sub, message)

        return record

    built = cons.build_constraints(plain, kind, report(""))
    if "items" in plain:
        cons.build_constraints(plain["items"], plain["items"]["type"], report("items"))
    if problems:
        return problems
    if "default" in plain:
        problem = cons.check_value(plain["default"]["value"], built, kind)
        if problem is None and plain.get("required"):
            problem = "a required parameter cannot have a default"
        if problem is not None:
            problems["default"] = problem
    return problems
