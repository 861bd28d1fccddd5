"""Which values of a spec file a maintainer annotated with a YAML comment.

A comment in a hand spec marks a deliberate departure from the copied page: a bound the page only
implies, an operator the copy lost, a field the page never lists. The comment sits on the line(s)
right above the key (or above a list item's dash), or at the end of the value's line. PyYAML drops
comments, so the text is composed again here and each key's line is checked against the raw lines.
"""

from __future__ import annotations

import yaml

from ..load import Location


def annotated_locations(text: str) -> frozenset[Location]:
    """The locations (as ``load.Document.lines`` keys) whose key or list item carries a comment."""
    lines = text.splitlines()
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found: set[Location] = set()

    def commented(line: int, end_line: int, end_column: int) -> bool:
        above = lines[line - 1].lstrip() if line > 0 else ""
        after = lines[end_line][end_column:].lstrip() if end_line < len(lines) else ""
        return above.startswith("#") or after.startswith("#")

    def walk(node: yaml.Node, at: Location) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = at + (str(key.value),)
                # a block scalar (>-) ends on a later line, where a comment belongs to what follows
                one_line = value.style not in (">", "|") if isinstance(value, yaml.ScalarNode) else value.flow_style
                end = value.end_mark if one_line else key.end_mark
                if commented(key.start_mark.line, end.line, end.column):
                    found.add(here)
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if commented(item.start_mark.line, item.start_mark.line, len(lines[item.start_mark.line])):
                    found.add(at + (index,))
                walk(item, at + (index,))

    if root is not None:
        walk(root, ())
    return frozenset(found)


def is_annotated(annotated: frozenset[Location], at: Location) -> bool:
    """True when ``at``, or what holds it inside its list item (``params.3``, ``params.3.filter``),
    carries a comment; a comment above a whole section (``params:``) does not cover its items."""
    return any(at[:end] in annotated for end in range(2, len(at) + 1))
