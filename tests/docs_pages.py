"""The docs pages (docs/api-pages/*.txt) as the IR tests read them, without the specs.

Splitting a page into its header, examples and prose entries is the importer's job
(``generator.importers.docs_page.read_page``); the tests reuse it and add only ``align``, the
pairing of response-example keys with prose entries that the spec's field order must match.
"""

from __future__ import annotations

from pathlib import Path

from generator.importers.docs_page import Entry, Page
from generator.importers.docs_page import read_page as split_page

__all__ = ["Entry", "Page", "align", "read_page"]


def read_page(path: Path) -> Page:
    return split_page(path.read_text(encoding="utf-8"), path.name)


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
