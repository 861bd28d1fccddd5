"""The machinery of ``testing.strategies``, which knows no endpoint of its own.

Requests are drawn from an ``EndpointSpec`` (each ``Check`` narrows what its value may be, and
knows how to be broken just past its bound), and responses from the fields of model classes; the
public module adds a pair of strategies per endpoint on top. It needs hypothesis, which
``testing.strategies`` checks for before importing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar, Union

from hypothesis import assume, reject
from hypothesis import strategies as st

from .._envelope import Response
from .._model import JSON_KEY, Model
from .._validation import (
    Check,
    Clock,
    DistinctDomains,
    EndpointSpec,
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
    ParamType,
    Rule,
    utc_today,
)

__all__ = [
    "Today",
    "filter_mistakes",
    "invalid_arguments",
    "invalid_values",
    "payloads",
    "requests",
    "responses",
    "rule_violations",
    "values",
]

Today: TypeAlias = Clock | dt.date | None
"""The day relative date rules are resolved on: a date, a clock, or None for today in UTC."""

T = TypeVar("T")
Strategy: TypeAlias = st.SearchStrategy[Any]

# Filter operators whose value is a list of scalars, as FilterExpression's grammar fixes them.
_LIST_OPERATORS = ("in", "not_in")
# Date windows are drawn around the bounds (or today) first, then anywhere a date may be.
_SPAN = dt.timedelta(days=3660)


def _day(today: Today) -> dt.date:
    if today is None:
        return utc_today()
    day = today if isinstance(today, dt.date) else today()
    return day.date() if isinstance(day, dt.datetime) else day


def _shift(day: dt.date, days: int) -> dt.date | None:
    """``day`` moved by ``days``, or None past the calendar's ends."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def _cycle(items: Sequence[T], size: int) -> list[T]:
    """``items`` repeated in order up to exactly ``size`` elements (``items`` is not empty)."""
    return [items[index % len(items)] for index in range(size)]


def _sometimes(draw: st.DrawFn) -> bool:
    """True about one time in eight: for the rarer shapes of a value."""
    return draw(st.integers(0, 7)) == 0


# -- text in the formats the checks know ------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_IDN_LETTERS = "абвгдежзиклмнопрстуфхцчшыэюяäöüßçéñøåłž中文例"
_PATH_CHARACTERS = _LETTERS + "ABCXYZ0123456789-._~%!$&'()*+,;=:@/?#äé中"


@st.composite
def _label(draw: st.DrawFn) -> str:
    """One label of a host name: ASCII letters, digits and inner hyphens, or Unicode letters."""
    if _sometimes(draw):
        return draw(st.text(_IDN_LETTERS, min_size=1, max_size=10))
    edge = st.sampled_from(_LETTERS + "0123456789")
    inner = draw(st.text(_LETTERS + "0123456789-", max_size=14))
    label: str = draw(edge) + inner + draw(edge) if inner or draw(st.booleans()) else draw(edge)
    return label.upper() if _sometimes(draw) else label


_LABELS = _label()


@st.composite
def _domain(draw: st.DrawFn) -> str:
    """A domain name without scheme and without a leading ``www.``: ``shop.example.com``."""
    labels = draw(st.lists(_LABELS, min_size=1, max_size=3))
    top = draw(st.text(_LETTERS, min_size=2, max_size=6) | st.sampled_from(["рф", "中国"]))
    if labels[0].lower() == "www":
        labels[0] = "w3"
    return ".".join([*labels, top])


_DOMAINS = _domain()


@st.composite
def _url(draw: st.DrawFn) -> str:
    """An absolute http(s) URL: scheme, host (maybe www.), maybe a port, maybe a path."""
    scheme = draw(st.sampled_from(["https://", "http://", "HTTPS://"]))
    host = draw(st.sampled_from(["", "www."])) + draw(_DOMAINS)
    port = f":{draw(st.integers(1, 65535))}" if _sometimes(draw) else ""
    path = draw(st.sampled_from(["", "/"]) | st.text(_PATH_CHARACTERS).map(lambda p: "/" + p))
    return scheme + host + port + path


_URLS = _url()


def _domain_of(target: str) -> str:
    """The domain a target counts as, for DistinctDomains: its host, lower case, without www."""
    host = target.split("://", 1)[1] if "://" in target else target
    for end in "/?#:":
        host = host.split(end, 1)[0]
    return host.lower().removeprefix("www.")


# Text that JSON carries as UTF-8: no lone surrogates.
_NOT_SPACE = st.characters(codec="utf-8").filter(lambda char: not char.isspace())

_FORMATS: dict[str, Strategy] = {
    "domain": _DOMAINS,
    # The target format takes what the docs' own examples send: www. hosts, and page URLs.
    "target": st.one_of(_DOMAINS, _DOMAINS.map(lambda d: "www." + d), _URLS),
    "absolute_url": _URLS,
    "relative_url": st.text(_NOT_SPACE).map(lambda path: "/" + path.lstrip("/")),
    "uuid": st.one_of(
        st.uuids().map(str),
        st.uuids().map(lambda u: str(u).upper()),
        # Any version and variant: the docs' own task ids are not RFC 4122 UUIDs.
        st.from_regex(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", fullmatch=True
        ),
    ),
}

# Strings each format refuses: one mistake each, the commonest first.
_BAD_FORMATS: dict[str, Strategy] = {
    "domain": st.one_of(
        _DOMAINS.map(lambda d: "https://" + d),
        _DOMAINS.map(lambda d: "http://" + d + "/"),
        _DOMAINS.map(lambda d: "www." + d),
        _DOMAINS.map(lambda d: d + "/page"),
        _DOMAINS.map(lambda d: d + ":8080"),
        _LABELS,
        st.sampled_from(
            ["", "example..com", ".example.com", "-example.com", "exa mple.com", "a_b.com"]
        ),
    ),
    "target": st.one_of(
        _DOMAINS.map(lambda d: d + "/page"),
        _DOMAINS.map(lambda d: "ftp://" + d + "/"),
        _DOMAINS.map(lambda d: "https://" + d + "/a page"),
        _LABELS,
        st.sampled_from(["", "https://", "https:///path", "example..com", "http://[::1"]),
    ),
    "absolute_url": st.one_of(
        _DOMAINS,
        _DOMAINS.map(lambda d: "ftp://" + d + "/"),
        _DOMAINS.map(lambda d: "https://" + d + ":99999/"),
        _DOMAINS.map(lambda d: "https://" + d + "/a page"),
        st.sampled_from(["", "/page", "https://", "https:///path", "//example.com/"]),
    ),
    "relative_url": st.one_of(
        _DOMAINS.map(lambda d: "//" + d + "/page"),
        _URLS,
        _DOMAINS,
        st.sampled_from(["", "page", "/a page", "/tab\there", "/line\n"]),
    ),
    "uuid": st.one_of(
        st.uuids().map(lambda u: str(u)[:-1]),
        st.uuids().map(lambda u: str(u) + "0"),
        st.uuids().map(lambda u: str(u).replace("-", "")),
        st.uuids().map(lambda u: "g" + str(u)[1:]),
        st.uuids().map(lambda u: "{" + str(u) + "}"),
        st.just(""),
    ),
}


# -- filter expressions -----------------------------------------------------------------------

_SCALARS: Strategy = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
"""What a filter condition compares with: any JSON scalar."""


@functools.cache
def _conditions(check: FilterExpression) -> st.SearchStrategy[list[Any]]:
    """``[field, operator, value]`` with one of the check's operators, its value of the right shape."""

    def value(operator: str) -> Strategy:
        return st.lists(_SCALARS, max_size=4) if operator in _LIST_OPERATORS else _SCALARS

    return st.tuples(
        st.text(min_size=1),
        st.sampled_from(check.operators).flatmap(lambda op: st.tuples(st.just(op), value(op))),
    ).map(lambda parts: [parts[0], *parts[1]])


def _expression(draw: st.DrawFn, check: FilterExpression, conditions: int, depth: int) -> list[Any]:
    """An expression of exactly ``conditions`` conditions: a condition, or a (nested) group."""
    if conditions == 1:
        return draw(_conditions(check))
    # A group joins two or more expressions; past two levels of nesting, only conditions.
    if depth >= 2:
        parts = [1] * conditions
    else:
        parts = [1] * draw(st.integers(2, min(conditions, 4)))
        for _ in range(conditions - len(parts)):
            parts[draw(st.integers(0, len(parts) - 1))] += 1
    group: list[Any] = []
    for index, size in enumerate(parts):
        if index:
            group.append(draw(st.sampled_from(check.connectives)))
        group.append(_expression(draw, check, size, depth + 1))
    return group


@functools.cache
def _filters(check: FilterExpression) -> st.SearchStrategy[list[Any]]:
    @st.composite
    def expressions(draw: st.DrawFn) -> list[Any]:
        return _expression(draw, check, draw(st.integers(1, check.max_conditions)), 0)

    return expressions()


@st.composite
def _joined(draw: st.DrawFn, check: FilterExpression, conditions: int) -> list[Any]:
    """A flat group of ``conditions`` valid conditions."""
    group: list[Any] = []
    for index in range(conditions):
        if index:
            group.append(draw(st.sampled_from(check.connectives)))
        group.append(draw(_conditions(check)))
    return group


def filter_mistakes(check: FilterExpression) -> dict[str, st.SearchStrategy[Any]]:
    """Filter values that break ``check``, by the kind of mistake; each has exactly one."""
    return dict(_filter_mistakes(check))


@functools.cache
def _filter_mistakes(check: FilterExpression) -> dict[str, st.SearchStrategy[Any]]:
    condition = _conditions(check)
    connective = st.sampled_from(check.connectives)
    unknown = st.text().filter(lambda op: op not in check.operators)
    not_a_connective = st.text().filter(lambda word: word not in check.connectives)
    mistakes: dict[str, st.SearchStrategy[Any]] = {
        "too_many_conditions": _joined(check, check.max_conditions + 1),
        "unknown_operator": st.tuples(condition, unknown).map(lambda c: [c[0][0], c[1], c[0][2]]),
        "unknown_connective": st.tuples(condition, not_a_connective, condition).map(list),
        "malformed_nesting": st.one_of(
            st.just([]),
            st.tuples(condition, connective).map(list),  # a connective with nothing after it
            condition.map(lambda c: c[:2]),  # a condition without its value
            condition.map(lambda c: [*c, c[2]]),  # a condition with a fourth element
            condition.map(lambda c: [len(c), c]),  # a group that opens with a number
            st.tuples(condition, connective, st.text()).map(
                list
            ),  # a string where a condition goes
            st.tuples(condition, connective).map(lambda c: [c[0], c[1], []]),  # an empty condition
        ),
        "bad_value": st.one_of(
            st.tuples(condition, st.dictionaries(st.text(), _SCALARS, max_size=2)).map(
                lambda c: [c[0][0], c[0][1], c[1]]
            ),
            condition.map(lambda c: ["", c[1], c[2]]),
        ),
    }
    scalar_operators = [op for op in check.operators if op not in _LIST_OPERATORS]
    list_operators = [op for op in check.operators if op in _LIST_OPERATORS]
    if list_operators:
        wrong = st.tuples(st.text(min_size=1), st.sampled_from(list_operators), _SCALARS)
        mistakes["bad_value"] |= wrong.map(list)
    if scalar_operators:
        wrong = st.tuples(
            st.text(min_size=1), st.sampled_from(scalar_operators), st.lists(_SCALARS)
        )
        mistakes["bad_value"] |= wrong.map(list)
    return mistakes


# -- valid values: each check narrows a shape, and the shape is drawn by the value's type -------


@dataclasses.dataclass(frozen=True)
class _Shape:
    """What the checks of one value allow between them."""

    low: Any = None  # the least number or date
    high: Any = None  # the greatest number or date
    min_size: int = 0  # characters of a string, items of an array
    max_size: int | None = None
    choices: tuple[Any, ...] | None = None
    format: str | None = None
    domains: int | None = None
    filter: FilterExpression | None = None


_NARROW: dict[type[Check], Callable[[Any, Any], dict[str, Any]]] = {
    MinLength: lambda check, today: {"min_size": check.value},
    MaxLength: lambda check, today: {"max_size": check.value},
    MinItems: lambda check, today: {"min_size": check.value},
    MaxItems: lambda check, today: {"max_size": check.value},
    Minimum: lambda check, today: {"low": check.value},
    Maximum: lambda check, today: {"high": check.value},
    OneOf: lambda check, today: {"choices": check.values},
    MinDate: lambda check, today: {"low": check.bound.resolve(today)},
    MaxDate: lambda check, today: {"high": check.bound.resolve(today)},
    Format: lambda check, today: {"format": check.name},
    DistinctDomains: lambda check, today: {"domains": check.max},
    FilterExpression: lambda check, today: {"filter": check},
}
"""How each kind of check narrows the values it accepts; one entry per ``Check`` class."""


def _shape(checks: Sequence[Check], today: dt.date | None) -> _Shape:
    shape = _Shape()
    for check in checks:
        narrow = _NARROW.get(type(check))
        if narrow is None:
            raise NotImplementedError(f"no strategy for {type(check).__name__}: add it to _NARROW")
        shape = dataclasses.replace(shape, **narrow(check, today))
    return shape


def _strings(shape: _Shape) -> Strategy:
    if shape.format is not None:
        formatted = _FORMATS[shape.format]
        longest = math.inf if shape.max_size is None else shape.max_size
        return formatted.filter(lambda text: shape.min_size <= len(text) <= longest)
    low, high = shape.min_size, shape.max_size
    # Sizes at the bounds on purpose: in any script, since a bound counts characters, not bytes.
    options = [st.text(min_size=low, max_size=high), st.text(min_size=low, max_size=low)]
    if high is not None:
        options.append(st.text(min_size=high, max_size=high))
    return st.one_of(options)


def _integers(shape: _Shape) -> Strategy:
    low = None if shape.low is None else math.ceil(shape.low)
    high = None if shape.high is None else math.floor(shape.high)
    return st.integers(min_value=low, max_value=high)


def _numbers(shape: _Shape) -> Strategy:
    floats = st.floats(
        min_value=shape.low, max_value=shape.high, allow_nan=False, allow_infinity=False
    )
    return st.one_of(_integers(shape), floats)


def _dates(shape: _Shape, today: dt.date) -> Strategy:
    low: dt.date | None = shape.low
    high: dt.date | None = shape.high
    if low is not None and high is not None and low > high:
        return st.nothing()
    near_low = low or _shift(min(high or today, today), -_SPAN.days) or dt.date.min
    near_high = high or _shift(max(low or today, today), _SPAN.days) or dt.date.max
    days = st.one_of(
        st.dates(near_low, near_high),
        st.sampled_from([day for day in (low, high) if day is not None] or [today]),
        st.dates(low or dt.date.min, high or dt.date.max),
    )
    # A date parameter takes a datetime.date or its yyyy-mm-dd text.
    return st.one_of(days, days.map(dt.date.isoformat))


def _arrays(shape: _Shape, items: Strategy) -> Strategy:
    if shape.filter is not None:
        expressions = _filters(shape.filter)
        return expressions | expressions.map(tuple)
    # Drawn short, then repeated up to the least size, and now and then up to the greatest.
    least = min(shape.min_size, 10)
    most = least + 10 if shape.max_size is None else min(shape.max_size, least + 10)
    lists = st.lists(items, min_size=least, max_size=most)

    @st.composite
    def arrays(draw: st.DrawFn) -> Sequence[Any]:
        value: list[Any] = draw(lists)
        if shape.domains is not None:
            seen: list[str] = []
            for item in value:
                domain = _domain_of(item)
                if domain not in seen and len(seen) < shape.domains:
                    seen.append(domain)
            value = [item for item in value if _domain_of(item) in seen]
        if value and len(value) < shape.min_size:
            value = _cycle(value, shape.min_size)
        if value and shape.max_size is not None and draw(st.integers(0, 19)) == 0:
            value = _cycle(value, shape.max_size)  # as many items as allowed
        return tuple(value) if _sometimes(draw) else value

    return arrays()


def _of_type(kind: ParamType, checks: Sequence[Check], today: dt.date, items: Strategy) -> Strategy:
    dated = kind == "date" or any(isinstance(check, (MinDate, MaxDate)) for check in checks)
    return _built(kind, tuple(checks), today if dated else None, items)


@functools.lru_cache(maxsize=4096)
def _built(
    kind: ParamType, checks: tuple[Check, ...], today: dt.date | None, items: Strategy
) -> Strategy:
    """The strategy of one value; built once for each day that matters to it, then reused."""
    shape = _shape(checks, today)
    if shape.choices is not None:
        return st.sampled_from(shape.choices)
    if kind == "string":
        return _strings(shape)
    if kind == "integer":
        return _integers(shape)
    if kind == "number":
        return _numbers(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        return _dates(shape, today or utc_today())
    if kind == "object":
        return st.dictionaries(st.text(), _JSON, max_size=3)
    return _arrays(shape, items)


def values(param: Param, *, today: Today = None) -> Strategy:
    """Values of ``param`` that meet all of its own checks and item checks."""
    day = _day(today)
    items = _SCALARS
    if param.item_type is not None:
        items = _of_type(param.item_type, param.item_checks, day, _SCALARS)
    drawn = _of_type(param.type, param.checks, day, items)
    if param.location == "path":
        # The one check a path segment adds (not empty, "." or ".."): rare enough to filter out.
        return drawn.filter(lambda value: _checked(param, value, day)[0])
    return drawn


def _checked(param: Param, value: Any, today: dt.date) -> tuple[bool, Any]:
    checked, issues = param.validate(value, today)
    return not issues, checked


def _holds(
    rule: Rule, params: Mapping[str, Param], arguments: Mapping[str, Any], today: dt.date
) -> bool:
    if rule.left not in arguments or rule.right not in arguments:
        return True
    left_ok, left = _checked(params[rule.left], arguments[rule.left], today)
    right_ok, right = _checked(params[rule.right], arguments[rule.right], today)
    return left_ok and right_ok and rule.check(left, right) is None


@st.composite
def _requests(
    draw: st.DrawFn, endpoint: EndpointSpec, today: Today, python_names: Mapping[str, str]
) -> dict[str, Any]:
    day = _day(today)
    params = {param.name: param for param in endpoint.params}
    arguments = {
        param.name: draw(values(param, today=day))
        for param in endpoint.params
        if param.required or draw(st.booleans())
    }
    for rule in endpoint.rules:
        if _holds(rule, params, arguments, day):
            continue
        swapped = {**arguments, rule.left: arguments[rule.right], rule.right: arguments[rule.left]}
        if _holds(rule, params, swapped, day):
            arguments = swapped
        elif not params[rule.left].required:
            del arguments[rule.left]
        elif not params[rule.right].required:
            del arguments[rule.right]
    assume(all(_holds(rule, params, arguments, day) for rule in endpoint.rules))
    return {python_names.get(name, name): value for name, value in arguments.items()}


def requests(
    endpoint: EndpointSpec, *, today: Today = None, python_names: Mapping[str, str] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments that meet every rule of ``endpoint``, its rules between parameters included.

    Keys are JSON names (what ``EndpointSpec.build_body`` takes) unless ``python_names`` maps
    them to the endpoint method's keyword arguments. Optional parameters are given sometimes.
    """
    return _requests(endpoint, today, python_names or {})


# -- invalid values: each check broken just past its bound ------------------------------------


def _past_number(bound: float, step: int) -> Strategy:
    """The nearest value past ``bound`` in direction ``step`` (-1 or 1), and values beyond it."""
    if isinstance(bound, int) or bound.is_integer():
        edge = int(bound) + step
        beyond = st.integers(max_value=edge) if step < 0 else st.integers(min_value=edge)
        return st.just(edge) | beyond
    edge_float = math.nextafter(bound, step * math.inf)
    if step < 0:
        further = st.floats(max_value=edge_float, allow_nan=False, allow_infinity=False)
    else:
        further = st.floats(min_value=edge_float, allow_nan=False, allow_infinity=False)
    return st.just(edge_float) | further


def _past_date(limit: dt.date, step: int) -> Strategy:
    """The day past ``limit`` in direction ``step``, sometimes a later one, as a date or text."""
    edge = _shift(limit, step)
    if edge is None:
        return st.nothing()
    further = st.dates(max_value=edge) if step < 0 else st.dates(min_value=edge)
    days = st.just(edge) | further
    return days | days.map(dt.date.isoformat)


def _not_one_of(choices: tuple[Any, ...]) -> Strategy:
    def outside(value: Any) -> Strategy:
        if isinstance(value, str):
            near = st.sampled_from([value.upper(), value + " ", value[:-1], value + "_"])
            return (near | st.text()).filter(lambda text: text not in choices)
        if isinstance(value, int):
            return st.integers().filter(lambda number: number not in choices)
        return st.floats(allow_nan=False).filter(lambda number: number not in choices)

    return st.one_of([outside(value) for value in choices])


def _too_many_domains(check: DistinctDomains) -> Strategy:
    """``max + 1`` different domains, some repeated in other letter case."""

    def spread(domain: str) -> list[str]:
        first, _, rest = domain.partition(".")
        return [f"d{index}-{first}.{rest}" for index in range(check.max + 1)]

    def repeat(domains: list[str]) -> list[str]:
        return domains + [domain.upper() for domain in domains[:3]]

    return _DOMAINS.map(spread).flatmap(lambda ds: st.sampled_from([ds, repeat(ds)]))


_LIKE: Strategy = st.lists(st.text(), min_size=1)

_JUST_PAST: dict[type[Check], Callable[[Any, Any, Strategy], Strategy]] = {
    MinLength: lambda check, today, like: (
        st.text(min_size=check.value - 1, max_size=check.value - 1) if check.value else st.nothing()
    ),
    MaxLength: lambda check, today, like: st.text(
        min_size=check.value + 1, max_size=check.value + 1
    ),
    MinItems: lambda check, today, like: (
        like.map(lambda v: list(v)[: check.value - 1]) if check.value else st.nothing()
    ),
    MaxItems: lambda check, today, like: (
        like.filter(len).map(lambda v: _cycle(list(v), check.value + 1))
    ),
    Minimum: lambda check, today, like: _past_number(check.value, -1),
    Maximum: lambda check, today, like: _past_number(check.value, 1),
    OneOf: lambda check, today, like: _not_one_of(check.values),
    MinDate: lambda check, today, like: _past_date(check.bound.resolve(today), -1),
    MaxDate: lambda check, today, like: _past_date(check.bound.resolve(today), 1),
    Format: lambda check, today, like: _BAD_FORMATS[check.name],
    DistinctDomains: lambda check, today, like: _too_many_domains(check),
    FilterExpression: lambda check, today, like: st.one_of(list(filter_mistakes(check).values())),
}
"""How each kind of check is broken just past its bound; one entry per ``Check`` class."""


def invalid_values(check: Check, *, today: Today = None, like: Strategy | None = None) -> Strategy:
    """Values that break ``check``: the nearest one past its bound, or further.

    ``like`` draws valid values of the parameter; the item-count checks lengthen or shorten
    them, so that nothing but the count is wrong. For a string check the values are strings,
    for a date check dates or their text, and so on: ``check`` is the only thing they break,
    when the parameter has no other checks on the same value.
    """
    if type(check) not in _JUST_PAST:
        raise NotImplementedError(f"no strategy for {type(check).__name__}: add it to _JUST_PAST")
    dated = isinstance(check, (MinDate, MaxDate))
    return _broken(check, _day(today) if dated else None, _LIKE if like is None else like)


@functools.lru_cache(maxsize=4096)
def _broken(check: Check, today: dt.date | None, like: Strategy) -> Strategy:
    return _JUST_PAST[type(check)](check, today, like)


@st.composite
def _with_bad_item(draw: st.DrawFn, param: Param, check: Check, today: dt.date) -> list[Any]:
    value = list(draw(values(param, today=today).filter(len)))
    like = _of_type(param.item_type or "string", param.item_checks, today, _SCALARS)
    value[draw(st.integers(0, len(value) - 1))] = draw(
        invalid_values(check, today=today, like=like)
    )
    return value


def invalid_arguments(param: Param, check: Check, *, today: Today = None) -> Strategy:
    """Values of ``param`` that break ``check``, one of its checks or of its item checks.

    For an item check, a valid array with one item replaced by one that breaks the check.
    """
    day = _day(today)
    if check in param.checks:
        return invalid_values(check, today=day, like=values(param, today=day))
    return _with_bad_item(param, check, day)


@st.composite
def rule_violations(
    draw: st.DrawFn, endpoint: EndpointSpec, rule: Rule, *, today: Today = None
) -> tuple[Any, Any]:
    """``(left, right)``: values that each meet their own parameter's checks, but break ``rule``."""
    day = _day(today)
    params = {param.name: param for param in endpoint.params}
    left = draw(values(params[rule.left], today=day))
    right = draw(values(params[rule.right], today=day))
    if rule.op == "!=":
        right = left
    for pair in ((left, right), (right, left)):
        arguments = dict(zip((rule.left, rule.right), pair))
        valid = all(_checked(params[name], value, day)[0] for name, value in arguments.items())
        if valid and not _holds(rule, params, arguments, day):
            return pair
    reject()


# -- responses: JSON of the shape the model classes parse -------------------------------------

_JSON: Strategy = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
"""Any JSON value: what an unknown key, or a field the docs give no shape, may hold."""

_PARSED: dict[Any, Strategy] = {
    str: st.text(),
    int: st.integers(),
    # A number field holds integers too, which parse as integers: ``cost: 0`` is not 0.0.
    float: st.integers() | st.floats(allow_nan=False, allow_infinity=False),
    bool: st.booleans(),
    Any: _JSON,
}


@st.composite
def _objects(draw: st.DrawFn, fields: Mapping[str, Strategy]) -> dict[str, Any]:
    """A JSON object of ``fields``: some absent or null, sometimes reordered, sometimes with extras."""
    pairs: list[tuple[str, Any]] = []
    for key, value in fields.items():
        roll = draw(st.integers(0, 9))
        if roll:
            pairs.append((key, None if roll == 1 else draw(value)))
    if draw(st.integers(0, 3)) == 0:
        unknown = st.text(min_size=1, max_size=12).filter(lambda key: key not in fields)
        pairs.extend(draw(st.dictionaries(unknown, _JSON, min_size=1, max_size=3)).items())
    if _sometimes(draw):
        pairs = list(draw(st.permutations(pairs)))
    return dict(pairs)


def _json_of(hint: Any, bindings: Mapping[str, type[Model]]) -> Strategy:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        # A field's null is drawn with the object that holds it.
        return _json_of(next(arg for arg in args if arg is not type(None)), bindings)
    if origin is list:
        return st.lists(_json_of(args[0], bindings), max_size=3)
    if origin is dict:
        return st.dictionaries(st.text(), _JSON, max_size=3)
    if isinstance(hint, TypeVar):
        bound = bindings.get(hint.__name__)
        return _JSON if bound is None else _object(bound, bindings)
    if isinstance(hint, type) and issubclass(hint, Model):
        return _object(hint, bindings)
    if isinstance(origin, type) and issubclass(origin, Model):
        return _object(origin, bindings)
    return _PARSED[hint]


# Built once per model (and binding of its type variable); models do not nest recursively.
_OBJECTS: dict[tuple[type[Model], tuple[tuple[str, type[Model]], ...]], Strategy] = {}


def _object(
    model: type[Model], bindings: Mapping[str, type[Model]]
) -> st.SearchStrategy[dict[str, Any]]:
    key = (model, tuple(sorted(bindings.items())))
    built = _OBJECTS.get(key)
    if built is None:
        hints = typing.get_type_hints(model)
        fields = {
            field.metadata.get(JSON_KEY, field.name): _json_of(hints[field.name], bindings)
            for field in dataclasses.fields(model)
            if field.init
        }
        built = _OBJECTS[key] = _objects(fields)
    return built


def payloads(model: type[Model]) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects that ``model.from_dict`` parses, and whose ``to_dict`` gives them back."""
    return _object(model, {})


def responses(result: type[Model]) -> st.SearchStrategy[dict[str, Any]]:
    """Whole response bodies whose task results are ``result`` objects: ``Response.parse(body, result)``."""
    return _object(Response, {"ResultT": result})
