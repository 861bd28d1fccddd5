"""Load YAML spec files, keeping the line of every value.

PyYAML's constructor throws positions away, so documents are composed into nodes and converted
here: each value's location is recorded under its path (a tuple of keys and indexes), which is
what jsonschema reports for an error. Duplicate mapping keys, which PyYAML silently overwrites,
are errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError, SpecErrors

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One spec file: its data, and the line where each value in it starts."""

    file: str
    data: Any
    lines: dict[Location, int] = field(repr=False)

    def line(self, location: Location) -> int:
        """The line of the deepest recorded value on ``location`` (1 when nothing is recorded)."""
        for end in range(len(location), -1, -1):
            if location[:end] in self.lines:
                return self.lines[location[:end]]
        return 1


class _Constructor(yaml.constructor.SafeConstructor):
    pass


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``: libyaml when present (three times faster on the 548-endpoint
    import), else PyYAML's own parser; the latter also reads any text libyaml refuses, so every
    error message and line is PyYAML's, whichever parser is installed."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            node: yaml.Node | None = yaml.compose(text, Loader=fast)
        except (yaml.YAMLError, RecursionError):
            pass
        else:
            return node
    return yaml.compose(text, Loader=yaml.SafeLoader)


def load_text(text: str, file: str) -> Document:
    """Parse one YAML document; raise SpecErrors naming the file and line on any failure."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        problem = _one_line(str(error.problem))
        raise SpecErrors([SpecError(file, _error_line(error, text), "", f"not valid YAML: {problem}")]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise SpecErrors([SpecError(file, line, "", f"not valid YAML: {_one_line(error.reason)} {chr(error.character)!r}")]) from None
    except RecursionError:
        raise SpecErrors([SpecError(file, 1, "", "not valid YAML: nested too deeply")]) from None
    lines: dict[Location, int] = {}
    errors: list[SpecError] = []
    try:
        data = None if node is None else _convert(node, (), lines, errors, file, frozenset())
    except RecursionError:
        raise SpecErrors([SpecError(file, 1, "", "nested too deeply")]) from None
    if errors:
        raise SpecErrors(errors)
    return Document(file, data, lines)


def _error_line(error: yaml.MarkedYAMLError, text: str) -> int:
    """The line to blame: where the problem is, unless that is past the end of the file (an
    unclosed bracket is found only at the end), in which case where the construct began."""
    last = max(1, len(text.splitlines()))
    for mark in (error.problem_mark, error.context_mark):
        if mark is not None and mark.line + 1 <= last:
            return mark.line + 1
    return last


def load_file(path: Path, display: str) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpecErrors([SpecError(display, 1, "", f"not UTF-8 text: {error.reason}")]) from None
    return load_text(text, display)


def _one_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unreadable"


def _convert(
    node: yaml.Node,
    at: Location,
    lines: dict[Location, int],
    errors: list[SpecError],
    file: str,
    active: frozenset[int],
) -> Any:
    lines[at] = node.start_mark.line + 1
    if id(node) in active:
        # An alias that contains itself (``a: &x [*x]``) would expand forever.
        errors.append(SpecError(file, lines[at], _dotted(at), "an alias refers to itself"))
        return None
    active = active | {id(node)}
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(SpecError(file, key_node.start_mark.line + 1, _dotted(at), "keys must be plain scalars"))
                continue
            key = str(_scalar(key_node, errors, file))
            if key in result:
                errors.append(
                    SpecError(file, key_node.start_mark.line + 1, _dotted(at + (key,)), "duplicate key")
                )
                continue
            result[key] = _convert(value_node, at + (key,), lines, errors, file, active)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, at + (i,), lines, errors, file, active) for i, item in enumerate(node.value)]
    return _scalar(node, errors, file)


_TEXT_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"})


def _scalar(node: yaml.Node, errors: list[SpecError], file: str) -> Any:
    if node.tag in _TEXT_TAGS:
        # A string is its text (most of a spec: constructing it costs more than reading it).
        # Dates stay text too: the checker parses them, so "2019-02-30" gets a message about
        # dates rather than a constructor traceback, and bounds like "today - 1 year" share one path.
        return node.value
    try:
        return _Constructor().construct_object(node, deep=True)
    except Exception as error:  # noqa: BLE001  PyYAML's constructors raise anything from KeyError to ValueError
        problem = _one_line(str(getattr(error, "problem", None) or error))
        errors.append(SpecError(file, node.start_mark.line + 1, "", f"unreadable value {node.value!r}: {problem}"))
        return None


def _dotted(location: Location) -> str:
    return ".".join(str(part) for part in location)
