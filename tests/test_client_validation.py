"""Every documented rule, refused by the client before anything is sent — driven by the IR.

The cases are built from the IR of spec/ (the same one the ``api`` fixture holds), not written
out by hand: for each constraint of each parameter a builder per constraint *kind* makes a value
that breaks it and nothing else, so a constraint added to a spec is covered without touching this
file, and a new kind without a builder fails ``test_every_constraint_kind_has_a_builder``. Each
case calls the endpoint through ``Client`` and ``AsyncClient`` with otherwise valid arguments and
expects a ``RequestValidationError`` naming exactly that parameter, rule and value, with the
loopback server never hearing from it.

The other direction: every example the specs (and the docs' filter prose) give is accepted and
sent as given.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aisa_dataforseo import APIError, Client, RequestValidationError
from aisa_dataforseo._validation import utc_today
from loopback import LoopbackServer, call

from generator import ir
from generator.pipeline import build_ir

ROOT = Path(__file__).resolve().parent.parent
# Built at collection time to parametrize; test_cases_follow_the_session_ir checks it is the IR
# the ``api`` fixture serves.
API = build_ir(ROOT / "spec")
SCHEMA = json.loads((ROOT / "generator" / "schema" / "spec.schema.json").read_text("utf-8"))
# Frozen "today": a leap day, so "today - 1 year" resolves with clamping (2023-02-28).
TODAY = dt.date(2024, 2, 29)
DAY = dt.timedelta(days=1)
OK = {"version": "0.1.20240801", "status_code": 20000, "status_message": "Ok.", "tasks": []}

# -- valid values ------------------------------------------------------------------------------

GOOD_FORMAT = {
    "domain": "example.com",
    "target": "https://www.example.com/page/",
    "absolute_url": "https://example.com/page",
    "relative_url": "/blog/",
    "uuid": "07131248-1535-0216-1000-17384017ad04",
}
BAD_FORMAT = {
    "domain": "https://example.com",  # a scheme
    "target": "ftp://example.com/file",  # neither a domain nor an http(s) URL
    "absolute_url": "example.com/page",  # no scheme
    "relative_url": "https://example.com/blog/",  # absolute
    "uuid": "07131248-1535-0216-1000",  # cut short
}
WRONG_TYPE: dict[str, object] = {
    "string": 12345,
    "integer": "10",
    "number": "0.5",
    "boolean": "true",
    "date": 20240101,
    "array": "example.com",
}


def find(constraints: tuple[ir.Constraint, ...], kind: type[ir.Constraint]) -> list[Any]:
    return [c for c in constraints if isinstance(c, kind)]


def date_range(param: ir.Param, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    lows = [c.bound.resolve(today) for c in find(param.constraints, ir.MinDate)]
    highs = [c.bound.resolve(today) for c in find(param.constraints, ir.MaxDate)]
    return max(lows, default=None), min(highs, default=None)


def number_range(param: ir.Param) -> tuple[float | None, float | None]:
    lows = [c.value for c in find(param.constraints, ir.Minimum)]
    highs = [c.value for c in find(param.constraints, ir.Maximum)]
    return max(lows, default=None), min(highs, default=None)


def good_filter(constraint: ir.FilterExpression) -> list[object]:
    op = next(o for o in constraint.operators if o not in ("in", "not_in"))
    return ["direction", op, "external"]


def valid_scalar(kind: str, constraints: tuple[ir.Constraint, ...]) -> object:
    """A value of ``kind`` that meets ``constraints`` (the scalar kinds)."""
    for enum in find(constraints, ir.OneOf):
        return enum.values[0]
    for fmt in find(constraints, ir.Format):
        return GOOD_FORMAT[fmt.name]
    if kind == "string":
        shortest = max((c.value for c in find(constraints, ir.MinLength)), default=1)
        return "x" * shortest
    if kind == "boolean":
        return True
    raise AssertionError(f"no valid {kind} value for {constraints}")


def valid_value(param: ir.Param, today: dt.date) -> object:
    """A value of ``param`` that meets every one of its constraints."""
    if param.type == "date":
        low, high = date_range(param, today)
        return low or min(today, high or today)
    if param.type in ("integer", "number"):
        low, high = number_range(param)
        return low if low is not None else (high if high is not None else 1)
    if param.type == "array":
        for expression in find(param.constraints, ir.FilterExpression):
            return good_filter(expression)
        least = max((c.value for c in find(param.constraints, ir.MinItems)), default=1)
        return [valid_item(param)] * least
    return valid_scalar(param.type, param.constraints)


def valid_item(param: ir.Param) -> object:
    return valid_scalar(param.item_type or "string", param.item_constraints)


def base_arguments(endpoint: ir.Endpoint, today: dt.date) -> dict[str, object]:
    """The least valid call: every required parameter, nothing else."""
    return {p.attr: valid_value(p, today) for p in endpoint.params if p.required}


# -- values that break one rule ----------------------------------------------------------------


def joined(condition: list[object], count: int, connective: str) -> list[object]:
    """``count`` copies of ``condition`` joined by ``connective``: one flat group."""
    expression: list[object] = [condition]
    for _ in range(count - 1):
        expression += [connective, condition]
    return expression


def outside(values: tuple[Any, ...]) -> object:
    """A value that none of ``values`` is: a number past them, or a string."""
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return max(values) + 1
    candidate = "unknown"
    while candidate in values:
        candidate += "_x"
    return candidate


Builder = Callable[[ir.Param, Any], dict[str, object]]
"""(parameter, constraint) → {label: a value breaking that constraint and nothing else}."""

BUILDERS: dict[str, Builder] = {
    "min_length": lambda p, c: {"one-short": "x" * (c.value - 1)},
    "max_length": lambda p, c: {"one-over": "x" * (c.value + 1)},
    "min_items": lambda p, c: {"one-short": [valid_item(p)] * (c.value - 1)},
    # Copies of one valid item: too many items, yet only one domain.
    "max_items": lambda p, c: {"one-over": [valid_item(p)] * (c.value + 1)},
    "minimum": lambda p, c: {"one-under": c.value - 1},
    "maximum": lambda p, c: {"one-over": c.value + 1},
    "enum": lambda p, c: {"outside": outside(c.values)},
    "min_date": lambda p, c: {
        "date": c.bound.resolve(TODAY) - DAY,
        "string": (c.bound.resolve(TODAY) - DAY).isoformat(),
    },
    "max_date": lambda p, c: {
        "date": c.bound.resolve(TODAY) + DAY,
        "string": (c.bound.resolve(TODAY) + DAY).isoformat(),
    },
    "format": lambda p, c: {c.name: BAD_FORMAT[c.name]},
    "distinct_domains": lambda p, c: {
        "one-over": [f"https://site{i}.example.org/page" for i in range(c.max + 1)]
    },
    "filter": lambda p, c: {
        "one-condition-over": joined(good_filter(c), c.max_conditions + 1, c.connectives[0]),
        "unknown-operator": ["direction", outside(c.operators), "external"],
    },
}


@dataclass(frozen=True)
class Case:
    """One call that breaks one rule, and the issue it must raise."""

    id: str
    endpoint: str  # qualified name, dotted from the client
    arguments: dict[str, object] = field(repr=False)
    param: str  # the issue's param (``targets[1]`` for an item)
    rule: str
    value: object = field(repr=False)
    source: tuple[str, str, str] = ("", "", "")  # the (endpoint, param, kind) it covers
    missing_builder: bool = False


def breaking(
    endpoint: ir.Endpoint,
    label: str,
    param: ir.Param,
    sent: object,
    issue: tuple[str, str, object],
    source: tuple[str, str, str] = ("", "", ""),
) -> Case:
    """Valid arguments but ``param`` = ``sent``, which must raise ``issue`` (param, rule, value)."""
    arguments = {**base_arguments(endpoint, TODAY), param.attr: sent}
    name = f"{endpoint.qualified_name}-{label}"
    return Case(name, endpoint.qualified_name, arguments, *issue, source)


def constraint_cases(endpoint: ir.Endpoint, param: ir.Param) -> Iterator[Case]:
    for on_items, constraints in ((False, param.constraints), (True, param.item_constraints)):
        where = f"{param.name}[item]" if on_items else param.name
        for constraint in constraints:
            source = (endpoint.qualified_name, param.name, constraint.kind)
            builder = BUILDERS.get(constraint.kind)
            if builder is None:  # fails when run, and in test_every_constraint_kind_has_a_builder
                name = f"{endpoint.qualified_name}-{where}-{constraint.kind}-NO-BUILDER"
                yield Case(name, endpoint.qualified_name, {}, "", "", None, source, True)
                continue
            for variant, bad in builder(param, constraint).items():
                label = f"{where}-{constraint.kind}-{variant}"
                if on_items:  # one bad item after a good one
                    sent = [valid_item(param), bad]
                    issue = (f"{param.name}[1]", constraint.kind, bad)
                    yield breaking(endpoint, label, param, sent, issue, source)
                else:
                    issue = (param.name, constraint.kind, bad)
                    yield breaking(endpoint, label, param, bad, issue, source)


def type_cases(endpoint: ir.Endpoint, param: ir.Param) -> Iterator[Case]:
    """Not constraints, but documented all the same: the type, dates' form, required."""
    wrong = WRONG_TYPE[param.type]
    yield breaking(endpoint, f"{param.name}-type", param, wrong, (param.name, "type", wrong))
    if param.item_type is not None:
        item = WRONG_TYPE[param.item_type]
        sent = [valid_item(param), item]
        issue = (f"{param.name}[1]", "type", item)
        yield breaking(endpoint, f"{param.name}[item]-type", param, sent, issue)
    if param.type == "date":
        for bad in ("2024-2-1", "2023-02-30", "20240201"):
            label = f"{param.name}-form-{bad}"
            yield breaking(endpoint, label, param, bad, (param.name, "format", bad))
    if param.required:
        label = f"{param.name}-required"
        yield breaking(endpoint, label, param, None, (param.name, "required", None))


BREAK_RULE: dict[str, Callable[[Any, Any], tuple[Any, Any]]] = {
    # (a low value, a higher one) → (left, right) for which the comparison is false
    "<": lambda low, high: (low, low),
    "<=": lambda low, high: (high, low),
    ">": lambda low, high: (low, low),
    ">=": lambda low, high: (low, high),
    "!=": lambda low, high: (low, low),
}
COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "!=": operator.ne,
}


def rule_cases(endpoint: ir.Endpoint) -> Iterator[Case]:
    params = {p.name: p for p in endpoint.params}
    for rule in endpoint.rules:
        left, right = params[rule.left], params[rule.right]
        assert left.type == right.type == "date", f"rule over {left.type}: add a value builder"
        ranges = [date_range(left, TODAY), date_range(right, TODAY)]
        highest = min((high for _, high in ranges if high), default=TODAY)
        low = max((low for low, _ in ranges if low), default=highest - 30 * DAY)
        high = low + DAY
        assert high <= highest, f"no room between the bounds to break {rule.name}"
        a, b = BREAK_RULE[rule.op](low, high)
        assert not COMPARE[rule.op](a, b)
        arguments = {**base_arguments(endpoint, TODAY), left.attr: a, right.attr: b.isoformat()}
        name = f"{endpoint.qualified_name}-rule-{rule.left}{rule.op}{rule.right}"
        source = (endpoint.qualified_name, rule.left, f"rule {rule.name}")
        yield Case(name, endpoint.qualified_name, arguments, rule.left, rule.name, a, source)


def all_cases(api: ir.Api) -> list[Case]:
    cases: list[Case] = []
    for endpoint in api.endpoints:
        for param in endpoint.params:
            cases += constraint_cases(endpoint, param)
            cases += type_cases(endpoint, param)
        cases += rule_cases(endpoint)
    return cases


CASES = all_cases(API)


def send(
    flavour: str,
    server: LoopbackServer,
    endpoint: str,
    /,
    *,
    today: dt.date = TODAY,
    **arguments: Any,
) -> Any:
    """Call ``endpoint`` (dotted from the client) with the client's clock frozen at ``today``."""
    return call(flavour, server, endpoint, client_options={"today": lambda: today}, **arguments)


def refused(
    flavour: str, server: LoopbackServer, endpoint: str, /, **arguments: Any
) -> tuple[Any, ...]:
    """The issues of a call that must be refused; nothing may reach the server."""
    with pytest.raises(RequestValidationError) as caught:
        send(flavour, server, endpoint, **arguments)
    assert server.requests == []
    assert isinstance(caught.value, APIError) and isinstance(caught.value, ValueError)
    return caught.value.errors


# -- the cases cover the IR --------------------------------------------------------------------


def test_cases_follow_the_session_ir(api: ir.Api) -> None:
    assert [case.id for case in all_cases(api)] == [case.id for case in CASES]


def constraint_classes() -> set[type[ir.Constraint]]:
    found: set[type[ir.Constraint]] = set()
    todo = list(ir.Constraint.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return found


def test_every_constraint_kind_has_a_builder(api: ir.Api) -> None:
    used = {c.kind for e in api.endpoints for p in e.params for c in p.all_constraints}
    defined = {cls.kind for cls in constraint_classes()}
    assert used <= defined
    assert sorted(defined - BUILDERS.keys()) == []
    formats = set(SCHEMA["$defs"]["format"]["enum"])
    assert sorted(formats - BAD_FORMAT.keys()) == sorted(formats - GOOD_FORMAT.keys()) == []
    assert set(BREAK_RULE) == set(typing.get_args(typing.get_type_hints(ir.Rule)["op"]))


def test_every_constraint_and_rule_has_a_case(api: ir.Api) -> None:
    expected = {
        (e.qualified_name, p.name, c.kind)
        for e in api.endpoints
        for p in e.params
        for c in p.all_constraints
    }
    expected |= {
        (e.qualified_name, r.left, f"rule {r.name}") for e in api.endpoints for r in e.rules
    }
    covered = {case.source for case in CASES if not case.missing_builder}
    assert sorted(expected - covered) == []


def test_the_valid_arguments_are_valid(api: ir.Api, server: LoopbackServer) -> None:
    """The baseline every case breaks one rule of is itself accepted (so a case tests one rule)."""
    for endpoint in api.endpoints:
        everything = {p.attr: valid_value(p, TODAY) for p in endpoint.params}
        for arguments in (base_arguments(endpoint, TODAY), everything):
            server.reply_json(OK)
            send("sync", server, endpoint.qualified_name, **arguments)
    assert len(server.requests) == 2 * len(api.endpoints)


# -- each broken rule is refused -------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_broken_rule_is_refused_before_sending(
    flavour: str, server: LoopbackServer, case: Case
) -> None:
    if case.missing_builder:
        pytest.fail(f"no violating-value builder for constraint kind {case.source[2]!r}")
    errors = refused(flavour, server, case.endpoint, **case.arguments)
    assert [(issue.param, issue.rule) for issue in errors] == [(case.param, case.rule)]
    [issue] = errors
    assert issue.value == case.value and type(issue.value) is type(case.value)
    assert issue.message and str(issue) == f"{case.param}: {issue.message}"


@pytest.mark.parametrize(
    "endpoint",
    [e for e in API.endpoints if len(e.params) > 1],
    ids=lambda e: e.qualified_name,
)
def test_several_broken_rules_are_all_reported(
    flavour: str, server: LoopbackServer, endpoint: ir.Endpoint
) -> None:
    attrs = {p.name: p.attr for p in endpoint.params}
    # Every parameter broken at once, each by the first of its own cases.
    chosen: dict[str, Case] = {}
    for case in CASES:
        if case.endpoint == endpoint.qualified_name and not case.source[2].startswith("rule "):
            chosen.setdefault(case.param.split("[")[0], case)
    assert set(chosen) == set(attrs)
    arguments = {attrs[name]: case.arguments[attrs[name]] for name, case in chosen.items()}

    errors = refused(flavour, server, endpoint.qualified_name, **arguments)

    found = sorted((issue.param, issue.rule) for issue in errors)
    assert found == sorted((case.param, case.rule) for case in chosen.values())


def test_a_relative_bound_follows_the_clients_clock(server: LoopbackServer) -> None:
    today = [TODAY]
    oldest = "2023-02-28"  # today - 1 year on 2024-02-29, clamped
    with Client("key", base_url=server.base_url, today=lambda: today[0]) as client:
        server.reply_json(OK)
        client.backlinks.bulk_new_lost_backlinks_live(targets=["forbes.com"], date_from=oldest)
        today[0] = TODAY + DAY  # 2024-03-01: the oldest allowed day is now 2023-03-01
        with pytest.raises(RequestValidationError) as caught:
            client.backlinks.bulk_new_lost_backlinks_live(targets=["forbes.com"], date_from=oldest)
    assert [(i.param, i.rule, i.value) for i in caught.value.errors] == [
        ("date_from", "min_date", oldest)
    ]
    assert "2023-03-01" in caught.value.errors[0].message
    assert len(server.requests) == 1


# -- what the specs and docs show is accepted ------------------------------------------------

EXAMPLES = [
    (endpoint, param, example)
    for endpoint in API.endpoints
    for param in endpoint.params
    for example in param.examples
]


@pytest.mark.parametrize(
    ("endpoint", "param", "example"),
    EXAMPLES,
    ids=[f"{e.qualified_name}-{p.name}-{i}" for i, (e, p, _) in enumerate(EXAMPLES)],
)
def test_spec_examples_are_accepted_and_sent(
    flavour: str, server: LoopbackServer, endpoint: ir.Endpoint, param: ir.Param, example: object
) -> None:
    today = endpoint.examples_today or utc_today()
    arguments = {**base_arguments(endpoint, today), param.attr: example}
    server.reply_json(OK)
    send(flavour, server, endpoint.qualified_name, today=today, **arguments)
    [request] = server.requests
    assert request.json()[param.name] == example


def test_there_are_examples_to_check() -> None:
    assert len(EXAMPLES) >= 5


# The copied docs page lost "<>" wherever it appeared (the HTML ate it; the spec notes it and
# restores it), leaving an empty operator: put it back before judging the page's examples.
LOST_OPERATOR = "<>"


def restore_lost_operator(expression: Any) -> Any:
    if isinstance(expression, list):
        if len(expression) == 3 and isinstance(expression[0], str) and expression[1] == "":
            return [expression[0], LOST_OPERATOR, expression[2]]
        return [restore_lost_operator(part) for part in expression]
    return expression


def docs_examples(endpoint: ir.Endpoint, param: ir.Param) -> list[Any]:
    """The JSON arrays after ``example:`` in the docs page's paragraph on ``param``."""
    assert endpoint.page is not None
    text = (ROOT / "docs" / "api-pages" / endpoint.page).read_text("utf-8")
    opening = " ".join(param.description.split()[:6])
    [paragraph] = [line for line in text.splitlines() if line.startswith(opening)]
    rest = paragraph[paragraph.index("example:") + len("example:") :]
    decoder = json.JSONDecoder()
    found: list[Any] = []
    while (match := re.match(r"\s*\[", rest)) is not None:
        value, end = decoder.raw_decode(rest, match.end() - 1)
        found.append(value)
        rest = rest[end:]
    return found


FILTER_PARAMS = [
    (endpoint, param)
    for endpoint in API.endpoints
    for param in endpoint.params
    if find(param.constraints, ir.FilterExpression)
]


@pytest.mark.parametrize(
    ("endpoint", "param"),
    FILTER_PARAMS,
    ids=[f"{e.qualified_name}-{p.name}" for e, p in FILTER_PARAMS],
)
def test_the_docs_filter_examples_are_accepted_and_sent(
    flavour: str, server: LoopbackServer, endpoint: ir.Endpoint, param: ir.Param
) -> None:
    examples = [restore_lost_operator(e) for e in docs_examples(endpoint, param)]
    assert len(examples) == 3
    assert examples == list(param.examples)  # the spec carries the same ones
    base = base_arguments(endpoint, TODAY)
    for example in examples:
        server.reply_json(OK)
        send(flavour, server, endpoint.qualified_name, **base, **{param.attr: example})
    assert [request.json()[param.name] for request in server.requests] == examples
