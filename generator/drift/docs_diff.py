"""docs-diff: does a documentation page still say what its hand-checked spec says?

The page goes through the importer (``importers.docs_page``) into a draft; the spec goes through
the pipeline's load and check stages. The two are compared as spec dictionaries: the endpoint's
method, path and title; each request parameter's type, required flag, every constraint key and
its description; each response field's type and description; and the page's copy of the
envelope against ``spec/api.yaml``.

A hand spec knows more than its page, and that is not drift:
- a value with a YAML comment (``drift.annotations``) is the maintainer's reasoned call (a bound
  the page only implies, an operator the copy lost, a field only upstream lists);
- an entry whose name the page lost is matched by its description to the spec entry that
  ``recovered:`` that name, and its lost type is not compared;
- ``examples``, ``attr``, ``rules`` and the spec's own ``description`` have no counterpart on a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..check import check_document
from ..constraints import CONSTRAINT_KEYS
from ..errors import SpecError, SpecErrors
from ..importers.docs_page import Draft, Entry, import_page
from ..importers.prose import normalize
from ..load import Document, Location, load_file
from .annotations import annotated_locations, is_annotated

# What docs-diff compares beside type and description: every constraint, items' own, the default.
COMPARED_KEYS = ("items", *CONSTRAINT_KEYS, "default")
_CONTEXT_WORDS = 4
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class Difference:
    """One way the page and the spec disagree, as a line a maintainer can act on."""

    endpoint: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.where}: {self.what}" if self.where else f"{self.endpoint}: {self.what}"


@dataclass(frozen=True)
class _Side:
    """A spec document with the locations its comments annotate."""

    doc: Document
    annotated: frozenset[Location]

    def noted(self, *at: str | int) -> bool:
        return is_annotated(self.annotated, at)


def docs_diff(page_path: Path, spec_path: Path, api_path: Path) -> list[Difference]:
    """Every difference between a page and its spec; raise SpecErrors on a bad page or spec."""
    draft = import_page(page_path, api_path)
    spec = _load(spec_path, "endpoint")
    api = _load(api_path, "api")
    label = str(spec.doc.data["path"]).strip("/")
    return [
        Difference(label, where, what)
        for where, what in (
            *_endpoint(draft.spec, spec.doc.data),
            *_params(draft.spec["params"], spec),
            *_fields(draft.spec["response"], spec, "response", "response field"),
            *_envelope(draft, api),
        )
    ]


def find_api(spec_path: Path) -> Path:
    """The API-wide spec that governs ``spec_path``: the nearest ``api.yaml`` above it."""
    for folder in spec_path.resolve().parents:
        if (folder / "api.yaml").is_file():
            return folder / "api.yaml"
    raise SpecErrors([SpecError(spec_path.as_posix(), 0, "", "no api.yaml in any folder above it; pass --api")])


def _load(path: Path, role: str) -> _Side:
    doc = load_file(path, path.as_posix())
    problems = check_document(doc, role)
    if problems:
        raise SpecErrors(problems)
    try:
        annotated = annotated_locations(path.read_text(encoding="utf-8"))
    except OSError as error:  # pragma: no cover - load_file has just read it
        raise SpecErrors([SpecError(path.as_posix(), 0, "", str(error))]) from None
    return _Side(doc, annotated)


def _endpoint(page: dict[str, Any], spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key in ("method", "path", "title"):
        if page[key] is not None and page[key] != spec[key]:
            yield "", f"{key} changed {_show(spec[key])} → {_show(page[key])}"
    if page["body"] != spec["body"] and page["method"] is not None:
        yield "", f"body changed {spec['body']} → {page['body']}"


# -- request parameters -------------------------------------------------------------------


def _params(page: list[dict[str, Any]], spec: _Side) -> Iterator[tuple[str, str]]:
    spec_params: list[dict[str, Any]] = spec.doc.data["params"]
    pairs, added, removed = _match(page, spec_params)
    for drafted, index in pairs:
        if index is None:
            continue
        held = spec_params[index]
        where = f'request parameter "{held["name"]}"'
        if drafted["name"] is not None and drafted["type"] != held["type"] and not spec.noted("params", index, "type"):
            yield where, f"type changed {held['type']} → {drafted['type']}"
        if drafted.get("required", False) != held.get("required", False) and not spec.noted("params", index, "required"):
            yield where, f"required changed {_show(held.get('required', False))} → {_show(drafted.get('required', False))}"
        for key in COMPARED_KEYS:
            yield from ((where, what) for what in _constraint(key, drafted.get(key), held.get(key), spec, ("params", index, key)))
        yield from _description(where, drafted, held, spec, ("params", index))
    for drafted in added:
        yield _added("request parameter", drafted)
    for index in removed:
        if not spec.noted("params", index):
            yield f'request parameter "{spec_params[index]["name"]}"', "removed"


def _constraint(key: str, page: Any, spec: Any, side: _Side, at: tuple[str | int, ...]) -> Iterator[str]:
    if isinstance(page, dict) and isinstance(spec, dict):
        for part in dict.fromkeys([*spec, *page]):
            if part != "applied_by":  # pages document server defaults; who applies one is the spec's call
                yield from _constraint(f"{key}.{part}", page.get(part), spec.get(part), side, (*at, part))
        return
    if _same(page, spec) or side.noted(*at):
        return
    if spec is None:
        yield f"{key} added: {_show(page)}"
    elif page is None:
        yield f"{key} removed (was {_show(spec)})"
    else:
        yield f"{key} changed {_show(spec)} → {_show(page)}"


def _same(page: Any, spec: Any) -> bool:
    # YAML reads 2019-01-01 and "2019-01-01" alike in dfsgen's loader; numbers compare by value
    return page == spec or (page is not None and spec is not None and str(page) == str(spec))


# -- response fields ----------------------------------------------------------------------


def _fields(page: list[dict[str, Any]], spec: _Side, section: str, noun: str) -> Iterator[tuple[str, str]]:
    held_fields: list[dict[str, Any]] = spec.doc.data[section]
    pairs, added, removed = _match(page, held_fields)
    for drafted, index in pairs:
        if index is None:
            continue
        held = held_fields[index]
        where = f'{noun} "{held["name"]}"'
        # a type the page lost, or read off a placeholder example (123 for any number), proves nothing
        if drafted["name"] is not None and "recovered" not in drafted and drafted["type"] != held["type"] and not spec.noted(section, index, "type"):
            yield where, f"type changed {held['type']} → {drafted['type']}"
        yield from _description(where, drafted, held, spec, (section, index))
    for drafted in added:
        yield _added(noun, drafted)
    for index in removed:
        if not spec.noted(section, index):
            yield f'{noun} "{held_fields[index]["name"]}"', "removed"


def _envelope(draft: Draft, api: _Side) -> Iterator[tuple[str, str]]:
    page = [_entry_dict(entry) for entry in draft.envelope]
    yield from _fields(page, api, "envelope", "envelope field")


def _entry_dict(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"name": entry.name, "type": entry.type, "description": normalize(entry.description)}
    if entry.recovered:
        out["recovered"] = entry.recovered
    return out


# -- shared -------------------------------------------------------------------------------


def _match(page: list[dict[str, Any]], spec: list[dict[str, Any]]) -> tuple[list[tuple[dict[str, Any], int | None]], list[dict[str, Any]], list[int]]:
    """Pair page entries with spec entries: by name; for a name the page lost, by description
    among the spec entries that ``recovered:`` a name, then by position between the neighbours
    already paired (so a lost-name entry whose text changed is still known). Returns the pairs,
    the page-only entries and the indexes of the spec-only entries."""
    by_name = {entry["name"]: i for i, entry in enumerate(spec)}
    index: list[int | None] = [by_name.get(d["name"]) if d["name"] is not None else None for d in page]
    taken = {i for i in index if i is not None}
    recovered = [i for i, held in enumerate(spec) if held.get("recovered")]
    lost = [at for at, drafted in enumerate(page) if drafted["name"] is None]
    for at in lost:
        text = _as_copied(page[at]["description"])
        index[at] = next((i for i in recovered if i not in taken and _as_copied(spec[i]["description"]) == text), None)
        taken |= {i for i in index[at : at + 1] if i is not None}
    for at in (at for at in lost if index[at] is None):
        low = max((i for i in index[:at] if i is not None), default=-1)
        high = min((i for i in index[at + 1 :] if i is not None), default=len(spec))
        index[at] = next((i for i in recovered if low < i < high and i not in taken), None)
        taken |= {i for i in index[at : at + 1] if i is not None}
    pairs = list(zip(page, index))
    added = [drafted for drafted, i in pairs if i is None]
    removed = [i for i in range(len(spec)) if i not in taken]
    return pairs, added, removed


def _added(noun: str, drafted: dict[str, Any]) -> tuple[str, str]:
    if drafted["name"] is None:
        return f"{noun} with a lost name", f"added: {_clip(normalize(drafted['description']))}"
    facts = [str(drafted["type"])] + ["required"] * bool(drafted.get("required"))
    facts += [f"{key} {_show(drafted[key])}" for key in COMPARED_KEYS if key in drafted and key != "items"]
    return f'{noun} "{drafted["name"]}"', f"added ({', '.join(facts)})"


def _description(where: str, drafted: dict[str, Any], held: dict[str, Any], side: _Side, at: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    page, spec = normalize(drafted["description"]), normalize(held["description"])
    if _as_copied(page) == _as_copied(spec) or side.noted(*at, "description"):
        return
    old, new = _divergence(spec.split(), page.split())
    yield where, f"description changed: {_clip(old)!r} → {_clip(new)!r}"


def _as_copied(text: str) -> str:
    """The text as a copy through HTML leaves it: anything that looks like a tag (``<>``, ``<b>``)
    is gone, which is how the pages lost the ``<>`` operator while the specs restore it."""
    return normalize(_TAG.sub("", text))


def _divergence(old: list[str], new: list[str]) -> tuple[str, str]:
    """The stretch of words where two descriptions part, with a little context either side."""
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    low = max(0, start - _CONTEXT_WORDS)

    def cut(words: list[str]) -> str:
        stop = min(len(words), len(words) - end + _CONTEXT_WORDS)
        return ("… " if low else "") + " ".join(words[low:stop]) + (" …" if stop < len(words) else "")

    return cut(old), cut(new)


def _clip(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_show(item)}" for key, item in value.items()) + "}"
    return str(value)
