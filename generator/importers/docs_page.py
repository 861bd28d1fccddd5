"""A copied documentation page (docs/api-pages/*.txt) → a spec draft.

A page has a header (method, URL pieces, title, a curl command whose ``--data`` is the request
example, then the response example: a JSON object whose keys are the dotted field names in page
order) and a prose part: a ``Body`` and a ``Response`` section of blocks. A block is a header
(``name`` / ``type`` [/ ``required``]) followed by a description or, where the copy lost the name
and type, the description alone.

The hard part is the damage. A lost name is recovered, in this order, from the page's JSON
example (the unnamed descriptions between two named entries take the example keys between those
two names, when the counts agree), from the envelope every page repeats (``spec/api.yaml``), or
from a ``"name": [...]`` example in the description itself. What stays lost is kept in the draft
with ``name: null`` and a comment, so ``dfsgen validate`` stops until a human fills it in.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..check import check_document
from ..errors import SpecError, SpecErrors
from ..load import load_file
from .prose import normalize, param_type, read_prose, says_required

_NAME_LINE = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_TYPE_LINE = re.compile(r"(?:string|integer|number|boolean|object)(?:\[\])?")
_EXAMPLE_VALUE = re.compile(r"\bexample:?\s*[\"“]([^\"“”]+)[\"”]")
_NAMED_EXAMPLE = re.compile(r"\bexample:?\s*\"([a-z_][a-z0-9_]*)\":\s*([\[{\"0-9tf])")
_EXAMPLE_TYPES = {"[": "array", "{": "object", '"': "string", "t": "boolean", "f": "boolean"}
LOST = "the page lost this {what}'s name and type; fill them in"


@dataclass(frozen=True)
class Entry:
    """One documented parameter or response field; ``name`` and ``type`` are None when lost."""

    name: str | None
    type: str | None
    required: bool
    description: str
    line: int
    recovered: str | None = None


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


@dataclass(frozen=True)
class Draft:
    """The page as a spec: ``spec`` is the endpoint file's content (with ``#`` notes for emit);
    ``envelope`` holds the page's copy of the fields ``spec/api.yaml`` declares once."""

    spec: dict[str, Any]
    envelope: tuple[Entry, ...]


def read_page(text: str, file: str) -> Page:
    """Split a page into its parts; raise SpecErrors (file, line, what) when it is not a page."""
    lines = text.splitlines()
    examples = _json_objects(text, file)
    response = next((example for example in examples if "version" in example), None)
    request = next((example for example in examples if "version" not in example), None)
    curl = next((i for i, line in enumerate(lines) if line.startswith("curl --request")), None)
    method = url = summary = None
    if curl is None:  # the header is gone: the page starts with its title and summary
        title, summary = (lines + ["", ""])[0].strip(), (lines + ["", ""])[1].strip() or None
    else:
        title, method = lines[curl - 1].strip(), lines[curl].split()[2]
        url = next((line.split()[1] for line in lines[curl:] if line.strip().startswith("--url ")), None)
    response_at = _index(lines, "Response")
    fields_at = _index(lines, "Successful response")
    if response_at is None or fields_at is None:
        raise SpecErrors([SpecError(file, len(lines), "", "no 'Response' / 'Successful response' section: not a documentation page")])
    body = _index(lines, "Body")
    params = _entries(lines, body + 1, response_at, file) if body is not None else []
    return Page(file, title, summary, method, url, request, response, tuple(params), tuple(_entries(lines, fields_at + 1, len(lines), file)))


def _index(lines: list[str], exact: str) -> int | None:
    return next((i for i, line in enumerate(lines) if line.strip() == exact), None)


def _json_objects(text: str, file: str) -> list[dict[str, Any]]:
    """Every JSON object that starts on a line of its own (``{``)."""
    decoder = json.JSONDecoder()
    objects = []
    for match in re.finditer(r"^\{$", text, flags=re.MULTILINE):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError as error:
            raise SpecErrors([SpecError(file, error.lineno, "", f"example is not JSON: {error.msg}")]) from None
        objects.append(value)
    return objects


def _entries(lines: list[str], start: int, end: int, file: str) -> list[Entry]:
    entries: list[Entry] = []
    header: list[str] | None = None
    block: list[tuple[int, str]] = []
    for number, raw in [*((i + 1, lines[i].strip()) for i in range(start, end)), (end + 1, "")]:
        if raw == "application/json":  # the body's content type, not an entry
            continue
        if raw:
            block.append((number, raw))
            continue
        if not block:
            continue
        texts = [line for _, line in block]
        if _is_header(texts):
            if header is not None:
                raise SpecErrors([SpecError(file, block[0][0], header[0], "a name and type with no description")])
            header = texts
        else:
            for line, description in block:  # a damaged page runs lost-name descriptions together
                if header is None:  # the "required" line went with the name; the prose still says it
                    entries.append(Entry(None, None, says_required(description), description, line))
                else:
                    entries.append(Entry(header[0], header[1], "required" in header[2:], description, line))
                    header = None
        block = []
    if header is not None:
        raise SpecErrors([SpecError(file, end, header[0], "a name and type with no description")])
    return entries


def _is_header(block: list[str]) -> bool:
    return (
        len(block) >= 2
        and _NAME_LINE.fullmatch(block[0]) is not None
        and _TYPE_LINE.fullmatch(block[1]) is not None
        and all(line == "required" for line in block[2:])
    )


# -- recovering lost names ----------------------------------------------------------------


def example_type(value: Any) -> str:
    """The documented type a JSON example value stands for (``[ "<string>" ]`` → ``string[]``)."""
    if isinstance(value, list):
        inner = example_type(value[0]) if value else "string"
        return inner if inner.endswith("[]") else f"{inner}[]"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "object" if isinstance(value, dict) else "string"


def recover_from_example(entries: tuple[Entry, ...], example: dict[str, Any] | None) -> tuple[Entry, ...]:
    """Give each run of unnamed entries the example keys between its named neighbours, when the
    run and the keys agree in number and no key is named elsewhere; leave the rest unnamed."""
    if not example:
        return entries
    keys = list(example)
    named = {entry.name for entry in entries if entry.name}
    out = list(entries)
    # (entry index, key index) of each named entry the example has, with both ends as sentinels
    anchors = [(-1, -1)] + [(i, keys.index(e.name)) for i, e in enumerate(entries) if e.name in keys] + [(len(entries), len(keys))]
    for (left, left_key), (right, right_key) in itertools.pairwise(anchors):
        run = range(left + 1, right)
        free = [key for key in keys[left_key + 1 : right_key] if key not in named]
        if not run or len(free) != len(run) or any(entries[i].name for i in run):
            continue
        for i, key in zip(run, free):
            out[i] = replace(entries[i], name=key, type=example_type(example[key]), recovered="example")
    return tuple(out)


def recover_envelope(entries: tuple[Entry, ...], envelope: list[dict[str, Any]]) -> tuple[Entry, ...]:
    """Every page opens its response with the envelope; unnamed entries there take its names by
    position, where the description agrees (the same text, or one starts the other)."""
    out = list(entries)
    for i, (entry, shared) in enumerate(zip(entries, envelope)):
        if entry.name is not None and entry.name != shared["name"]:
            break
        if entry.name is None:
            a, b = normalize(entry.description), normalize(shared["description"])
            if not (a.startswith(b) or b.startswith(a)):
                break
            out[i] = replace(entry, name=shared["name"], type=shared["type"], recovered="envelope")
    return tuple(out)


def recover_from_description(entry: Entry) -> Entry:
    """A description whose example shows ``"targets": [ ... ]`` names its parameter."""
    match = _NAMED_EXAMPLE.search(entry.description)
    if entry.name is not None or match is None:
        return entry
    kind = _EXAMPLE_TYPES.get(match.group(2), "integer")
    return replace(entry, name=match.group(1), type="string[]" if kind == "array" else kind, recovered="description")


# -- the draft ----------------------------------------------------------------------------


def draft_from_page(page: Page, api: dict[str, Any]) -> Draft:
    """The endpoint spec a page describes; ``api`` is spec/api.yaml's content (base URL, prefix
    and the shared envelope, which the draft leaves to api.yaml)."""
    envelope = api["envelope"]
    shared = {field["name"] for field in envelope}
    fields = recover_envelope(recover_from_example(page.fields, page.response_example), envelope)
    params = tuple(recover_from_description(p) for p in recover_from_example(page.params, page.request_example))
    path = _path(page.url, api)
    spec: dict[str, Any] = {"#": f"{path.strip('/') if path else page.title}, from docs/api-pages/{page.file}"}
    if path is None:
        spec["#path"] = "the page lost its header (method, URL and examples); give method and path"
    spec.update(
        name=_method_name(path),
        title=page.title,
        method=page.method,
        path=path,
        docs_url=f"https://docs.dataforseo.com/v3{path}/" if path else None,
        page=page.file,
        description=page.summary or page.title,
        body="object" if params else "none",
        params=[_param(entry) for entry in params],
        response=[_field(entry) for entry in fields if entry.name not in shared],
    )
    if page.summary is None:
        spec["#description"] = "the page has no summary line: this repeats the title; say what the endpoint returns"
    return Draft(spec, tuple(entry for entry in fields if entry.name in shared))


def _path(url: str | None, api: dict[str, Any]) -> str | None:
    root = api["base_url"] + api["path_prefix"]
    if url is None or not url.startswith(root + "/"):
        return None
    return url[len(root) :].rstrip("/")


def _method_name(path: str | None) -> str | None:
    """``/backlinks/history/live`` → ``history_live``: the path below its group."""
    segments = path.strip("/").split("/") if path else []
    return "_".join(segments[1:]) or (segments[0] if segments else None)


def _param(entry: Entry) -> dict[str, Any]:
    page_type = entry.type or "string"
    is_array = page_type.endswith("[]")
    reading = read_prose(entry.description, "array" if is_array else page_type)
    kind = "array" if is_array else param_type(entry.description, page_type)
    out: dict[str, Any] = {"name": entry.name, "type": kind}
    if entry.name is None:
        out["#"] = LOST.format(what="parameter") + "; the type is read from the prose"
    if is_array and "filter" not in reading.constraints:
        # a filter expression is its own shape, not a list of one item type
        out["items"] = {"type": page_type[:-2], **reading.constraints.pop("items", {})}
    if entry.required:
        out["required"] = True
    out.update(reading.constraints)
    out.update({f"#{key}": note for key, note in reading.notes.items()})
    out["description"] = normalize(entry.description)
    example = _EXAMPLE_VALUE.search(entry.description)
    if example and kind in ("string", "date") and not _NAMED_EXAMPLE.search(entry.description):
        out["examples"] = [example.group(1)]
    if entry.recovered:
        out["recovered"] = entry.recovered
        out["#recovered"] = f"name lost on the page; restored from its {'JSON example' if entry.recovered == 'example' else 'description'}"
    return out


def _field(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"name": entry.name, "type": entry.type, "description": normalize(entry.description)}
    if entry.name is None:
        out["#"] = LOST.format(what="field")
    if entry.recovered:
        out["recovered"] = entry.recovered
        out["#recovered"] = "name lost on the page; restored from its JSON example"
    return out


def import_page(page_path: Path, api_path: Path) -> Draft:
    """Read a page file and the API-wide spec, and draft the page's endpoint spec."""
    api = load_file(api_path, api_path.as_posix())
    problems = check_document(api, "api")
    if problems:
        raise SpecErrors(problems)
    try:
        text = page_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecErrors([SpecError(page_path.as_posix(), 0, "", f"cannot read the page: {error}")]) from None
    return draft_from_page(read_page(text, page_path.name), api.data)
