"""Lines laid out the way black lays them out, so black finds nothing to change.

black formats a file twice whenever its first pass changes anything, and the rendered package is
almost all of a cold ``generate``'s time; rendering what black would write halves that. Two of
black's rules matter for the code the templates fill in from the specs:

* string quotes (``normalize_string_quotes``): double quotes, unless they would need more
  backslashes than single ones;
* a line over the limit splits at its last bracket pair (its first, for a ``def``): the contents
  go on one indented line if they fit there, end in no "magic" trailing comma and are not the
  items of a display (a list, tuple, dict or set literal); else one item a line, each with a
  trailing comma; an item still too long splits the same way.

``fit`` knows only the shapes the templates give it (calls, tuples, lists, subscripts, strings,
names); a test renders the real specs and asserts black leaves every file as it is. Two shapes
are past what it is worth re-deriving: an annotated line too long for its line (a model's field,
a method's parameter) goes through black's rules for an assignment's right-hand side and its
parenthesised type hints; a ``class`` or ``def`` line too long splits its bases or its return
annotation. ``statement``, ``header`` and ``parameter`` hand such a line, alone, to black in the
smallest code that puts it where it stands in the file: black lays a line out from that line and
its depth alone, so the result is what black would make of it in the whole file. Only long lines
pay for it, and each one once (names repeat from file to file).
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from functools import lru_cache
from pathlib import Path

LINE = 100
_INDENT = 4
_OPEN = "([{"
_CLOSE = ")]}"


def quote(text: str) -> str:
    """The literal black writes for ``text``: ``repr``'s escapes, black's choice of quotes."""
    literal = repr(text)
    if literal[0] == "'" and text.count('"') <= text.count("'"):
        # repr escaped every ' and no "; double quotes swap the two, and black takes them when
        # that adds no backslash (it prefers double quotes on a tie).
        literal = '"' + literal[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    return literal


def fit(text: str, indent: int) -> str:
    """``text`` (one logical line, without its indentation) split as black would at ``indent``.

    Continuation lines carry their own indentation; the first line gets none, since the template
    already wrote it.
    """
    first, *rest = _lay(text.strip(), indent)
    return "\n".join([first[1]] + [" " * level + line for level, line in rest])


def statement(text: str, indent: int, cache_dir: Path | None = None) -> str:
    """A simple statement (``name: T = value``, ``return f(x)``) at ``indent``, laid out by black.

    Continuation lines carry their indentation and the first line none, as with ``fit``. A line
    that needs black is looked up in black's cache in ``cache_dir`` first, as a file is.
    """
    return _by_black(text, indent, _blocks(indent), (), cache_dir)


def header(text: str, indent: int, cache_dir: Path | None = None) -> str:
    """The first line of a ``class`` or ``def`` (up to its colon) at ``indent``, laid out by black."""
    return _by_black(text, indent, _blocks(indent), (" " * (indent + _INDENT) + "pass",), cache_dir)


def parameter(text: str, indent: int, cache_dir: Path | None = None) -> str:
    """One parameter of a ``def`` exploded one parameter a line (``name: T | None = None,``), at
    ``indent``, laid out by black."""
    outer = indent - _INDENT
    opening = (*_blocks(outer), " " * outer + "def _(")
    return _by_black(text, indent, opening, (" " * outer + "):", " " * indent + "pass"), cache_dir)


def _blocks(indent: int) -> tuple[str, ...]:
    """Lines that open one block per level, down to code at ``indent``."""
    return tuple(" " * level + "if _:" for level in range(0, indent, _INDENT))


def _by_black(
    text: str, indent: int, opening: tuple[str, ...], closing: tuple[str, ...], cache_dir: Path | None
) -> str:
    """``text`` as it is when it fits its line (black leaves it so); else black's lines for it."""
    text = text.strip()
    if indent + len(text) <= LINE:
        return text
    return _black_between(opening, text, indent, closing, cache_dir)


@lru_cache(maxsize=4096)
def _black_between(
    opening: tuple[str, ...], text: str, indent: int, closing: tuple[str, ...], cache_dir: Path | None
) -> str:
    """black's lines for ``text`` at ``indent``, between the lines that open and close its context."""
    # Through the format cache: a build whose files black's cache answers would otherwise still
    # run black on every long line while rendering them (2.6 s for the 548-operation API).
    from .format import format_one

    source = "\n".join([*opening, " " * indent + text, *closing]) + "\n"
    formatted, failure = format_one("line.py", source, cache_dir)
    if failure is not None:
        return text  # not valid code: left as it is, the file's own black run reports it
    # Blank lines are black's spacing of the context (before a nested ``def``); a simple
    # statement or parameter has none of its own.
    lines = [line for line in formatted.splitlines() if line]
    body = lines[len(opening) : len(lines) - len(closing)]
    return "\n".join(body)[indent:]


def _lay(text: str, indent: int) -> list[tuple[int, str]]:
    split = _split_point(text)
    if split is None:
        return [(indent, text)]
    head, body, tail = split
    items = _items(body)
    one_tuple = _is_one_tuple(head, items)
    magic = body.rstrip().endswith(",") and not one_tuple and not _is_lone_subscript(head, items)
    if not items or (indent + len(text) <= LINE and not magic):
        return [(indent, text)]
    joined = ", ".join(items)
    if one_tuple or (len(items) == 1 and text.startswith(("def ", "async def "))):
        joined += ","  # kept on a one-tuple; added by black to a def's lone parameter
    # A display (list, tuple, dict, set) of two or more items always goes one item a line.
    display = len(items) > 1 and not _follows_operand(head)
    inner = indent + _INDENT
    if not (magic or display) and inner + len(joined) <= LINE:
        return [(indent, head), (inner, joined), (indent, tail)]
    if len(items) == 1 and not magic:
        # Nothing to put one a line: the lone item splits at its own brackets instead.
        return [(indent, head), *_lay(joined, inner), (indent, tail)]
    lines = [(indent, head)]
    for item in items:
        lines.extend(_lay(item + ",", inner))
    return lines + [(indent, tail)]


def _is_one_tuple(head: str, items: list[str]) -> bool:
    """``(x,)``: the comma makes the tuple, so black does not treat it as a magic trailing comma."""
    return len(items) == 1 and head.endswith("(") and not _follows_operand(head)


def _is_lone_subscript(head: str, items: list[str]) -> bool:
    return len(items) == 1 and head.endswith("[") and _follows_operand(head)


def _follows_operand(head: str) -> bool:
    """Whether the bracket opening at the end of ``head`` is a call or subscript, not a display."""
    before = head[:-1].rstrip()
    if before.endswith((")", "]")):
        return True
    word = re.search(r"\w+$", before)
    return word is not None and not keyword.iskeyword(word.group())  # ``return (a, b)`` is a display


def _split_point(text: str) -> tuple[str, str, str] | None:
    """(head through the opening bracket, contents, tail from the closing bracket) of the bracket
    pair black splits: the first one of a ``def``, else the one that closes last."""
    pairs = _bracket_pairs(text)
    if not pairs:
        return None
    if text.startswith(("def ", "async def ")):
        start, end = min(pairs)
    else:
        start, end = max(pairs, key=lambda pair: pair[1])
        # Only the outermost pair closing there: ``f(g(x))`` splits at f's brackets.
        start = min(s for s, e in pairs if e == end)
    return text[: start + 1], text[start + 1 : end], text[end:]


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    """Offsets of every matched bracket pair; brackets inside strings do not count."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for at, op in _operators(text):
        if op in _OPEN:
            stack.append(at)
        elif op in _CLOSE and stack:
            pairs.append((stack.pop(), at))
    return pairs


def _items(body: str) -> list[str]:
    """The comma-separated items of a bracket's contents, at its top level only."""
    items: list[str] = []
    depth, start = 0, 0
    for at, op in _operators(body):
        if op in _OPEN:
            depth += 1
        elif op in _CLOSE:
            depth -= 1
        elif op == "," and depth == 0:
            items.append(body[start:at].strip())
            start = at + 1
    last = body[start:].strip()
    return items + [last] if last else items


def _operators(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each operator token: the tokenizer knows what is inside a string."""
    offsets, total = [], 0
    for line in text.splitlines(keepends=True) or [""]:
        offsets.append(total)
        total += len(line)
    try:
        return [
            (offsets[token.start[0] - 1] + token.start[1], token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.OP
        ]
    except (tokenize.TokenError, SyntaxError):
        return []  # not a whole expression: left as it is, black will say what is wrong
