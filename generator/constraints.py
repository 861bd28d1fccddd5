"""A parameter's constraints, from spec keys to IR objects, with the checks that keep them sane.

Contradictions are spec errors, not runtime surprises: a minimum above its maximum, a default
outside its bounds or enum, a bound on a type it cannot apply to, a date that is not one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from .ir import (
    Constraint,
    DateBound,
    DistinctDomains,
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
)

Report = Callable[[str, str], None]
"""Called with (spec key, message) for each broken rule."""

# Offsets are capped at six digits: anything larger leaves the calendar (year 1 to 9999).
_RELATIVE = re.compile(r"^today(?:\s*([+-])\s*(\d{1,6})\s*(day|days|month|months|year|years))?$")
_UNITS = {"day": "days", "month": "months", "year": "years"}

# Which parameter types each constraint key applies to.
APPLIES_TO: dict[str, frozenset[str]] = {
    "min_length": frozenset({"string"}),
    "max_length": frozenset({"string"}),
    "min_items": frozenset({"array"}),
    "max_items": frozenset({"array"}),
    "minimum": frozenset({"integer", "number"}),
    "maximum": frozenset({"integer", "number"}),
    "min_date": frozenset({"date"}),
    "max_date": frozenset({"date"}),
    "format": frozenset({"string"}),
    "enum": frozenset({"string", "integer", "number"}),
    "distinct_domains": frozenset({"array"}),
    "filter": frozenset({"array"}),
}

# The same keys in the order a spec writes them (and the importers and docs-diff report them).
CONSTRAINT_KEYS = (
    "format", "min_items", "max_items", "distinct_domains", "min_length", "max_length",
    "min_date", "max_date", "minimum", "maximum", "enum", "filter",
)  # fmt: skip

PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "date": (str,),
    "object": (dict,),
}


def article(noun: str) -> str:
    """``an integer``, ``a string``."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def parse_date_bound(value: Any) -> DateBound | None:
    """``2019-01-01`` → fixed; ``today``, ``today - 1 year`` → relative; anything else → None."""
    text = str(value).strip()
    match = _RELATIVE.match(text)
    if match:
        sign, amount, unit = match.groups()
        if amount is None:
            return DateBound(text)
        offset = int(amount) * (-1 if sign == "-" else 1)
        unit = _UNITS.get(unit, unit)
        return DateBound(
            text,
            years=offset if unit == "years" else 0,
            months=offset if unit == "months" else 0,
            days=offset if unit == "days" else 0,
        )
    try:
        return DateBound(text, absolute=dt.date.fromisoformat(text))
    except ValueError:
        return None


def matches_type(value: Any, param_type: str) -> bool:
    expected = PYTHON_TYPES.get(param_type)
    if expected is None:
        return False
    if isinstance(value, bool) and param_type != "boolean":
        return False
    return isinstance(value, expected)


def build_constraints(spec: dict[str, Any], param_type: str, report: Report) -> tuple[Constraint, ...]:
    """The constraints one spec mapping (a parameter, or its ``items``) states, in a fixed order."""
    for key, types in APPLIES_TO.items():
        if key in spec and param_type not in types:
            report(key, f"does not apply to {article(param_type)} parameter")
    out: list[Constraint] = []
    if param_type in APPLIES_TO["enum"] and "enum" in spec:
        values = tuple(spec["enum"])
        for value in values:
            if not matches_type(value, param_type):
                report("enum", f"value {value!r} is not {article(param_type)}")
        out.append(OneOf(values))
    pairs: list[tuple[str, str, type[Any], type[Any]]] = [
        ("min_length", "max_length", MinLength, MaxLength),
        ("min_items", "max_items", MinItems, MaxItems),
        ("minimum", "maximum", Minimum, Maximum),
    ]
    for low_key, high_key, low_cls, high_cls in pairs:
        if param_type not in APPLIES_TO[low_key]:
            continue
        low, high = spec.get(low_key), spec.get(high_key)
        for key, bound in ((low_key, low), (high_key, high)):
            if isinstance(bound, float) and not math.isfinite(bound):
                report(key, f"{bound!r} is not a finite number")
        if low is not None and high is not None and low > high:
            report(low_key, f"{low_key} {low} is greater than {high_key} {high}")
        if param_type == "integer":
            for key, bound in ((low_key, low), (high_key, high)):
                if isinstance(bound, float) and not bound.is_integer():
                    report(key, f"{bound} is not a whole number, but the parameter is an integer")
        out.extend(cls(bound) for cls, bound in ((low_cls, low), (high_cls, high)) if bound is not None)
    if param_type == "date":
        out.extend(_date_bounds(spec, report))
    if param_type == "string" and "format" in spec:
        out.append(Format(spec["format"]))
    if param_type == "array" and "distinct_domains" in spec:
        out.append(DistinctDomains(spec["distinct_domains"]))
    if param_type == "array" and "filter" in spec:
        rules = spec["filter"]
        out.append(
            FilterExpression(rules["max_conditions"], tuple(rules["operators"]), tuple(rules["connectives"]))
        )
    return tuple(out)


def _date_bounds(spec: dict[str, Any], report: Report) -> list[Constraint]:
    out: list[Constraint] = []
    bounds: dict[str, DateBound] = {}
    for key, cls in (("min_date", MinDate), ("max_date", MaxDate)):
        if key not in spec:
            continue
        bound = parse_date_bound(spec[key])
        if bound is None:
            report(key, f"{spec[key]!r} is not a date (yyyy-mm-dd) or 'today [+|- N days|months|years]'")
            continue
        if not _in_calendar(bound):
            report(key, f"{spec[key]!r} reaches outside the calendar (years 1 to 9999)")
            continue
        bounds[key] = bound
        out.append(cls(bound))
    low, high = bounds.get("min_date"), bounds.get("max_date")
    if low and high and _always_after(low, high):
        report("min_date", f"min_date {low.text!r} is after max_date {high.text!r}")
    return out


def _in_calendar(bound: DateBound) -> bool:
    try:
        bound.resolve(dt.date(2024, 2, 29))
    except (ValueError, OverflowError):
        return False
    return True


def _always_after(low: DateBound, high: DateBound) -> bool:
    """True when ``low`` > ``high`` whatever today is (both fixed, or both relative)."""
    if low.is_relative != high.is_relative:
        return False
    probe = dt.date(2024, 2, 29)  # any day serves when both move together; a leap day tests clamping
    return low.resolve(probe) > high.resolve(probe)


def check_value(value: Any, constraints: tuple[Constraint, ...], param_type: str) -> str | None:
    """Why a spec-time value (a default) breaks its parameter's constraints, or None.

    Only what can be decided without a clock is checked; relative date bounds are skipped.
    """
    if param_type == "date":
        bound = parse_date_bound(value)
        if bound is None:
            return f"{value!r} is not a date or 'today [+|- N unit]'"
        if bound.is_relative:
            return None
        day = bound.absolute
        for constraint in constraints:
            limit = getattr(constraint, "bound", None)
            if not isinstance(limit, DateBound) or limit.absolute is None or day is None:
                continue
            if isinstance(constraint, MinDate) and day < limit.absolute:
                return f"{day} is before min_date {limit.text}"
            if isinstance(constraint, MaxDate) and day > limit.absolute:
                return f"{day} is after max_date {limit.text}"
        return None
    if param_type == "array":
        if not isinstance(value, list):
            return f"{value!r} is not an array"
        for constraint in constraints:
            if isinstance(constraint, MinItems) and len(value) < constraint.value:
                return f"{value!r} has fewer items than min_items {constraint.value}"
            if isinstance(constraint, MaxItems) and len(value) > constraint.value:
                return f"{value!r} has more items than max_items {constraint.value}"
        return None
    if not matches_type(value, param_type):
        return f"{value!r} is not {article(param_type)}"
    for constraint in constraints:
        if isinstance(constraint, OneOf) and value not in constraint.values:
            return f"{value!r} is not one of {list(constraint.values)}"
        if isinstance(constraint, Minimum) and value < constraint.value:
            return f"{value!r} is below minimum {constraint.value}"
        if isinstance(constraint, Maximum) and value > constraint.value:
            return f"{value!r} is above maximum {constraint.value}"
        if isinstance(constraint, MaxLength) and len(value) > constraint.value:
            return f"{value!r} is longer than max_length {constraint.value}"
        if isinstance(constraint, MinLength) and len(value) < constraint.value:
            return f"{value!r} is shorter than min_length {constraint.value}"
    return None
