"""A draft spec (plain dicts and lists) → YAML text laid out like the hand-written specs.

The output is deterministic: keys come in the order the hand specs use (``KEY_ORDER``; unknown
keys after them, in the draft's order), scalars are quoted only when YAML would misread them, and
short lists and mappings of scalars stay on one line (``enum: [a, b]``).

Comments ride in the draft as keys that start with ``#``: in a mapping, ``"#"`` is written above
the mapping (above a list item's dash; at the top of the file for the top-level mapping) and
``"#key"`` above ``key``. Their value is a string or a list of strings. This is how an importer
marks what it could not recover instead of dropping it.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError, SpecErrors

KEY_ORDER = (
    "name", "attr", "title", "method", "path", "docs_url", "page", "left", "op", "right",
    "type", "items", "required", "format", "min_items", "max_items", "distinct_domains",
    "min_length", "max_length", "min_date", "max_date", "minimum", "maximum", "enum", "filter",
    "max_conditions", "operators", "connectives", "default", "value", "applied_by",
    "description", "body", "examples", "recovered", "params", "rules", "examples_today", "response",
)  # fmt: skip
"""Where a key goes: identity, type, constraints, prose, annotations, then the nested lists."""

_DESCRIPTION_KEYS = frozenset({"description"})
_WIDTH = 100
_INLINE_WIDTH = 100
_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./ :+-]*$")


def emit_spec(draft: dict[str, Any]) -> str:
    """The YAML text of ``draft``; dfsgen's loader reads it back as the draft, comments aside
    (dates stay text there, as in the hand specs)."""
    lines: list[str] = []
    _mapping(draft, 0, lines, top=True)
    return "\n".join(lines) + "\n"


def _ordered(mapping: dict[str, Any]) -> list[str]:
    keys = [key for key in mapping if not key.startswith("#")]
    rank = {key: i for i, key in enumerate(KEY_ORDER)}
    return sorted(keys, key=lambda key: (rank.get(key, len(KEY_ORDER)), keys.index(key)))


def _comments(note: Any, indent: int, lines: list[str]) -> None:
    for text in [note] if isinstance(note, str) else list(note):
        for line in textwrap.wrap(str(text), _WIDTH - indent - 2, break_on_hyphens=False) or [""]:
            lines.append(" " * indent + f"# {line}".rstrip())


def _mapping(mapping: dict[str, Any], indent: int, lines: list[str], top: bool = False, dash: bool = False) -> None:
    """Write ``mapping`` at ``indent``; with ``dash`` its first key goes on a ``- `` line."""
    if top and "#" in mapping:
        _comments(mapping["#"], indent, lines)
    first = True
    for key in _ordered(mapping):
        if f"#{key}" in mapping:
            _comments(mapping[f"#{key}"], indent, lines)
        prefix = " " * (indent - 2) + "- " if dash and first else " " * indent
        first = False
        _entry(key, mapping[key], prefix, indent, lines)


def _entry(key: str, value: Any, prefix: str, indent: int, lines: list[str]) -> None:
    head = f"{prefix}{_scalar(key)}:"
    inline = _inline(value)
    if inline is not None and (key not in _DESCRIPTION_KEYS or len(head) + 1 + len(inline) <= _WIDTH):
        lines.append(f"{head} {inline}")
    elif isinstance(value, str):
        lines.append(f"{head} {_folded(value, indent)}")
    elif isinstance(value, dict):
        lines.append(head)
        _mapping(value, indent + 2, lines)
    elif isinstance(value, list) and not value:
        lines.append(f"{head} []")
    elif isinstance(value, list):
        lines.append(head)
        _sequence(value, indent + 2, lines)
    else:
        lines.append(f"{head} {_scalar(value)}")


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    """Items with their dash at ``indent``; a mapping item's keys line up after the dash."""
    for item in items:
        if isinstance(item, dict) and item:
            if "#" in item:
                _comments(item["#"], indent, lines)
            _mapping(item, indent + 2, lines, dash=True)
        else:
            inline = _inline(item)
            lines.append(" " * indent + f"- {inline if inline is not None else _flow(item)}")


def _inline(value: Any) -> str | None:
    """One-line form of a scalar, or of a short list or mapping of scalars; None if too big."""
    if isinstance(value, dict):
        if any(isinstance(v, (dict, list)) or str(k).startswith("#") for k, v in value.items()):
            return None
        text = "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            return None
        parts = [_inline(item) for item in value]
        if any(part is None for part in parts):
            return None
        text = "[" + ", ".join(str(part) for part in parts) + "]"
    else:
        return _scalar(value)
    return text if len(text) <= _INLINE_WIDTH else None


def _flow(value: Any) -> str:
    """Any value on one line, however long: YAML flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    """A scalar YAML reads back as the same value: plain where that is safe, quoted otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if not text.isprintable():  # control characters and line separators only survive as escapes
        return _double_quoted(text)
    if _PLAIN.match(text) and not text.endswith(":") and ": " not in text and _reads_back(text):
        return text
    if "'" not in text:
        return f"'{text}'"
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar: printable text as is, everything else as a YAML escape."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'



def _reads_back(text: str) -> bool:
    """Plain text that YAML reads as the same string (not a number, bool, null or date)."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return loaded == text or (isinstance(loaded, dt.date) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None)


def _folded(text: str, indent: int) -> str:
    """A long description as a folded block, the way the hand specs write long prose."""
    if text != " ".join(text.split()) or not text.isprintable():
        return _scalar(text)
    body = textwrap.wrap(text, _WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
    pad = " " * (indent + 2)
    return ">-\n" + "\n".join(pad + line for line in body)


def save_draft(text: str, path: Path, overwrite: bool = False) -> None:
    """Write a draft; an existing file (a hand-checked spec, say) is replaced only on request."""
    if path.exists() and not overwrite:
        raise SpecErrors([SpecError(path.as_posix(), 0, "", "already exists; pass --force to replace it")])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise SpecErrors([SpecError(path.as_posix(), 0, "", f"cannot write the draft: {error.strerror}")]) from None
