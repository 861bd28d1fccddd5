"""Read a copied docs page (docs/api-pages/*.txt) on its own terms, without the specs.

A page has a header (method, URL pieces, title, a curl command whose ``--data`` is the request
example, then the response example: a JSON object whose keys are the dotted field names in page
order) and a prose part: a ``Body`` and a ``Response`` section of blocks. A block is either a
header (``name`` / ``type`` [/ ``required``]) followed by a description, or, where the copy lost
the name and type, the description alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME_LINE = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*")
TYPE_LINE = re.compile(r"(?:string|integer|number|boolean|object)(?:\[\])?")


@dataclass(frozen=True)
class Entry:
    """One documented parameter or response field; ``name`` and ``type`` are None when lost."""

    name: str | None
    type: str | None
    required: bool
    description: str


@dataclass(frozen=True)
class Page:
    file: str
    title: str
    summary: str | None  # the line under the title, on a page that lost its header
    method: str | None
    url: str | None
    request_example: dict[str, Any] | None
    response_example: dict[str, Any] | None
    params: tuple[Entry, ...]
    fields: tuple[Entry, ...]
    text: str


def read_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    examples = _json_objects(text)
    response = next((example for example in examples if "version" in example), None)
    request = next((example for example in examples if "version" not in example), None)
    curl = next((i for i, line in enumerate(lines) if line.startswith("curl --request")), None)
    if curl is None:  # the header is gone: the page starts with its title and summary
        title, summary, method, url = lines[0], lines[1], None, None
    else:
        title, summary = lines[curl - 1], None
        method = lines[curl].split()[2]
        url = next(line.split()[1] for line in lines[curl:] if line.strip().startswith("--url "))
    body = _index(lines, "Body")
    response_start = _index(lines, "Response")
    fields_start = _index(lines, "Successful response")
    params = _entries(lines[body + 1 : response_start]) if body is not None else []
    return Page(
        file=path.name,
        title=title,
        summary=summary,
        method=method,
        url=url,
        request_example=request,
        response_example=response,
        params=tuple(params),
        fields=tuple(_entries(lines[fields_start + 1 :])),
        text=text,
    )


def _index(lines: list[str], exact: str) -> int | None:
    return next((i for i, line in enumerate(lines) if line.strip() == exact), None)


def _json_objects(text: str) -> list[dict[str, Any]]:
    """Every JSON object that starts on a line of its own (``{``)."""
    decoder = json.JSONDecoder()
    objects = []
    for match in re.finditer(r"^\{$", text, flags=re.MULTILINE):
        value, _ = decoder.raw_decode(text, match.start())
        objects.append(value)
    return objects


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == "application/json":  # the body's content type, not an entry
            continue
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _is_header(block: list[str]) -> bool:
    return (
        len(block) >= 2
        and NAME_LINE.fullmatch(block[0]) is not None
        and TYPE_LINE.fullmatch(block[1]) is not None
        and all(line == "required" for line in block[2:])
    )


def _entries(lines: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    header: list[str] | None = None
    for block in _blocks(lines):
        if _is_header(block):
            assert header is None, f"two headers in a row: {header} {block}"
            header = block
            continue
        for description in block:  # a damaged page runs lost-name descriptions together
            if header is None:
                entries.append(Entry(None, None, False, description))
            else:
                entries.append(Entry(header[0], header[1], "required" in header[2:], description))
                header = None
    assert header is None, f"a header without a description: {header}"
    return entries


def align(entries: tuple[Entry, ...], keys: list[str]) -> dict[str, Entry]:
    """Pair each example key with its prose entry; an entry that lost its name takes the next key."""
    named = {entry.name for entry in entries if entry.name}
    paired: dict[str, Entry] = {}
    position = 0
    for entry in entries:
        if entry.name is not None:
            position = keys.index(entry.name)
        assert position < len(keys), f"more entries than keys at {entry.description[:40]!r}"
        key = keys[position]
        assert (
            entry.name == key or key not in named
        ), f"{entry.description[:40]!r} would take {key!r}, named elsewhere"
        assert key not in paired, f"{key!r} described twice"
        paired[key] = entry
        position += 1
    assert list(paired) == keys, f"keys without a description: {sorted(set(keys) - set(paired))}"
    return paired
