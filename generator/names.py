"""Python-safe names, decided once in the IR. JSON keys are always kept beside them."""

from __future__ import annotations

import keyword
import re

# Attributes every generated model already has, and the names its annotations use (a field
# called ``int`` would shadow the type while the sibling fields' annotations are resolved):
# a field with one of these names is renamed.
MODEL_RESERVED = frozenset(
    {"from_dict", "to_dict", "extra", "str", "int", "float", "bool", "list", "dict", "Any", "ResultT"}
)
# Every generated endpoint method takes ``self`` and a per-call ``timeout``.
PARAM_RESERVED = frozenset({"self", "timeout"})


def python_name(key: str, reserved: frozenset[str] = frozenset()) -> str:
    """A valid, non-keyword identifier for ``key``: ``from`` → ``from_``, ``2xx-rate`` → ``n2xx_rate``."""
    name = re.sub(r"[^0-9A-Za-z_]+", "_", key).strip("_") or "field"
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or name in reserved:
        name = f"{name}_"
    return name


def is_python_name(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", snake) if part)


def singular(name: str) -> str:
    """The item name of an array field: ``items`` → ``item``, ``index_history`` → ``index_history``."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name
