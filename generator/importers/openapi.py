"""An OpenAPI 3.0 document (DataForSEO's upstream one) → one spec draft per operation.

Upstream states no request constraints in the schema; they live in each property's description,
so every request property goes through the same prose extractor as the documentation pages
(``prose.read_prose``). What the extractor reads is then *settled* against the spec
language (``settle.settle_param``): a constraint the checker would reject is dropped and the
draft says so in a comment, so every draft validates.

Responses are flattened into the dotted fields the spec language uses, below the envelope's result
slot (``tasks.result``): ``$ref``, ``allOf`` and ``oneOf`` are merged, a discriminator's variants
contribute their properties too (the union of what any variant can carry), and a schema that
refers back to itself stops as a free mapping.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..constraints import CONSTRAINT_KEYS
from ..errors import GenerationError
from ..names import MODEL_RESERVED, pascal, python_name
from .emit import emit_spec
from .prose import normalize, param_type, read_prose
from .settle import settle_param

VERSION_PREFIX = "/v3"
RESULT_PATH = "tasks.result"
_SCALARS = frozenset({"string", "integer", "number", "boolean"})
_DOCS_URL = re.compile(r"https://docs\.dataforseo\.com/[^\s'\"?\\]*")
# "in the UUID format", "a universally unique identifier (UUID)": a task id.
_UUID_WORDS = re.compile(r"\bUUID\b")
_MORE_INFO = re.compile(r"\s*for more info please visit.*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Draft:
    """One endpoint spec: where it goes below the spec directory, and its content."""

    file: str
    spec: dict[str, Any]


@dataclass
class Imported:
    drafts: list[Draft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What a human should look at in the drafts: what was dropped or could not be stated."""
    skipped: list[str] = field(default_factory=list)
    """Operations that got no draft, each with the reason."""


def matcher(pattern: str | None) -> re.Pattern[str]:
    """``--path``: a glob (``*`` also crosses ``/``), or a regex when written ``re:...``."""
    if pattern is None:
        return re.compile(".*", re.DOTALL)
    if pattern.startswith("re:"):
        return re.compile(pattern[3:])
    return re.compile(fnmatch.translate(pattern))


def import_document(document: dict[str, Any], pattern: str | None = None) -> Imported:
    """Drafts for every operation whose path (with or without ``/v3``) matches ``pattern``."""
    wanted = matcher(pattern)
    schemas = _Schemas(document.get("components", {}).get("schemas", {}))
    operations = [
        (path, method, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in ("get", "post") and (wanted.fullmatch(path) or wanted.fullmatch(_spec_path(path)))
    ]
    imported = Imported()
    names = _names([(path, method) for path, method, _ in operations])
    for path, method, operation in operations:
        group, name = names[(path, method)]
        spec = _Operation(schemas, path, method, operation, group, name).draft()
        imported.drafts.append(Draft(f"{group}/{name}.yaml", spec))
    imported.drafts.sort(key=lambda draft: draft.file)
    imported.notes.extend(note for draft in imported.drafts for note in _notes_of(draft))
    return imported


def _spec_path(path: str) -> str:
    return path.removeprefix(VERSION_PREFIX)


def _names(operations: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(group, method name) per operation: the first segment, then the others joined by ``_``.

    A path parameter is left out of the name (``task_get/regular/{id}`` → ``task_get_regular``)
    unless another operation already has that name; then it is named ``..._by_<parameter>``.
    """
    plain: dict[tuple[str, str], tuple[str, str]] = {}
    for path, method in operations:
        segments = [s for s in _spec_path(path).strip("/").split("/") if not s.startswith("{")]
        group, rest = _identifier(segments[0]), [_identifier(s) for s in segments[1:]]
        plain[(path, method)] = (group, "_".join(rest) or "index")
    names = dict(plain)
    for suffix in (_by_parameters, _by_method):
        counts = Counter(names.values())
        names = {op: suffix(op, name) if counts[name] > 1 else name for op, name in names.items()}
    return names


def _by_parameters(operation: tuple[str, str], name: tuple[str, str]) -> tuple[str, str]:
    params = [_identifier(p) for p in re.findall(r"\{(\w+)\}", operation[0])]
    return (name[0], f"{name[1]}_by_{'_'.join(params)}") if params else name


def _by_method(operation: tuple[str, str], name: tuple[str, str]) -> tuple[str, str]:
    return name[0], f"{name[1]}_{operation[1]}"


def _identifier(segment: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", segment.lower()).strip("_") or "x"
    return name if name[0].isalpha() else f"n{name}"


def _notes_of(draft: Draft) -> Iterator[str]:
    for param in draft.spec["params"]:
        for key, note in param.items():
            if key.startswith("#"):
                yield f"{draft.file}: parameter {param['name']!r}: {note}"
    for note in draft.spec.get("#params", []):
        yield f"{draft.file}: {note}"


class _Schemas:
    """``components.schemas``, with ``$ref`` resolution and the merging of composed schemas."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas

    def resolve(self, schema: Any, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Follow ``$ref`` (and a one-branch ``oneOf``); ``seen`` grows with each schema entered."""
        while isinstance(schema, dict):
            if "$ref" in schema:
                name = schema["$ref"].rpartition("/")[2]
                if name in seen:
                    return {"type": "object", "x-cycle": name}, seen
                seen = (*seen, name)
                schema = self.schemas.get(name, {})
            elif "oneOf" in schema and len(schema["oneOf"]) == 1 and "properties" not in schema:
                schema = schema["oneOf"][0]
            else:
                return schema, seen
        return {}, seen

    def properties(self, schema: dict[str, Any], seen: tuple[str, ...]) -> dict[str, tuple[dict[str, Any], tuple[str, ...]]]:
        """Every property an object of this schema can carry, composed parts and variants included."""
        out: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {}
        parts = [*schema.get("allOf", []), *schema.get("oneOf", []), *schema.get("anyOf", [])]
        mapping = schema.get("discriminator", {}).get("mapping", {})
        parts.extend({"$ref": ref} for ref in mapping.values())
        for name, value in schema.get("properties", {}).items():
            out.setdefault(name, self.resolve(value, seen))
        for part in parts:
            resolved, inner = self.resolve(part, seen)
            if "x-cycle" in resolved:
                continue
            for name, value in self.properties(resolved, inner).items():
                out.setdefault(name, value)
        return out

    @staticmethod
    def kind(schema: dict[str, Any]) -> str:
        if schema.get("type") in _SCALARS:
            return str(schema["type"])
        if schema.get("type") == "array" or "items" in schema:
            return "array"
        return "object"


@dataclass
class _Operation:
    schemas: _Schemas
    path: str
    method: str
    operation: dict[str, Any]
    group: str
    name: str

    def draft(self) -> dict[str, Any]:
        text = self.operation.get("description", "")
        docs = _DOCS_URL.search(text)
        description = normalize(_MORE_INFO.sub("", text)) or self.title()
        params, skipped = self.params()
        spec: dict[str, Any] = {
            "#": f"{self.group}/{self.name}, from {self.method.upper()} {self.path} in the upstream OpenAPI document",
            "name": self.name,
            "title": self.title(),
            "method": self.method.upper(),
            "path": _spec_path(self.path),
            "docs_url": docs.group(0) if docs else f"https://docs.dataforseo.com{self.path}/",
            "description": description,
            "body": "object" if any(param.get("in") != "path" for param in params) else "none",
            "params": params,
            "response": self.response(),
        }
        if skipped:
            spec["#params"] = skipped
        return spec

    def title(self) -> str:
        tag = (self.operation.get("tags") or [pascal(self.group)])[0]
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", self.operation.get("operationId", pascal(self.name)))
        return f"{tag}: {words}"

    # -- request ----------------------------------------------------------------------------

    def params(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The path parameters, then the body's; the reason for each one left out."""
        declared = {parameter["name"]: parameter for parameter in self.operation.get("parameters", [])}
        for name in re.findall(r"\{(\w+)\}", self.path):
            # A placeholder upstream forgot to declare is still part of the route: a string, noted.
            declared.setdefault(name, {"name": name, "in": "path", "schema": {"type": "string"}, "undeclared": True})
        found: list[tuple[str, dict[str, Any] | str]] = [(name, self.path_param(parameter)) for name, parameter in declared.items()]
        body = self.operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body is not None:
            task, seen = self.schemas.resolve(body)
            if task.get("type") == "array":
                task, seen = self.schemas.resolve(task.get("items", {}), seen)
            found += [
                (name, self.param(name, schema, inner)) for name, (schema, inner) in self.schemas.properties(task, seen).items()
            ]
        params, skipped = [], []
        for name, param in found:
            if isinstance(param, str):
                skipped.append(f"not imported: {name!r} {param}")
            else:
                params.append(param)
        return params, skipped

    def path_param(self, parameter: dict[str, Any]) -> dict[str, Any] | str:
        """A ``{name}`` segment of the path: always required and never defaulted, whatever the prose says."""
        if parameter.get("in") != "path":
            return f"is a {parameter.get('in')} parameter; the spec language has path and body parameters"
        schema, _ = self.schemas.resolve(parameter.get("schema", {}))
        text = normalize(parameter.get("description", ""))
        if schema.get("type") not in ("string", "integer"):
            return f"is a path parameter of type {schema.get('type')!r}; a path segment is a string or an integer"
        found = read_prose(text, str(schema["type"])).spec_keys()
        draft: dict[str, Any] = {"name": parameter["name"], "in": "path", "type": schema["type"]}
        if parameter.get("undeclared"):
            draft["#in"] = "upstream does not declare this path parameter; its type is taken to be string"
        if "default" in found:
            draft["#default"] = f"dropped default {found.pop('default')['value']!r}: a path parameter is always given"
        if "format" not in found and schema["type"] == "string" and _UUID_WORDS.search(text):
            found["format"] = "uuid"
        draft.update(found)
        draft["description"] = text
        return settle_param(draft)

    def param(self, name: str, schema: dict[str, Any], seen: tuple[str, ...]) -> dict[str, Any] | str:
        """A parameter draft, or why the spec language cannot state this one."""
        text = normalize(schema.get("description", ""))
        kind = self.schemas.kind(schema)
        draft: dict[str, Any] = {"name": name}
        reading = read_prose(text, kind)
        found = reading.spec_keys()
        if kind == "array":
            items, _ = self.schemas.resolve(schema.get("items", {}), seen)
            item_kind = self.schemas.kind(items)
            if item_kind in _SCALARS or (item_kind == "object" and "filter" not in found):
                draft["type"] = "array"
                draft["items"] = {"type": item_kind, **found.pop("items", {})}
            elif "filter" in found:
                draft["type"] = "array"
            else:
                return f"is an array of {item_kind}s that is not a filter expression the prose describes"
        elif kind == "object":
            draft["type"] = "object"  # any JSON object: upstream lists no keys (additionalProperties)
        else:
            draft["type"] = param_type(text, kind)
        if reading.required:
            draft["required"] = True
        draft.update(found)
        draft["description"] = text
        return settle_param(draft)

    # -- response ---------------------------------------------------------------------------

    def response(self) -> list[dict[str, Any]]:
        content = self.operation.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return []
        node = self.schemas.resolve(schema)
        for key in RESULT_PATH.split("."):
            # Down the envelope (tasks[].result[]) to the schema of one result.
            found = self.schemas.properties(*node).get(key)
            if found is None:
                return []
            items, inner = found
            node = self.schemas.resolve(items.get("items", {}), inner) if "items" in items else found
        fields: list[dict[str, Any]] = []
        self.fields(RESULT_PATH, *node, fields)
        return fields

    def fields(self, parent: str, schema: dict[str, Any], seen: tuple[str, ...], out: list[dict[str, Any]]) -> None:
        """Append the dotted fields below ``parent`` depth first, each before its children."""
        used: set[str] = set()
        for key, (value, inner) in self.schemas.properties(schema, seen).items():
            kind = self.schemas.kind(value)
            entry: dict[str, Any] = {"name": f"{parent}.{key}"}
            attr = python_name(key, MODEL_RESERVED)
            while attr in used:
                attr += "_"
            if attr != python_name(key, MODEL_RESERVED):
                entry["attr"] = attr
            used.add(attr)
            children: tuple[dict[str, Any], tuple[str, ...]] | None = None
            if kind == "array":
                items, item_seen = self.schemas.resolve(value.get("items", {}), inner)
                item_kind = self.schemas.kind(items)
                if item_kind in _SCALARS:
                    entry["type"] = f"{item_kind}[]"
                elif item_kind == "array":
                    entry["type"] = "array[]"  # rows of any JSON values, kept exactly as sent
                else:
                    entry["type"] = "object[]"
                    children = (items, item_seen)
            else:
                entry["type"] = kind
                children = (value, inner) if kind == "object" else None
            entry["description"] = normalize(value.get("description", ""))
            out.append(entry)
            if children is not None:
                self.fields(entry["name"], *children, out)


# What the prose gave a parameter: its constraints, and beside them required and default.
COUNTED_KEYS = ("required", *CONSTRAINT_KEYS, "default")


def constraint_counts(imported: Imported) -> tuple[int, int, Counter[str]]:
    """(parameters, parameters with at least one constraint, parameters per constraint key).

    ``required`` and ``default`` are counted beside the constraints (both come from prose too); a
    key under an array's ``items`` counts for its parameter. The "at least one" count leaves
    ``required`` and ``default`` out.
    """
    per_key: Counter[str] = Counter()
    total = constrained = 0
    for draft in imported.drafts:
        for param in draft.spec["params"]:
            total += 1
            keys = {key for key in COUNTED_KEYS if key in param or key in param.get("items", {})}
            per_key.update(keys)
            constrained += bool(keys - {"required", "default"})
    return total, constrained, per_key


def load_document(path: Path) -> dict[str, Any]:
    """The OpenAPI document at ``path``; GenerationError when it is not readable OpenAPI 3 JSON."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as failure:
        raise GenerationError("import-openapi", path.as_posix(), str(failure)) from failure
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise GenerationError("import-openapi", path.as_posix(), "not an OpenAPI 3 document (no 'openapi: 3.x' key)")
    if not isinstance(document.get("paths"), dict):
        raise GenerationError("import-openapi", path.as_posix(), "the document has no 'paths' object")
    return document


def write_drafts(imported: Imported, out_dir: Path, api_file: Path, overwrite: bool = False) -> list[Path]:
    """Write each draft as ``out_dir/group/name.yaml``, and ``api_file`` as ``api.yaml`` if absent.

    The project's api.yaml (base URL, auth, the envelope every response shares) is what the
    drafts' response fields hang from, so a fresh directory is a spec directory at once. Existing
    endpoint files are replaced only with ``overwrite``; otherwise nothing is written.
    """
    targets = [(out_dir / draft.file, draft) for draft in imported.drafts]
    existing = [target for target, _ in targets if target.exists()]
    if existing and not overwrite:
        shown = ", ".join(path.as_posix() for path in existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise GenerationError("import-openapi", out_dir.as_posix(), f"{len(existing)} spec file(s) exist ({shown}); pass --force to replace them")
    written = []
    api = out_dir / "api.yaml"
    if not api.exists():
        api.parent.mkdir(parents=True, exist_ok=True)
        api.write_bytes(api_file.read_bytes())
        written.append(api)
    for target, draft in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(emit_spec(draft.spec), encoding="utf-8")
        written.append(target)
    return written
