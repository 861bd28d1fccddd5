"""The intermediate representation: what every later stage (templates, exports, tests) reads.

Frozen dataclasses only; no YAML, no Python source. Names for Python are decided here, once, so
templates never invent one. Constraints are data: each kind is one small class, and the generated
package mirrors each with one runtime check and one hypothesis strategy.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, Literal

ParamType = Literal["string", "integer", "number", "boolean", "date", "object", "array"]
ParamLocation = Literal["body", "path"]
ScalarType = Literal["string", "integer", "number", "boolean", "date", "object", "array"]
FieldKind = Literal["scalar", "object", "array", "list", "mapping"]


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class DateBound:
    """A date that is either fixed or relative to today in UTC (``today - 1 year``)."""

    text: str
    absolute: dt.date | None = None
    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def is_relative(self) -> bool:
        return self.absolute is None

    def resolve(self, today: dt.date) -> dt.date:
        """The bound on ``today``; month arithmetic clamps to the month's end (29 Feb - 1 year = 28 Feb)."""
        if self.absolute is not None:
            return self.absolute
        return shift(today, years=self.years, months=self.months, days=self.days)


def shift(day: dt.date, *, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    total = day.year * 12 + (day.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last)) + dt.timedelta(days=days)


class Constraint:
    """Base of the constraint kinds; ``kind`` is the name used in specs, messages and tests."""

    kind: ClassVar[str]


@dataclass(frozen=True)
class MinLength(Constraint):
    kind: ClassVar[str] = "min_length"
    value: int


@dataclass(frozen=True)
class MaxLength(Constraint):
    kind: ClassVar[str] = "max_length"
    value: int


@dataclass(frozen=True)
class MinItems(Constraint):
    kind: ClassVar[str] = "min_items"
    value: int


@dataclass(frozen=True)
class MaxItems(Constraint):
    kind: ClassVar[str] = "max_items"
    value: int


@dataclass(frozen=True)
class Minimum(Constraint):
    kind: ClassVar[str] = "minimum"
    value: int | float


@dataclass(frozen=True)
class Maximum(Constraint):
    kind: ClassVar[str] = "maximum"
    value: int | float


@dataclass(frozen=True)
class OneOf(Constraint):
    kind: ClassVar[str] = "enum"
    values: tuple[str | int | float | bool, ...]


@dataclass(frozen=True)
class MinDate(Constraint):
    kind: ClassVar[str] = "min_date"
    bound: DateBound


@dataclass(frozen=True)
class MaxDate(Constraint):
    kind: ClassVar[str] = "max_date"
    bound: DateBound


@dataclass(frozen=True)
class Format(Constraint):
    kind: ClassVar[str] = "format"
    name: str


@dataclass(frozen=True)
class DistinctDomains(Constraint):
    kind: ClassVar[str] = "distinct_domains"
    max: int


@dataclass(frozen=True)
class FilterExpression(Constraint):
    kind: ClassVar[str] = "filter"
    max_conditions: int
    operators: tuple[str, ...]
    connectives: tuple[str, ...]


@dataclass(frozen=True)
class Default:
    """A documented default. A server-side one is documentation only; a client-side one is sent."""

    value: object
    applied_by: Literal["server", "client"]


@dataclass(frozen=True)
class Param:
    name: str
    attr: str
    type: ParamType
    item_type: ParamType | None
    required: bool
    description: str
    default: Default | None
    constraints: tuple[Constraint, ...]
    item_constraints: tuple[Constraint, ...]
    examples: tuple[object, ...]
    recovered: str | None
    source: Source
    location: ParamLocation = "body"  # "path": fills the endpoint path's {name} placeholder

    @property
    def all_constraints(self) -> tuple[Constraint, ...]:
        return self.constraints + self.item_constraints


@dataclass(frozen=True)
class Rule:
    """A cross-field comparison, checked when both parameters are given: ``date_from <= date_to``."""

    left: str
    op: Literal["<", "<=", ">", ">=", "!="]
    right: str
    description: str
    source: Source

    @property
    def name(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Field:
    """One node of a response tree.

    ``kind`` says what the JSON value holds: a scalar, an object of a child model, an array of a
    child model, a list of scalars, or a free mapping (an ``object`` the docs give no children).
    """

    key: str
    attr: str
    path: str
    doc_type: str
    kind: FieldKind
    scalar: ScalarType | None
    model: str | None
    description: str
    children: tuple[Field, ...]
    recovered: str | None
    holds_result: bool
    source: Source

    def walk(self) -> tuple[Field, ...]:
        """This node and every node below it, depth first, in document order."""
        nodes: list[Field] = [self]
        for child in self.children:
            nodes.extend(child.walk())
        return tuple(nodes)

    def models(self) -> tuple[Field, ...]:
        """The nodes that become model classes, innermost first so each is defined before use."""
        return tuple(reversed([node for node in self.walk() if node.model is not None]))


@dataclass(frozen=True)
class Pagination:
    """How to walk every item of a long result, page by page.

    ``items`` is the result field holding one page; ``token_param``/``token_field`` carry the
    continuation token from each response into the next request, and ``offset_param``/
    ``limit_param`` move a window instead. Either pair may be absent, never both.
    """

    items: Field
    total: Field | None
    token_param: Param | None
    token_field: Field | None
    offset_param: Param | None
    limit_param: Param | None


@dataclass(frozen=True)
class Endpoint:
    name: str
    group: str
    title: str
    method: Literal["GET", "POST"]
    path: str
    docs_url: str
    page: str | None
    description: str
    body: Literal["none", "object", "array"]
    params: tuple[Param, ...]
    rules: tuple[Rule, ...]
    result: Field
    examples_today: dt.date | None
    class_prefix: str
    spec_file: str
    pagination: Pagination | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.group}.{self.name}"

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(param for param in self.params if param.location == "path")

    @property
    def body_params(self) -> tuple[Param, ...]:
        return tuple(param for param in self.params if param.location == "body")


@dataclass(frozen=True)
class HttpStatus:
    low: int
    high: int
    kind: str
    error_class: str


@dataclass(frozen=True)
class ApiCode:
    """A range of status codes inside an HTTP 200 body, and the error kind it becomes."""

    low: int
    high: int
    kind: str
    error_class: str


@dataclass(frozen=True)
class Retry:
    max_retries: int
    statuses: tuple[tuple[int, int], ...]
    initial_delay: float
    max_delay: float
    api_codes: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Api:
    package: str
    distribution: str
    version: str
    description: str
    base_url: str
    path_prefix: str
    auth_header: str
    auth_env_var: str
    success_code: int
    task_range: tuple[int, int]
    http_statuses: tuple[HttpStatus, ...]
    retry: Retry
    timeout: float
    envelope: Field
    endpoints: tuple[Endpoint, ...]
    spec_file: str
    api_codes: tuple[ApiCode, ...] = ()
    max_concurrency: int | None = None  # simultaneous requests; None: the API sets no limit

    @property
    def code_errors(self) -> dict[str, str]:
        """Each error class of the API's own status codes, once, with its kind (several ranges may share one)."""
        return {code.error_class: code.kind for code in self.api_codes}

    @property
    def groups(self) -> dict[str, tuple[Endpoint, ...]]:
        """Endpoints by their first path segment, in a stable order (groups and names sorted)."""
        names = sorted({endpoint.group for endpoint in self.endpoints})
        return {
            group: tuple(sorted((e for e in self.endpoints if e.group == group), key=lambda e: e.name))
            for group in names
        }
