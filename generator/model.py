"""Checked documents → the IR, with the semantic rules that need more than one value at a time.

Errors are collected as values while building; the caller raises them together.
"""

from __future__ import annotations

import math
import re
from typing import Any, TypeVar

from . import constraints as cons
from .errors import SpecError
from .ir import (
    Api,
    ApiCode,
    Default,
    Endpoint,
    Field,
    HttpStatus,
    Pagination,
    Param,
    Retry,
    Rule,
    Source,
)
from .load import Document
from .names import MODEL_RESERVED, PARAM_RESERVED, is_python_name, pascal, python_name
from .tree import FlatField, build_tree

_COMPARABLE = frozenset({"date", "integer", "number"})
_PATH_TYPES = frozenset({"string", "integer"})
_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
_T = TypeVar("_T")
# The generated client reads these envelope fields to tell a failed call or task from a good one,
# so an envelope without them would generate a client that cannot; None means any type.
_CLIENT_READS: dict[str, str | None] = {
    "status_code": "integer",
    "status_message": "string",
    "tasks": None,
    "tasks.id": "string",
    "tasks.status_code": "integer",
    "tasks.status_message": "string",
}


class _Builder:
    """Holds the error list so helpers can report without threading it through every call."""

    def __init__(self) -> None:
        self.errors: list[SpecError] = []

    def error(self, doc: Document, at: tuple[str | int, ...], field: str, message: str) -> None:
        self.errors.append(SpecError(doc.file, doc.line(at), field, message))

    # -- api.yaml ---------------------------------------------------------------------------

    def api(self, doc: Document) -> tuple[dict[str, Any], Field]:
        data = doc.data
        flats = [self.flat(doc, ("envelope", i), raw) for i, raw in enumerate(data["envelope"])]
        slots = [flat for flat in flats if flat.holds_result]
        if len(slots) != 1:
            self.error(doc, ("envelope",), "envelope", f"needs exactly one field with holds_result, found {len(slots)}")
        self.client_reads(doc, flats)
        task_low, task_high = data["status_codes"]["task_range"]
        for section in _STATUS_SECTIONS:
            entries = data.get(section[0], {}).get(section[1], [])
            for i, entry in enumerate(entries):
                status = entry[_RANGE_KEY[section]] if isinstance(entry, dict) else entry
                low, high = _status_range(status)
                if low > high:
                    self.error(doc, section + (i,), ".".join(section), f"range {status!r} runs backwards")
                elif section in _CODE_SECTIONS and not task_low <= low <= high <= task_high:
                    self.error(doc, section + (i,), ".".join(section), f"{status!r} is outside task_range {task_low}-{task_high}")
        numbers: list[tuple[tuple[str | int, ...], float]] = [
            (("timeout",), data["timeout"]),
            (("retry", "initial_delay"), data["retry"]["initial_delay"]),
            (("retry", "max_delay"), data["retry"]["max_delay"]),
        ]
        for at, value in numbers:
            if not math.isfinite(value):
                self.error(doc, at, ".".join(map(str, at)), f"{value!r} is not a finite number")
        if not task_low <= data["status_codes"]["success"] <= task_high:
            self.error(doc, ("status_codes", "success"), "status_codes.success", f"{data['status_codes']['success']} is outside task_range {task_low}-{task_high}")
        root = FlatField("", "object", "The response envelope shared by every endpoint.", None, None, False, Source(doc.file, doc.line(("envelope",))))
        envelope = build_tree(flats, root, "Response", "", self.errors)
        return data, envelope

    def client_reads(self, doc: Document, flats: list[FlatField]) -> None:
        declared = {flat.name: (i, flat.doc_type) for i, flat in enumerate(flats)}
        for name, doc_type in _CLIENT_READS.items():
            if name not in declared:
                wanted = f" of type {doc_type}" if doc_type else ""
                self.error(doc, ("envelope",), "envelope", f"needs a field {name!r}{wanted}: the client reads it to detect failures")
            elif doc_type is not None and declared[name][1] != doc_type:
                i, found = declared[name]
                self.error(doc, ("envelope", i, "type"), f"envelope.{name}", f"must be {doc_type}, not {found}: the client reads it to detect failures")

    # -- endpoint files ---------------------------------------------------------------------

    def endpoint(self, doc: Document, result_path: str, prefix: str) -> Endpoint:
        data = doc.data
        group = data["path"].strip("/").split("/")[0]
        params = tuple(self.param(doc, i, raw) for i, raw in enumerate(data["params"]))
        self.unique(doc, "params", [(p.name, p.attr) for p in params])
        by_name = {param.name: param for param in params}
        rules = tuple(self.rule(doc, i, raw, by_name) for i, raw in enumerate(data.get("rules", [])))
        self.placeholders(doc, data["path"], params)
        if (data["body"] == "none") != (not any(param.location == "body" for param in params)):
            self.error(doc, ("body",), "body", "an endpoint has a body exactly when it has body parameters")
        if data["method"] == "GET" and data["body"] != "none":
            self.error(doc, ("body",), "body", "a GET request carries no body")
        class_prefix = pascal(group) + pascal(data["name"])
        root_line = doc.line(("response",))
        root = FlatField(result_path, "string[]", "One result of the task.", None, None, False, Source(doc.file, root_line))
        flats = [self.flat(doc, ("response", i), raw) for i, raw in enumerate(data["response"])]
        for i, flat in enumerate(flats):
            if flat.holds_result:
                self.error(doc, ("response", i, "holds_result"), flat.name, "holds_result belongs to the envelope in api.yaml")
        result = build_tree(flats, root, class_prefix + "Result", class_prefix, self.errors, below=result_path)
        pagination = self.pagination(doc, data["pagination"], by_name, result) if "pagination" in data else None
        today = None
        if "examples_today" in data:
            bound = cons.parse_date_bound(data["examples_today"])
            if bound is None or bound.absolute is None:
                self.error(doc, ("examples_today",), "examples_today", f"{data['examples_today']!r} is not a date (yyyy-mm-dd)")
            else:
                today = bound.absolute
        return Endpoint(
            name=data["name"],
            group=group,
            title=data["title"],
            method=data["method"],
            path=prefix + data["path"],
            docs_url=data["docs_url"],
            page=data.get("page"),
            description=data["description"].strip(),
            body=data["body"],
            params=params,
            rules=rules,
            result=result,
            examples_today=today,
            class_prefix=class_prefix,
            spec_file=doc.file,
            pagination=pagination,
        )

    def param(self, doc: Document, index: int, raw: dict[str, Any]) -> Param:
        at: tuple[str | int, ...] = ("params", index)
        name = raw["name"]

        def report_at(scope: tuple[str, ...]) -> cons.Report:
            return lambda key, message: self.error(doc, at + scope + (key,), f"{name}.{key}", message)

        param_type = raw["type"]
        items = raw.get("items")
        if param_type == "array" and items is None and "filter" not in raw:
            self.error(doc, at + ("type",), f"{name}.items", "an array parameter needs items (or a filter)")
        if param_type != "array" and items is not None:
            self.error(doc, at + ("items",), f"{name}.items", f"does not apply to {cons.article(param_type)} parameter")
        constraints = cons.build_constraints(raw, param_type, report_at(()))
        item_constraints = cons.build_constraints(items, items["type"], report_at(("items",))) if items else ()
        default = None
        if "default" in raw:
            value, applied_by = raw["default"]["value"], raw["default"]["applied_by"]
            problem = cons.check_value(value, constraints, param_type)
            if problem:
                self.error(doc, at + ("default",), f"{name}.default", problem)
            if param_type == "date" and applied_by == "client":
                bound = cons.parse_date_bound(value)
                if bound is not None and bound.is_relative:
                    self.error(doc, at + ("default",), f"{name}.default", "a client-side default must be a fixed value")
            default = Default(value, applied_by)
        location = raw.get("in", "body")
        if location == "path":
            self.path_param(doc, at, raw)
        elif raw.get("required") and default is not None:
            self.error(doc, at + ("default",), f"{name}.default", "a required parameter cannot have a default")
        return Param(
            name=name,
            attr=self.attr(doc, at, name, raw.get("attr"), PARAM_RESERVED),
            type=param_type,
            item_type=items["type"] if items else None,
            required=location == "path" or bool(raw.get("required", False)),
            description=raw["description"].strip(),
            default=default,
            constraints=constraints,
            item_constraints=item_constraints,
            examples=tuple(raw.get("examples", ())),
            recovered=raw.get("recovered"),
            source=Source(doc.file, doc.line(at)),
            location=location,
        )

    def path_param(self, doc: Document, at: tuple[str | int, ...], raw: dict[str, Any]) -> None:
        """A path parameter is one whole segment: always given, a string or an integer, no default."""
        name = raw["name"]
        if raw["type"] not in _PATH_TYPES:
            self.error(doc, at + ("type",), f"{name}.type", f"a path parameter is a string or an integer, not {cons.article(raw['type'])}")
        if raw.get("required") is False:
            self.error(doc, at + ("required",), f"{name}.required", "a path parameter is always required")
        if "default" in raw:
            self.error(doc, at + ("default",), f"{name}.default", "a path parameter cannot have a default")

    def placeholders(self, doc: Document, path: str, params: tuple[Param, ...]) -> None:
        """Each ``{name}`` of the path has exactly one ``in: path`` parameter, and each of those a placeholder."""
        named = _PLACEHOLDER.findall(path)
        for name in sorted({name for name in named if named.count(name) > 1}):
            self.error(doc, ("path",), "path", f"placeholder {{{name}}} appears more than once")
        in_path = {param.name: index for index, param in enumerate(params) if param.location == "path"}
        for name in dict.fromkeys(named):
            if name not in in_path:
                body = " (it is a body parameter)" if any(param.name == name for param in params) else ""
                self.error(doc, ("path",), "path", f"placeholder {{{name}}} has no parameter with in: path{body}")
        for name, index in in_path.items():
            if name not in named:
                self.error(doc, ("params", index, "in"), f"{name}.in", f"the path {path!r} has no {{{name}}} placeholder")

    def rule(self, doc: Document, index: int, raw: dict[str, Any], params: dict[str, Param]) -> Rule:
        at: tuple[str | int, ...] = ("rules", index)
        rule = Rule(raw["left"], raw["op"], raw["right"], raw["description"], Source(doc.file, doc.line(at)))
        kinds = []
        for side in ("left", "right"):
            param = params.get(raw[side])
            if param is None:
                self.error(doc, at + (side,), rule.name, f"{side} names no parameter: {raw[side]!r}")
            elif param.type not in _COMPARABLE:
                self.error(doc, at + (side,), rule.name, f"{raw[side]!r} is a {param.type}, which cannot be ordered")
            else:
                kinds.append("number" if param.type == "integer" else param.type)
        if len(kinds) == 2 and kinds[0] != kinds[1]:
            self.error(doc, at, rule.name, f"compares a {kinds[0]} with a {kinds[1]}")
        return rule

    def pagination(self, doc: Document, raw: dict[str, Any], params: dict[str, Param], result: Field) -> Pagination | None:
        """The pagination block with its names resolved to the endpoint's params and result fields."""
        fields = {child.key: child for child in result.children}
        if "token" not in raw and "offset" not in raw:
            self.error(doc, ("pagination",), "pagination", "needs a way to move from page to page: token, offset, or both")
        found: dict[tuple[str, ...], Param | Field | None] = {}
        wanted: list[tuple[tuple[str, ...], str, str]] = [  # (where in the block, what it must name, its kind)
            (("items",), "field", "array"),
            (("total",), "field", "integer"),
            (("token", "param"), "param", "string"),
            (("token", "field"), "field", "string"),
            (("offset", "param"), "param", "integer"),
            (("offset", "limit"), "param", "integer"),
        ]
        for at, what, kind in wanted:
            value: Any = raw
            for key in at:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                found[at] = None
                continue
            target: Param | Field | None = params.get(value) if what == "param" else fields.get(value)
            actual = None if target is None else target.type if isinstance(target, Param) else _field_kind(target)
            where = ("pagination", *at)
            if target is None:
                owner = "parameter" if what == "param" else "field below " + result.path
                self.error(doc, where, ".".join(where), f"names no {owner}: {value!r}")
            elif actual != kind:
                self.error(doc, where, ".".join(where), f"{value!r} is {cons.article(str(actual))} {what}, not {cons.article(kind)} one")
            found[at] = target
        items = found[("items",)]
        if not isinstance(items, Field):
            return None
        return Pagination(
            items=items,
            total=_as(Field, found[("total",)]),
            token_param=_as(Param, found[("token", "param")]),
            token_field=_as(Field, found[("token", "field")]),
            offset_param=_as(Param, found[("offset", "param")]),
            limit_param=_as(Param, found[("offset", "limit")]),
        )

    # -- shared helpers ---------------------------------------------------------------------

    def flat(self, doc: Document, at: tuple[str | int, ...], raw: dict[str, Any]) -> FlatField:
        given = raw.get("attr")
        if given is not None and (not is_python_name(given) or given in MODEL_RESERVED):
            self.error(doc, (*at, "attr"), f"{raw['name']}.attr", f"{given!r} is not a usable Python attribute name")
        return FlatField(
            name=raw["name"],
            doc_type=raw["type"],
            description=raw["description"].strip(),
            attr=raw.get("attr"),
            recovered=raw.get("recovered"),
            holds_result=bool(raw.get("holds_result", False)),
            source=Source(doc.file, doc.line(at)),
        )

    def attr(self, doc: Document, at: tuple[str | int, ...], name: str, given: str | None, reserved: frozenset[str]) -> str:
        if given is None:
            return python_name(name, reserved)
        if not is_python_name(given) or given in reserved:
            self.error(doc, at + ("attr",), f"{name}.attr", f"{given!r} is not a usable Python name")
        return given

    def unique(self, doc: Document, section: str, names: list[tuple[str, str]]) -> None:
        seen_names: dict[str, int] = {}
        seen_attrs: dict[str, str] = {}
        for index, (name, attr) in enumerate(names):
            if name in seen_names:
                self.error(doc, (section, index), name, f"duplicate name (first defined on line {doc.line((section, seen_names[name]))})")
                continue
            if attr in seen_attrs:
                self.error(doc, (section, index), name, f"Python name {attr!r} is also used by {seen_attrs[attr]!r}")
            seen_names[name] = index
            seen_attrs[attr] = name


def build_api(api_doc: Document, endpoint_docs: list[Document]) -> tuple[Api | None, list[SpecError]]:
    """The IR for one api.yaml and its endpoint files, or None with every error found."""
    builder = _Builder()
    data, envelope = builder.api(api_doc)
    slot = next((node for node in envelope.walk() if node.holds_result), None)
    result_path = slot.path if slot else "tasks.result"
    endpoints = [builder.endpoint(doc, result_path, data["path_prefix"]) for doc in endpoint_docs]
    _check_unique_endpoints(builder, endpoints, endpoint_docs)
    if builder.errors:
        return None, builder.errors
    codes = data["status_codes"]
    api = Api(
        package=data["package"]["name"],
        distribution=data["package"]["distribution"],
        version=data["package"]["version"],
        description=data["package"]["description"],
        base_url=data["base_url"],
        path_prefix=data["path_prefix"],
        auth_header=data["auth"]["header"],
        auth_env_var=data["auth"]["env_var"],
        success_code=codes["success"],
        task_range=(codes["task_range"][0], codes["task_range"][1]),
        http_statuses=tuple(
            HttpStatus(*_status_range(entry["status"]), entry["kind"], pascal(entry["kind"]) + "Error")
            for entry in codes["http"]
        ),
        retry=Retry(
            max_retries=data["retry"]["max_retries"],
            statuses=tuple(_status_range(status) for status in data["retry"]["statuses"]),
            initial_delay=float(data["retry"]["initial_delay"]),
            max_delay=float(data["retry"]["max_delay"]),
            api_codes=tuple(_status_range(code) for code in data["retry"].get("api_codes", ())),
        ),
        timeout=float(data["timeout"]),
        envelope=envelope,
        endpoints=tuple(sorted(endpoints, key=lambda e: (e.group, e.name))),
        spec_file=api_doc.file,
        api_codes=tuple(
            ApiCode(*_status_range(entry["code"]), entry["kind"], pascal(entry["kind"]) + "CodeError")
            for entry in codes.get("api", ())
        ),
        max_concurrency=data["concurrency"]["max_requests"] if "concurrency" in data else None,
    )
    return api, []


def _check_unique_endpoints(builder: _Builder, endpoints: list[Endpoint], docs: list[Document]) -> None:
    """Endpoint names, paths, class prefixes and model names are each used once.

    An endpoint that repeats another's name or path is reported once, for that, and not again
    for the class and model names that follow from it.
    """
    seen: dict[str, dict[str, Endpoint]] = {"endpoint name": {}, "path": {}, "class name": {}}
    models: dict[str, tuple[str, str]] = {}
    for endpoint, doc in zip(endpoints, docs):
        clash = False
        for what, key, at in (
            ("endpoint name", endpoint.qualified_name, "name"),
            ("path", _PLACEHOLDER.sub("{}", endpoint.path), "path"),  # /x/{id} and /x/{key} are one route
            ("class name", endpoint.class_prefix, "name"),
        ):
            other = seen[what].setdefault(key, endpoint)
            if other is not endpoint and not clash:
                builder.error(doc, (at,), at, f"duplicate {what} {key!r}: also in {other.spec_file}")
                clash = True
        if clash:
            continue
        for node in endpoint.result.walk():
            if node.model is None:
                continue
            file, path = models.setdefault(node.model, (endpoint.spec_file, node.path))
            if path != node.path or file != endpoint.spec_file:
                where = path if file == endpoint.spec_file else f"{file} ({path})"
                builder.errors.append(
                    SpecError(endpoint.spec_file, node.source.line, node.path, f"model name {node.model!r} is also made by {where}")
                )


# Lists of status ranges in api.yaml; the ones of codes inside a body must lie in task_range.
_STATUS_SECTIONS = (("status_codes", "http"), ("retry", "statuses"), ("status_codes", "api"), ("retry", "api_codes"))
_CODE_SECTIONS = _STATUS_SECTIONS[2:]
_RANGE_KEY = {("status_codes", "http"): "status", ("status_codes", "api"): "code"}


def _field_kind(node: Field) -> str:
    """A response field's kind in the words of a pagination block: array, integer, string, ..."""
    return "array" if node.kind == "array" else str(node.scalar) if node.kind == "scalar" else node.kind


def _as(kind: type[_T], value: object) -> _T | None:
    return value if isinstance(value, kind) else None


def _status_range(status: int | str) -> tuple[int, int]:
    if isinstance(status, int):
        return status, status
    low, _, high = status.partition("-")
    return int(low), int(high)
