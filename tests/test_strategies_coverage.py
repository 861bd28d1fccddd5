"""Every constraint the specs state is checked by a property, and the report says which.

The expected list comes from the IR of spec/, walked here on its own: each constraint of each
parameter, each item constraint, each rule between parameters, per endpoint, and each response
model. The covering properties are the tests pytest actually collects from the property modules
(their ids name endpoint, parameter and constraint). A constraint without its properties fails
the test, and so does a constraint kind the generated strategies cannot draw or break. The table
is printed (``pytest -rP`` shows it) and written to build/constraint-coverage.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from aisa_dataforseo import _validation as runtime
from aisa_dataforseo.testing import _strategies, strategies
from conftest import ROOT, SPEC_DIR
from test_properties_requests import case_id

from generator import ir
from generator.pipeline import build_ir
from generator.render import module_name

API = build_ir(SPEC_DIR)
TABLE = ROOT / "build" / "constraint-coverage.md"
REQUESTS = "tests/test_properties_requests.py"
RESPONSES = "tests/test_properties_responses.py"


@dataclass(frozen=True)
class Constraint:
    """One thing a spec states that a request must meet, as the coverage table lists it."""

    endpoint: str
    param: str  # "targets", "targets[]" for its items, "" for a rule
    kind: str
    id: str
    relative_date: bool = False

    def needs(self) -> list[tuple[str, str]]:
        """(property, id it must be collected with): what must cover this constraint."""
        if self.kind == "rule":
            return [("test_rule", self.id)]
        needed = [
            (f"test_{self.kind}", self.id),
            ("test_every_value_at_and_just_past_the_bound", self.id),
        ]
        if self.relative_date:
            needed.append(("test_relative_date_bound_on_a_frozen_clock", self.id + "@"))
        return needed


def stated(api: ir.Api) -> list[Constraint]:
    """Everything the specs state about requests, endpoint by endpoint."""
    found: list[Constraint] = []
    for endpoint in api.endpoints:
        for param in endpoint.params:
            for item, owned in ((False, param.constraints), (True, param.item_constraints)):
                for c in owned:
                    relative = isinstance(c, (ir.MinDate, ir.MaxDate)) and c.bound.is_relative
                    found.append(
                        Constraint(
                            endpoint.qualified_name,
                            param.name + ("[]" if item else ""),
                            c.kind,
                            case_id(endpoint, param, c, item),
                            relative,
                        )
                    )
        for rule in endpoint.rules:
            found.append(
                Constraint(
                    endpoint.qualified_name, "", "rule", case_id(endpoint, None, rule, False)
                )
            )
    return found


def collected(*modules: str) -> dict[str, set[str]]:
    """Test function → the ids pytest collects for it, from a fresh collection of ``modules``."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *modules,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    tests: dict[str, set[str]] = defaultdict(set)
    for line in result.stdout.splitlines():
        match = re.fullmatch(r"[\w/.]+::(\w+)(?:\[(.*)\])?", line.strip())
        if match:
            tests[match[1]].add(match[2] or "")
    return tests


def covering(constraint: Constraint, tests: dict[str, set[str]]) -> dict[str, bool]:
    """Each property the constraint needs, and whether pytest collects it for this constraint."""
    return {
        name: any(
            i == wanted or (wanted.endswith("@") and i.startswith(wanted))
            for i in tests.get(name, ())
        )
        for name, wanted in constraint.needs()
    }


def endpoint_properties(
    endpoint: str, tests: dict[str, set[str]], names: Iterable[str]
) -> list[str]:
    return [name for name in names if endpoint in tests.get(name, ())]


WHOLE_REQUEST = (
    "test_drawn_requests_pass_validation_and_go_on_the_wire",
    "test_mutated_requests_are_refused_for_exactly_the_mutation",
    "test_several_broken_rules_in_one_call_are_all_reported",
)
WHOLE_RESPONSE = (
    "test_the_envelope_round_trips",
    "test_the_client_returns_exactly_what_the_server_sent",
    "test_a_wrong_type_is_reported_at_its_path",
    "test_parsing_fails_only_with_its_own_error",
)


def table(constraints: list[Constraint], tests: dict[str, set[str]]) -> tuple[str, list[str]]:
    """The coverage table in Markdown, and what is missing from it."""
    missing: list[str] = []
    lines = [
        "# Constraint coverage",
        "",
        "Every constraint the specs state, and the properties that check it (from `pytest --collect-only`).",
        "",
        "| endpoint | parameter | constraint | properties | covered |",
        "|---|---|---|---|---|",
    ]
    for c in constraints:
        found = covering(c, tests)
        absent = [name for name, ok in found.items() if not ok]
        missing.extend(f"{c.id}: no {name}" for name in absent)
        shown = ", ".join(f"`{name}`" for name, ok in found.items() if ok) or "—"
        label = c.id.rsplit(":", 1)[1].replace("|", "\\|")
        lines.append(
            f"| {c.endpoint} | {c.param or '(rule)'} | `{label}` | {shown} | {'no' if absent else 'yes'} |"
        )
    lines += [
        "",
        "| endpoint | whole-request properties | response properties | models round-tripped |",
        "|---|---|---|---|",
    ]
    for endpoint in API.endpoints:
        name = endpoint.qualified_name
        requests = endpoint_properties(name, tests, WHOLE_REQUEST)
        responses = endpoint_properties(name, tests, WHOLE_RESPONSE)
        models = [node.model for node in endpoint.result.models()]
        tripped = [
            m for m in models if f"{name}:{m}" in tests.get("test_every_model_round_trips", ())
        ]
        wanted_requests = WHOLE_REQUEST if endpoint.params else WHOLE_REQUEST[:1]
        missing += [f"{name}: no {p}" for p in wanted_requests if p not in requests]
        missing += [f"{name}: no {p}" for p in WHOLE_RESPONSE if p not in responses]
        missing += [f"{name}: model {m} is not round-tripped" for m in models if m not in tripped]
        lines.append(
            f"| {name} | {len(requests)} | {len(responses)} | {len(tripped)} of {len(models)} |"
        )
    return "\n".join(lines) + "\n", missing


@pytest.fixture(scope="module")
def tests() -> dict[str, set[str]]:
    return collected(REQUESTS, RESPONSES)


def test_every_stated_constraint_has_its_properties(tests: dict[str, set[str]]) -> None:
    constraints = stated(API)
    assert constraints, "the specs state no constraints at all"
    text, missing = table(constraints, tests)
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text(text, encoding="utf-8")
    print(text)
    assert not missing, (
        "constraints without their properties:\n" + "\n".join(missing) + "\n\n" + text
    )


def test_every_check_kind_can_be_drawn_and_broken() -> None:
    """Each Check class the endpoints use has a valid-values builder and a just-past builder."""
    used = {
        type(check)
        for module in (getattr(strategies, module_name(e)) for e in API.endpoints)
        for param in module.ENDPOINT.params
        for check in (*param.checks, *param.item_checks)
    }
    every = {
        cls
        for cls in vars(runtime).values()
        if isinstance(cls, type) and issubclass(cls, runtime.Check)
    }
    every = {cls for cls in every if "rule" in vars(cls)}  # the concrete kinds, not their bases
    assert used <= every
    assert every <= set(_strategies._NARROW), every - set(_strategies._NARROW)
    assert every <= set(_strategies._JUST_PAST), every - set(_strategies._JUST_PAST)
    kinds = {cls.rule for cls in every}
    stated_kinds = {c.kind for c in stated(API)} - {"rule"}
    assert (
        stated_kinds <= kinds
    ), f"the IR has kinds the client has no check for: {stated_kinds - kinds}"


def test_a_constraint_without_a_property_is_reported() -> None:
    """The check itself: a kind no property knows, or a case a property lost, is missing."""
    endpoint = API.endpoints[0]
    param = ir.Param(
        name="p",
        attr="p",
        type="string",
        item_type=None,
        required=False,
        description="",
        default=None,
        constraints=(ir.MaxLength(3),),
        item_constraints=(),
        examples=(),
        recovered=None,
        source=ir.Source("x", 1),
    )
    known = Constraint(
        endpoint.qualified_name,
        "p",
        "max_length",
        case_id(endpoint, param, param.constraints[0], False),
    )
    novel = Constraint(
        endpoint.qualified_name, "p", "pattern", f"{endpoint.qualified_name}:p:pattern=x"
    )
    tests = {"test_max_length": {known.id}, "test_every_value_at_and_just_past_the_bound": set()}
    _, missing = table([known, novel], tests)
    assert f"{known.id}: no test_every_value_at_and_just_past_the_bound" in missing
    assert f"{novel.id}: no test_pattern" in missing
    assert not any(m.startswith(f"{known.id}: no test_max_length") for m in missing)
