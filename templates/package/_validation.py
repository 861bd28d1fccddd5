"""Check a request's arguments against its documented constraints before any network I/O.

Constraints are data: each generated endpoint module holds one ``EndpointSpec`` built from the
small classes below, and ``EndpointSpec.build_request`` both validates the arguments and turns
them into the request: the path, with each path parameter percent-encoded into its ``{name}``
placeholder, and the JSON body of the others.

The one hard idea is that validation runs in stages, and each stage only sees what the stage
before it accepted: a value that was not given is skipped (or reported as missing); a value of
the wrong type gets one "type" issue and nothing else; a value of the right type meets every one
of its own checks; and a cross-field rule such as ``date_from <= date_to`` runs only when both of
its sides passed all of theirs. So one call reports every real problem at once, and none that is
merely an echo of another (a list where a string belongs is not also "too long"; a malformed
``date_from`` does not also break ``date_from <= date_to``). It is also why no check needs to
defend itself against a value of the wrong type.

Relative date bounds ("today - 1 year") are resolved against a ``today`` the caller passes in,
rather than read from the clock inside each check, so one request is judged against one day.
"""

import calendar
import datetime as dt
import functools
import math
import operator
import re
import reprlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from urllib.parse import quote, unquote, urlsplit

from ._errors import RequestValidationError, ValidationIssue

__all__ = [
    "Check",
    "Clock",
    "DateBound",
    "DistinctDomains",
    "EndpointSpec",
    "FilterExpression",
    "Format",
    "MaxDate",
    "MaxItems",
    "MaxLength",
    "Maximum",
    "MinDate",
    "MinItems",
    "MinLength",
    "Minimum",
    "OneOf",
    "Param",
    "ParamType",
    "Rule",
    "utc_today",
]

Clock = Callable[[], dt.date]
ParamType = Literal["string", "integer", "number", "boolean", "date", "object", "array"]


def utc_today() -> dt.date:
    """Today's date in UTC, the time zone DataForSEO states its date limits in."""
    # gmtime, because the datetime.UTC spelling that linters ask for is missing before 3.11.
    return dt.date(*time.gmtime()[:3])


# Messages quote the offending value; a bounded quote keeps a 10,000-character tag out of the log.
_quote = reprlib.Repr()
_quote.maxstring = 80
_quote.maxother = 80
_show = _quote.repr


def _plain(value: Any) -> str:
    """A value as a message shows it: dates as written on the wire, anything else quoted."""
    return value.isoformat() if isinstance(value, dt.date) else _show(value)


def _choices(options: Sequence[object]) -> str:
    """``'a', 'b' or 'c'``."""
    quoted = [_show(option) for option in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _count(amount: float, noun: str) -> str:
    """``1 item``, ``2 items``; a bare number when there is no noun."""
    if not noun:
        return str(amount)
    return f"{amount} {noun}" if amount == 1 else f"{amount} {noun}s"


def _is_list(value: Any) -> bool:
    # Callers may build arrays as tuples; both go on the wire as JSON arrays.
    return isinstance(value, (list, tuple))


# -- dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateBound:
    """A fixed date, or one relative to today in UTC, kept with the text the docs use for it."""

    text: str
    absolute: dt.date | None = None
    years: int = 0
    months: int = 0
    days: int = 0

    def resolve(self, today: dt.date) -> dt.date:
        """The bound on ``today``.

        Years and months move the calendar month and clamp the day to that month's end
        (2024-02-29 - 1 year = 2023-02-28, 2021-03-31 - 1 month = 2021-02-28); days come last,
        because a day count is exact while "a month" is not.
        """
        if self.absolute is not None:
            return self.absolute
        year, month = divmod(today.year * 12 + today.month - 1 + self.years * 12 + self.months, 12)
        last = calendar.monthrange(year, month + 1)[1]
        shifted = dt.date(year, month + 1, min(today.day, last))
        return shifted + dt.timedelta(days=self.days)


# -- constraint kinds -------------------------------------------------------------------------


class Check:
    """Base of the constraint kinds. ``check`` only ever sees a value of its parameter's type."""

    rule: ClassVar[str]

    def check(self, value: Any, today: dt.date) -> str | None:
        """None when ``value`` is fine, else what is wrong, without the parameter's name."""
        raise NotImplementedError


# The bound kinds below are dataclasses through this class alone: they add no field, and each
# @dataclass of their own would compile another set of methods at import, a fraction of a
# millisecond that every program pays before its first call.
@dataclass(frozen=True)
class _Limit(Check):
    """The six bound kinds: compare a size (or the number itself) with a floor or a ceiling."""

    value: int | float
    _floor: ClassVar[bool]
    _noun: ClassVar[str] = ""  # what len() counts; empty compares the number itself
    _verb: ClassVar[str] = "be"

    def check(self, value: Any, today: dt.date) -> str | None:
        size = len(value) if self._noun else value
        if (size >= self.value) if self._floor else (size <= self.value):
            return None
        side = "at least" if self._floor else "at most"
        return f"must {self._verb} {side} {_count(self.value, self._noun)}, got {size}"


class MinLength(_Limit):
    rule: ClassVar[str] = "min_length"
    _floor: ClassVar[bool] = True
    # len() of a str counts code points, which is what the docs' "character limit" means; the
    # UTF-8 byte count would reject a 255-character tag written in Cyrillic.
    _noun: ClassVar[str] = "character"


class MaxLength(_Limit):
    rule: ClassVar[str] = "max_length"
    _floor: ClassVar[bool] = False
    _noun: ClassVar[str] = "character"


class MinItems(_Limit):
    rule: ClassVar[str] = "min_items"
    _floor: ClassVar[bool] = True
    _noun: ClassVar[str] = "item"
    _verb: ClassVar[str] = "have"


class MaxItems(_Limit):
    rule: ClassVar[str] = "max_items"
    _floor: ClassVar[bool] = False
    _noun: ClassVar[str] = "item"
    _verb: ClassVar[str] = "have"


class Minimum(_Limit):
    rule: ClassVar[str] = "minimum"
    _floor: ClassVar[bool] = True


class Maximum(_Limit):
    rule: ClassVar[str] = "maximum"
    _floor: ClassVar[bool] = False


@dataclass(frozen=True)
class OneOf(Check):
    rule: ClassVar[str] = "enum"
    values: tuple[str | int | float | bool, ...]

    def check(self, value: Any, today: dt.date) -> str | None:
        if value in self.values:
            return None
        return f"must be {_choices(self.values)}, got {_show(value)}"


# Likewise the source of MinDate's and MaxDate's fields and methods.
@dataclass(frozen=True)
class _DateLimit(Check):
    """Both date kinds: the value must fall on the right side of a bound resolved for today."""

    bound: DateBound
    _floor: ClassVar[bool]

    def check(self, value: Any, today: dt.date) -> str | None:
        limit = self.bound.resolve(today)
        if (value >= limit) if self._floor else (value <= limit):
            return None
        side = "on or after" if self._floor else "on or before"
        # A relative bound names the day it resolved to and the rule it came from, so a message
        # read tomorrow still explains itself.
        source = f" ({self.bound.text})" if self.bound.absolute is None else ""
        return f"must be {side} {limit.isoformat()}{source}, got {value.isoformat()}"


class MinDate(_DateLimit):
    rule: ClassVar[str] = "min_date"
    _floor: ClassVar[bool] = True


class MaxDate(_DateLimit):
    rule: ClassVar[str] = "max_date"
    _floor: ClassVar[bool] = False


# -- string formats ---------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def _host_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char == "-"
    # Internationalised names are written in Unicode here; many scripts need combining marks
    # (category M) as well as letters, so a letters-only rule would reject real domains.
    import unicodedata  # only a non-ASCII name needs it

    return unicodedata.category(char)[0] in "LMN"


def _host_problem(host: str) -> str | None:
    """Why ``host`` is not a domain name (``www.`` allowed), or None."""
    if any(char.isspace() for char in host):
        return "it contains whitespace"
    if "/" in host:
        return "it has a path"
    if ":" in host:
        return "it has a port"
    if len(host) > 253:
        return "it is longer than 253 characters"
    labels = host.split(".")
    if len(labels) < 2:
        return "it needs at least two labels, as in example.com"
    for label in labels:
        if not label:
            return "it has an empty label"
        if len(label) > 63:
            return f"label {_show(label)} is longer than 63 characters"
        if label.startswith("-") or label.endswith("-"):
            return f"label {_show(label)} starts or ends with a hyphen"
        if not all(_host_char(char) for char in label):
            return f"label {_show(label)} has characters other than letters, digits and hyphens"
    return None


def _url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a host, or None."""
    if not url.lower().startswith(("http://", "https://")):
        return "it must start with http:// or https://"
    if any(char.isspace() for char in url):
        return "it contains whitespace"
    # The host itself is left to the server: real URLs carry hosts (underscores, IP literals)
    # that the domain rules above would refuse, and a false refusal cannot be worked around.
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a port that is not a number
    except ValueError as error:
        return str(error)
    return None if host else "it has no host"


def _has_www(domain: str) -> bool:
    # "www.com" is itself a domain; only a www. in front of a full domain is the prefix to drop.
    return domain.lower().startswith("www.") and domain.count(".") >= 2


def _domain(text: str) -> str | None:
    if "://" in text or _has_www(text):
        return f"must be a domain without scheme (https://) and without www., got {_show(text)}"
    problem = _host_problem(text)
    if problem is None:
        return None
    return f"must be a domain such as example.com ({problem}), got {_show(text)}"


def _target(text: str) -> str | None:
    # The docs ask for targets "without https:// and www." yet their own example sends
    # "www.trustpilot.com", and the API takes it, so www. is allowed here.
    problem = _url_problem(text) if "://" in text else _host_problem(text)
    if problem is None:
        return None
    return f"must be a domain or an absolute http(s) URL ({problem}), got {_show(text)}"


def _absolute_url(text: str) -> str | None:
    problem = _url_problem(text)
    if problem is None:
        return None
    return f"must be an absolute http(s) URL ({problem}), got {_show(text)}"


def _relative_url(text: str) -> str | None:
    # "//host/path" is relative only to the scheme: it names another host, not a page here.
    if text.startswith("/") and not text.startswith("//") and not any(c.isspace() for c in text):
        return None
    return f"must be a URL path starting with a single / and without whitespace, got {_show(text)}"


def _uuid(text: str) -> str | None:
    # Any version and variant: the docs' own task id (…-0216-1000-…) is not an RFC 4122 UUID.
    if _UUID.fullmatch(text):
        return None
    return f"must be a task id of 8-4-4-4-12 hexadecimal digits, got {_show(text)}"


_FORMATS: dict[str, Callable[[str], str | None]] = {
    "domain": _domain,
    "target": _target,
    "absolute_url": _absolute_url,
    "relative_url": _relative_url,
    "uuid": _uuid,
}


@dataclass(frozen=True)
class Format(Check):
    rule: ClassVar[str] = "format"
    name: str

    def __post_init__(self) -> None:
        # Fail when the generated module is imported, not when a request first uses the format.
        if self.name not in _FORMATS:
            raise ValueError(f"unknown format {self.name!r}, expected {_choices(list(_FORMATS))}")

    def check(self, value: Any, today: dt.date) -> str | None:
        return _FORMATS[self.name](value)


def _domain_of(target: str) -> str:
    host: str | None = None
    if "://" in target:
        try:
            host = urlsplit(target).hostname
        except ValueError:
            pass  # a broken URL is the format check's to report; count it as written
    return (host or target).lower().removeprefix("www.")


@dataclass(frozen=True)
class DistinctDomains(Check):
    rule: ClassVar[str] = "distinct_domains"
    max: int

    def check(self, value: Any, today: dt.date) -> str | None:
        # Items of the wrong type are reported against the item; they do not count here.
        domains = {_domain_of(item) for item in value if isinstance(item, str)}
        if len(domains) <= self.max:
            return None
        return f"must name at most {_count(self.max, 'distinct domain')}, got {len(domains)}"


@dataclass(frozen=True)
class FilterExpression(Check):
    """DataForSEO's filter grammar: a condition ``[field, operator, value]``, or a group
    ``[expr, connective, expr, ...]`` whose exprs are conditions or groups in turn.

    Problems are located by index path inside the value (``at [2][0]: ...``), since the message
    leaves the parameter's name to the issue.
    """

    rule: ClassVar[str] = "filter"
    max_conditions: int
    operators: tuple[str, ...]
    connectives: tuple[str, ...]

    _LIST_OPERATORS: ClassVar[frozenset[str]] = frozenset({"in", "not_in"})
    _SCALAR: ClassVar[str] = "expected a string, number, boolean or null"

    def check(self, value: Any, today: dt.date) -> str | None:
        problems: list[tuple[str, str]] = []  # (where, what), where as an index path
        conditions = self._expression(value, "", problems)
        if conditions > self.max_conditions:
            limit = _count(self.max_conditions, "condition")
            problems.append(("", f"must have at most {limit}, got {conditions}"))
        return "; ".join(f"at {at}: {what}" if at else what for at, what in problems) or None

    def _expression(self, node: Any, at: str, problems: list[tuple[str, str]]) -> int:
        """The number of conditions in ``node``; what is wrong with it goes to ``problems``."""
        if not _is_list(node) or not node:
            problems.append((at, f"expected a condition or a group, got {_show(node)}"))
            return 0
        # The first element tells the two apart: a condition opens with its field name.
        if isinstance(node[0], str):
            self._condition(node, at, problems)
            return 1
        if not _is_list(node[0]):
            problems.append((f"{at}[0]", f"expected a field or a condition, got {_show(node[0])}"))
            return 0
        if len(node) % 2 == 0:
            what = f"expected expressions joined by connectives, got {len(node)} elements"
            problems.append((at, what))
        conditions = 0
        for index, part in enumerate(node):
            if index % 2 == 0:
                conditions += self._expression(part, f"{at}[{index}]", problems)
            elif part not in self.connectives:
                what = f"expected {_choices(self.connectives)}, got {_show(part)}"
                problems.append((f"{at}[{index}]", what))
        return conditions

    def _condition(self, node: Sequence[Any], at: str, problems: list[tuple[str, str]]) -> None:
        if len(node) != 3:
            what = f"expected a condition [field, operator, value], got {len(node)} elements"
            problems.append((at, what))
            return
        field, op, value = node
        if not field:
            problems.append((f"{at}[0]", "expected a field name, got ''"))
        if op not in self.operators:
            what = f"expected {_choices(self.operators)}, got {_show(op)}"
            problems.append((f"{at}[1]", what))
        elif op not in self._LIST_OPERATORS:
            if not _is_scalar(value):
                problems.append((f"{at}[2]", f"{self._SCALAR}, got {_show(value)}"))
        elif not _is_list(value):
            problems.append((f"{at}[2]", f"expected a list for {op!r}, got {_show(value)}"))
        else:
            for index, item in enumerate(value):
                if not _is_scalar(item):
                    problems.append((f"{at}[2][{index}]", f"{self._SCALAR}, got {_show(item)}"))


def _is_scalar(value: Any) -> bool:
    """A value JSON can carry as a condition's operand (bool is an int)."""
    return value is None or _is_text(value) or (isinstance(value, int) or _is_number(value))


# -- parameters, rules, endpoints -------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # JSON has no NaN or infinity. An int is always finite, and math.isfinite cannot even
    # convert one above 1e308 to a float.
    return isinstance(value, int) or math.isfinite(value)


def _is_text(value: Any) -> bool:
    # A lone surrogate (what os.fsdecode makes of undecodable bytes) cannot be encoded as JSON
    # text; refuse it here rather than let the encoder fail after validation.
    return isinstance(value, str) and not any("\ud800" <= ch <= "\udfff" for ch in value)


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": _is_text,
    # bool is an int subclass, but True is never a meaningful limit or offset.
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    # A datetime is a date subclass; accepting one would silently drop its time and zone.
    "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
    "object": lambda v: isinstance(v, Mapping) and all(isinstance(key, str) for key in v),
    "array": _is_list,
}

_TYPE_NAMES: dict[str, str] = {
    "string": "a string of valid Unicode text",
    "integer": "an integer",
    "number": "a finite number",
    "boolean": "a boolean",
    "date": "a date (datetime.date or 'yyyy-mm-dd')",
    "object": "a mapping with string keys",
    "array": "a list",
}


class _Invalid(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _as_checked(value: Any, kind: ParamType) -> Any:
    """``value`` as its checks see it (a date string as a date); _Invalid if it cannot be one."""
    if kind == "date" and isinstance(value, str):
        # Strict form first: date.fromisoformat also takes "20240101" from Python 3.11 on.
        if _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise _Invalid("format", f"must be a real date in yyyy-mm-dd form, got {_show(value)}")
    if not _TYPE_TESTS[kind](value):
        raise _Invalid(
            "type", f"must be {_TYPE_NAMES[kind]}, got {type(value).__name__} {_show(value)}"
        )
    return value


# What _validate returns for a value of the wrong type: nothing about it can be checked further.
_INVALID = object()


def _validate(
    name: str,
    value: Any,
    kind: ParamType,
    checks: tuple[Check, ...],
    today: dt.date,
    issues: list[ValidationIssue],
) -> Any:
    """Check one value, adding its issues to ``issues``; return it as checked, or _INVALID."""
    try:
        checked = _as_checked(value, kind)
    except _Invalid as wrong:
        issues.append(
            ValidationIssue(param=name, rule=wrong.rule, value=value, message=wrong.message)
        )
        return _INVALID
    for check in checks:
        message = check.check(checked, today)
        if message is not None:
            issues.append(
                ValidationIssue(param=name, rule=check.rule, value=value, message=message)
            )
    return checked


def _to_json(value: Any) -> Any:
    """``value`` ready for json.dumps: dates as yyyy-mm-dd, tuples as lists, any mapping as a
    dict, at any depth."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_list(value):
        return [_to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _to_json(item) for key, item in value.items()}
    return value


# Segments a server or proxy resolves as "this directory" or "its parent", or drops: as a path
# parameter they would send the request to another route, however they are encoded.
_MOVING_SEGMENTS = frozenset({"", ".", ".."})
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _segment(value: Any) -> str:
    """A path parameter as one path segment: every character but the unreserved ones
    percent-encoded, so a ``/``, ``?`` or ``#`` in the value stays inside its segment."""
    return quote(str(value), safe="")


@functools.cache
def _route(path: str) -> re.Pattern[str]:
    """A regex matching the filled form of ``path``, one named group per placeholder."""
    parts = _PLACEHOLDER.split(path)
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
        )
    )


@dataclass(frozen=True)
class Param:
    """One request parameter; ``name`` is its JSON key.

    ``item_type`` and ``item_checks`` apply to each element of an array; with no ``item_type``
    the elements are left to the array's own checks (a filter expression checks its structure).
    ``location`` is ``"path"`` for a value that fills the endpoint path's ``{name}`` placeholder.
    """

    name: str
    type: ParamType
    required: bool = False
    checks: tuple[Check, ...] = ()
    item_type: ParamType | None = None
    item_checks: tuple[Check, ...] = ()
    # A client-side default, sent when the argument is omitted; server-side ones are never sent.
    default: Any = None
    location: Literal["body", "path"] = "body"

    def validate(self, value: Any, today: dt.date) -> tuple[Any, list[ValidationIssue]]:
        """``value`` as checked (a date string as a date), and every issue with it or its items."""
        issues: list[ValidationIssue] = []
        checked = _validate(self.name, value, self.type, self.checks, today, issues)
        if self.location == "path" and checked is not _INVALID and str(checked) in _MOVING_SEGMENTS:
            message = (
                f"must not be empty, '.' or '..' (it fills a path segment), got {_show(value)}"
            )
            issues.append(
                ValidationIssue(param=self.name, rule="path", value=value, message=message)
            )
        if checked is not _INVALID and self.item_type is not None:
            for index, item in enumerate(checked):
                name = f"{self.name}[{index}]"
                _validate(name, item, self.item_type, self.item_checks, today, issues)
        return checked, issues


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Rule:
    """A comparison between two parameters, such as ``date_from <= date_to``."""

    left: str
    op: Literal["<", "<=", ">", ">=", "!="]
    right: str
    description: str

    @property
    def name(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    def check(self, left: Any, right: Any) -> str | None:
        """None when the checked values of both sides satisfy the rule, else what is wrong."""
        if _COMPARISONS[self.op](left, right):
            return None
        return (
            f"must be {self.op} {self.right} ({_plain(right)}), got {_plain(left)}: "
            f"{self.description}"
        )


@dataclass(frozen=True)
class EndpointSpec:
    """What one endpoint accepts, and how its arguments go on the wire."""

    name: str
    method: Literal["GET", "POST"]
    path: str
    body: Literal["none", "object", "array"]
    params: tuple[Param, ...] = ()
    rules: tuple[Rule, ...] = ()

    def build_body(self, arguments: Mapping[str, object], today: dt.date) -> object:
        """Validate ``arguments`` and return the body alone (see ``build_request``)."""
        return self.build_request(arguments, today)[1]

    def build_request(self, arguments: Mapping[str, object], today: dt.date) -> tuple[str, object]:
        """Validate ``arguments`` (JSON name → value, None for "not given"); return path and body.

        Raises RequestValidationError with every issue found. The path has each ``{name}``
        filled with its parameter, percent-encoded. The body is None, a dict of the given body
        parameters in spec order, or that dict alone in a list (DataForSEO's task array).
        """
        known = {param.name for param in self.params}
        issues = [
            ValidationIssue(param=name, rule="unknown", value=value, message=self._unknown(name))
            for name, value in arguments.items()
            if name not in known
        ]
        checked: dict[str, Any] = {}  # values that passed all their own checks, for the rules
        fields: dict[str, object] = {}
        segments: dict[str, str] = {}
        for param in self.params:
            value = arguments.get(param.name)
            if value is None:
                value = param.default
            if value is None:
                if param.required:
                    issues.append(
                        ValidationIssue(
                            param=param.name, rule="required", value=None, message="is required"
                        )
                    )
                continue
            if param.location == "path":
                segments[param.name] = _segment(value)
            else:
                fields[param.name] = _to_json(value)
            accepted, found = param.validate(value, today)
            issues.extend(found)
            if not found:
                checked[param.name] = accepted
        for rule in self.rules:
            if rule.left in checked and rule.right in checked:
                message = rule.check(checked[rule.left], checked[rule.right])
                if message is not None:
                    value = arguments[rule.left]
                    issues.append(
                        ValidationIssue(
                            param=rule.left, rule=rule.name, value=value, message=message
                        )
                    )
        if issues:
            raise RequestValidationError(issues)
        path = (
            _PLACEHOLDER.sub(lambda match: segments[match[1]], self.path) if segments else self.path
        )
        if self.body == "none":
            return path, None
        return path, fields if self.body == "object" else [fields]

    def path_arguments(self, path: str) -> dict[str, object] | None:
        """The path parameters a request ``path`` carries (decoded), or None when it is not this
        endpoint's route. An integer parameter's digits are read as the integer, as sent."""
        match = _route(self.path).fullmatch(path)
        if match is None:
            return None
        found: dict[str, object] = {}
        for param in self.params:
            if param.location != "path":
                continue
            text = unquote(match[param.name])
            whole = param.type == "integer" and text.lstrip("-").isdigit() and text.isascii()
            found[param.name] = int(text) if whole else text
        return found

    def _unknown(self, name: str) -> str:
        import difflib  # only a misspelt argument needs it, and it is slow to import

        known = [param.name for param in self.params]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"is not a parameter of {self.name}{hint}"
