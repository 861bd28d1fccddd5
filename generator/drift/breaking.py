"""Which differences between two versions of the specs would break code that uses the client.

Modelled on ``buf breaking`` and ``oasdiff breaking``: both spec directories go through the same
pipeline (``build_ir``), and the two IRs are compared node by node. Each difference is a
:class:`Change` with a severity, a rule id, the spec line it points at and a readable message.

The one idea: a request constraint is breaking when the set of calls it accepts shrinks (a lower
maximum, a higher minimum, a later earliest date, fewer enum values, a new format), because a call
that worked before is now rejected; a response field is breaking when code reading it would fail
(removed, or its type changed). Additions and loosenings are listed as ``info``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ..ir import (
    Api,
    Constraint,
    DateBound,
    DistinctDomains,
    Endpoint,
    Field,
    FilterExpression,
    Format,
    MaxDate,
    Maximum,
    MaxItems,
    MaxLength,
    MinDate,
    Minimum,
    MinItems,
    MinLength,
    OneOf,
    Param,
    Source,
)

Severity = Literal["breaking", "info"]

# Constraint kinds with one ordered value: for an upper bound a lower value rejects more calls,
# for a lower bound a higher one does.
_UPPER = frozenset({"max_length", "max_items", "maximum", "max_date", "distinct_domains"})
_LOWER = frozenset({"min_length", "min_items", "minimum", "min_date"})
_VALUED = (MinLength, MaxLength, MinItems, MaxItems, Minimum, Maximum)


@dataclass(frozen=True)
class Change:
    severity: Severity
    rule: str
    source: Source
    subject: str
    message: str

    @property
    def breaking(self) -> bool:
        return self.severity == "breaking"

    def __str__(self) -> str:
        return f"{self.source.file}:{self.source.line}: {self.severity} [{self.rule}] {self.subject}: {self.message}"


def compare(old: Api, new: Api, today: dt.date | None = None) -> list[Change]:
    """Every difference from ``old`` to ``new`` that a user of the generated client could notice.

    Relative date bounds (``today - 1 year``) are compared as they stand on ``today`` (UTC by
    default), the only way to order a fixed date against a moving one.
    """
    day = today or dt.datetime.now(dt.timezone.utc).date()
    return list(_Comparison(day).api(old, new))


@dataclass(frozen=True)
class _Comparison:
    today: dt.date

    def api(self, old: Api, new: Api) -> Iterator[Change]:
        if old.package != new.package:
            yield Change("breaking", "package-renamed", Source(new.spec_file, 1), "package", f"{old.package!r} → {new.package!r}")
        yield from self.fields(old.envelope, new.envelope, "response envelope")
        before = {endpoint.qualified_name: endpoint for endpoint in old.endpoints}
        after = {endpoint.qualified_name: endpoint for endpoint in new.endpoints}
        for name, endpoint in before.items():
            if name not in after:
                yield Change("breaking", "endpoint-removed", Source(endpoint.spec_file, 1), f"endpoint {name}", "removed")
        for name, endpoint in after.items():
            if name in before:
                yield from self.endpoint(before[name], endpoint)
            else:
                yield Change("info", "endpoint-added", Source(endpoint.spec_file, 1), f"endpoint {name}", "added")

    def endpoint(self, old: Endpoint, new: Endpoint) -> Iterator[Change]:
        name = new.qualified_name
        if (old.method, old.path) != (new.method, new.path):
            # The generated method keeps its name and follows the new route by itself.
            yield Change("info", "endpoint-route-changed", Source(new.spec_file, 1), f"endpoint {name}", f"{old.method} {old.path} → {new.method} {new.path}")
        before = {param.name: param for param in old.params}
        after = {param.name: param for param in new.params}
        for key, param in before.items():
            if key not in after:
                yield Change("breaking", "parameter-removed", param.source, f"{name} parameter {key!r}", "removed")
        for key, param in after.items():
            subject = f"{name} parameter {key!r}"
            if key not in before:
                severity: Severity = "breaking" if param.required else "info"
                kind = "required" if param.required else "optional"
                yield Change(severity, f"{kind}-parameter-added", param.source, subject, f"added ({kind})")
            else:
                yield from self.param(before[key], param, subject)
        old_rules = {rule.name for rule in old.rules}
        new_rules = {rule.name for rule in new.rules}
        for rule in new.rules:
            if rule.name not in old_rules:
                yield Change("breaking", "rule-added", rule.source, f"{name} rule {rule.name!r}", "added")
        for rule in old.rules:
            if rule.name not in new_rules:
                yield Change("info", "rule-removed", rule.source, f"{name} rule {rule.name!r}", "removed")
        yield from self.fields(old.result, new.result, name)

    def param(self, old: Param, new: Param, subject: str) -> Iterator[Change]:
        at = new.source
        if old.attr != new.attr:
            yield Change("breaking", "parameter-renamed", at, subject, f"Python argument {old.attr!r} → {new.attr!r}")
        if old.required != new.required:
            if new.required:
                yield Change("breaking", "parameter-made-required", at, subject, "optional → required")
            else:
                yield Change("info", "parameter-made-optional", at, subject, "required → optional")
        if (old.type, old.item_type) != (new.type, new.item_type):
            yield Change("breaking", "parameter-type-changed", at, subject, f"{_param_type(old)} → {_param_type(new)}")
            return  # bounds of a different type cannot be ordered against the old ones
        yield from self.constraints(old.constraints, new.constraints, at, subject)
        yield from self.constraints(old.item_constraints, new.item_constraints, at, f"{subject} items")

    def constraints(self, old: tuple[Constraint, ...], new: tuple[Constraint, ...], at: Source, subject: str) -> Iterator[Change]:
        before = {constraint.kind: constraint for constraint in old}
        after = {constraint.kind: constraint for constraint in new}
        for kind in [*before, *(kind for kind in after if kind not in before)]:
            was, now = before.get(kind), after.get(kind)
            if was is None and now is not None:
                yield Change("breaking", f"{kind}-added", at, subject, f"{kind} {self.shown(now)} added")
            elif now is None and was is not None:
                yield Change("info", f"{kind}-removed", at, subject, f"{kind} {self.shown(was)} removed")
            elif was is not None and now is not None and was != now:
                yield from self.constraint(was, now, at, subject)

    def constraint(self, was: Constraint, now: Constraint, at: Source, subject: str) -> Iterator[Change]:
        kind = was.kind
        if kind in _UPPER or kind in _LOWER:
            low, high = self.ordered(was), self.ordered(now)
            if low == high:
                # A relative bound that lands on the same day as the fixed one it replaced.
                yield Change("info", f"{kind}-changed", at, subject, f"{kind} {self.shown(was)} → {self.shown(now)}")
                return
            tighter = high < low if kind in _UPPER else high > low
            word = "lowered" if high < low else "raised"
            severity: Severity = "breaking" if tighter else "info"
            rule = f"{kind}-{'tightened' if tighter else 'loosened'}"
            yield Change(severity, rule, at, subject, f"{kind} {word} {self.shown(was)} → {self.shown(now)}")
        elif isinstance(was, OneOf) and isinstance(now, OneOf):
            removed = [value for value in was.values if value not in now.values]
            added = [value for value in now.values if value not in was.values]
            if removed:
                yield Change("breaking", "enum-narrowed", at, subject, f"enum values removed: {_listed(removed)}")
            if added:
                yield Change("info", "enum-widened", at, subject, f"enum values added: {_listed(added)}")
        elif isinstance(was, FilterExpression) and isinstance(now, FilterExpression):
            yield from self.filter(was, now, at, subject)
        elif isinstance(was, Format) and isinstance(now, Format):
            yield Change("breaking", "format-changed", at, subject, f"format {was.name} → {now.name}")

    def filter(self, was: FilterExpression, now: FilterExpression, at: Source, subject: str) -> Iterator[Change]:
        if now.max_conditions != was.max_conditions:
            tighter = now.max_conditions < was.max_conditions
            word = "lowered" if tighter else "raised"
            yield Change("breaking" if tighter else "info", f"filter-{'tightened' if tighter else 'loosened'}", at, subject, f"filter max_conditions {word} {was.max_conditions} → {now.max_conditions}")
        for what in ("operators", "connectives"):
            old_values: tuple[str, ...] = getattr(was, what)
            new_values: tuple[str, ...] = getattr(now, what)
            removed = [value for value in old_values if value not in new_values]
            added = [value for value in new_values if value not in old_values]
            if removed:
                yield Change("breaking", "filter-narrowed", at, subject, f"filter {what} removed: {_listed(removed)}")
            if added:
                yield Change("info", "filter-widened", at, subject, f"filter {what} added: {_listed(added)}")

    def fields(self, old: Field, new: Field, owner: str) -> Iterator[Change]:
        """Response fields, matched by dotted path; a removed or retyped parent reports only itself."""
        after = {node.path: node for node in new.walk()}
        before = {node.path: node for node in old.walk()}
        gone: list[str] = []
        for node in old.walk()[1:]:
            if any(node.path.startswith(parent + ".") for parent in gone):
                continue
            match = after.get(node.path)
            subject = f"{owner} response field {node.path!r}"
            if match is None:
                gone.append(node.path)
                yield Change("breaking", "response-field-removed", node.source, subject, "removed")
            elif _field_type(node) != _field_type(match):
                if not match.children:
                    gone.append(node.path)  # its children went with the model
                yield Change("breaking", "response-field-type-changed", match.source, subject, f"{_field_type(node)} → {_field_type(match)}")
            elif node.attr != match.attr:
                yield Change("breaking", "response-field-renamed", match.source, subject, f"Python attribute {node.attr!r} → {match.attr!r}")
        for node in new.walk()[1:]:
            if node.path not in before:
                yield Change("info", "response-field-added", node.source, f"{owner} response field {node.path!r}", f"added ({node.doc_type})")

    def ordered(self, constraint: Constraint) -> float:
        """The bound as a number, so bounds of one kind can be ordered (dates by day number)."""
        if isinstance(constraint, (MinDate, MaxDate)):
            return constraint.bound.resolve(self.today).toordinal()
        if isinstance(constraint, DistinctDomains):
            return constraint.max
        if isinstance(constraint, _VALUED):
            return constraint.value
        raise TypeError(f"{constraint.kind} has no order")

    def shown(self, constraint: Constraint) -> str:
        if isinstance(constraint, (MinDate, MaxDate)):
            return _date_text(constraint.bound, self.today)
        if isinstance(constraint, OneOf):
            return f"[{_listed(constraint.values)}]"
        if isinstance(constraint, Format):
            return constraint.name
        if isinstance(constraint, FilterExpression):
            return f"(max {constraint.max_conditions} conditions)"
        if isinstance(constraint, DistinctDomains):
            return str(constraint.max)
        if isinstance(constraint, _VALUED):
            return str(constraint.value)
        return repr(constraint)


def _param_type(param: Param) -> str:
    return f"array of {param.item_type}" if param.item_type else param.type


def _field_type(node: Field) -> str:
    """What code reading the field sees; an array of a model is one whatever its item type is called."""
    if node.kind == "object":
        return f"object (model {node.model})"
    if node.kind == "array":
        return f"array of model {node.model}"
    if node.kind == "mapping":
        return "object (free mapping)"
    return node.doc_type


def _date_text(bound: DateBound, today: dt.date) -> str:
    if bound.is_relative:
        return f"{bound.text!r} ({bound.resolve(today).isoformat()} on {today.isoformat()})"
    return bound.text


def _listed(values: Sequence[object]) -> str:
    return ", ".join(repr(value) for value in values)
