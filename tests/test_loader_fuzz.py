"""Whatever text a spec file holds, the loader and build_ir answer with SpecErrors and nothing else.

Every error must name the file it is about and a line (``<file>:<line>: ...``). Inputs: random
YAML-ish text, random YAML documents, near-valid endpoint files, and random mutations of the real
spec files. How many examples, and whether they are random, is the hypothesis profile's business
(tests/conftest.py): "ci" checks the same examples on every run, "fuzz" searches long and fresh.
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SPEC_DIR, TESTS_DIR
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import SpecErrors
from generator.load import load_text
from generator.pipeline import build_ir

ERROR = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+): ")
MINIMAL_SPEC = TESTS_DIR / "spec_minimal" / "spec"
ENDPOINT = "backlinks/demo.yaml"
SPEC_FILES = sorted(path.relative_to(SPEC_DIR).as_posix() for path in SPEC_DIR.rglob("*.yaml"))
Draw = Callable[[st.SearchStrategy[Any]], Any]


# -- the property ------------------------------------------------------------------------------


def assert_well_formed(failure: SpecErrors, files: set[str]) -> None:
    assert failure.errors, "SpecErrors without errors"
    for error in failure.errors:
        match = ERROR.match(str(error))
        assert match, f"not '<file>:<line>: ...': {str(error)!r}"
        assert match["file"] in files
        assert int(match["line"]) >= 0


def check_load(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except SpecErrors as failure:
        assert_well_formed(failure, {"fuzz.yaml"})


@contextmanager
def spec_copy(source: Path, replace: dict[str, str]) -> Iterator[Path]:
    """A temporary copy of the spec directory ``source`` with some files' text replaced."""
    with tempfile.TemporaryDirectory() as temp:
        spec = Path(temp) / "spec"
        shutil.copytree(source, spec)
        for name, text in replace.items():
            (spec / name).parent.mkdir(parents=True, exist_ok=True)
            (spec / name).write_text(text, encoding="utf-8")
        yield spec


def check_build(source: Path, replace: dict[str, str]) -> None:
    with spec_copy(source, replace) as spec:
        files = {f"spec/{path.relative_to(spec).as_posix()}" for path in spec.rglob("*.yaml")}
        try:
            build_ir(spec)
        except SpecErrors as failure:
            assert_well_formed(failure, files)


# -- strategies --------------------------------------------------------------------------------

YAML_PIECES = list("abcxyz019 _-.:,#&*!|>'\"?[]{}%@`\t\n") + [
    "- ",
    ": ",
    "\n  ",
    "---",
    "...",
    "!!str ",
    "&a ",
    "*a",
]
yamlish_text = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.dates().map(str)
    | st.sampled_from(
        ["today", "today - 1 year", "2019-02-30", "string", "integer", "array", "tasks.result.x"]
    )
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10) | st.integers(), children, max_size=5),
    max_leaves=25,
)


# Near-valid endpoint files: the right keys with plausible and wrong values, so most examples get
# past the meta-schema and reach the semantic checks (constraints, rules, the response tree).
SEGMENTS = ["tasks", "result", "items", "info", "from", "from_", "class", "count", "", "x"]
dotted_names = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=5).map(".".join)
param_names = st.sampled_from(
    ["tag", "limit", "date_from", "date_to", "from", "from_", "class", "self", "targets"]
)
attrs = st.sampled_from(["class", "from_", "x", "2x", "to_dict", "self", "ok_name"])
date_texts = st.sampled_from(
    [
        "today",
        "today - 1 year",
        "today + 3 days",
        "today - 13 months",
        "2019-01-01",
        "2019-02-30",
        "yesterday",
    ]
) | st.dates().map(str)
small = st.integers(-3, 1100) | st.floats(-2, 1100)
field_specs = st.fixed_dictionaries(
    {
        "name": dotted_names,
        "type": st.sampled_from(
            ["string", "integer", "object", "string[]", "object[]", "integer[]"]
        ),
        "description": st.just("d"),
    },
    optional={
        "attr": attrs,
        "holds_result": st.booleans(),
        "recovered": st.sampled_from(["example", "openapi"]),
    },
)
param_specs = st.fixed_dictionaries(
    {
        "name": param_names,
        "type": st.sampled_from(["string", "integer", "number", "boolean", "date", "array"]),
        "description": st.just("d"),
    },
    optional={
        "attr": attrs,
        "required": st.booleans(),
        "default": st.fixed_dictionaries(
            {
                "value": scalars | date_texts | st.lists(scalars, max_size=3),
                "applied_by": st.sampled_from(["server", "client"]),
            }
        ),
        "enum": st.lists(scalars, min_size=1, max_size=3, unique=True),
        "min_length": st.integers(0, 300),
        "max_length": st.integers(0, 300),
        "min_items": st.integers(0, 1100),
        "max_items": st.integers(0, 1100),
        "minimum": small,
        "maximum": small,
        "min_date": date_texts,
        "max_date": date_texts,
        "format": st.sampled_from(["domain", "target", "uuid"]),
        "items": st.fixed_dictionaries(
            {"type": st.sampled_from(["string", "integer", "date"])},
            optional={"format": st.just("target"), "max_length": st.integers(0, 9)},
        ),
        "distinct_domains": st.integers(1, 100),
        "filter": st.just(
            {"max_conditions": 8, "operators": ["=", "<>"], "connectives": ["and", "or"]}
        ),
    },
)
rule_specs = st.fixed_dictionaries(
    {
        "left": param_names,
        "op": st.sampled_from(["<", "<=", "!="]),
        "right": param_names,
        "description": st.just("d"),
    }
)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# -- (a) random text and documents -------------------------------------------------------------


@given(yamlish_text | st.text())
def test_load_text_on_random_text(text: str) -> None:
    check_load(text)


@given(documents)
def test_load_text_on_random_documents(data: Any) -> None:
    check_load(dump(data))


@given(st.sampled_from(["api.yaml", ENDPOINT]), yamlish_text | documents.map(dump))
def test_build_ir_on_random_files(name: str, text: str) -> None:
    check_build(MINIMAL_SPEC, {name: text})


@given(
    st.sampled_from(["GET", "POST"]),
    st.sampled_from(["none", "object", "array"]),
    st.lists(param_specs, max_size=4),
    st.lists(rule_specs, max_size=2),
    st.lists(field_specs, max_size=5),
)
def test_build_ir_on_near_valid_endpoints(
    method: str, body: str, params: list, rules: list, fields: list
) -> None:
    """Endpoint files that get past most of the meta-schema and reach the semantic checks."""
    document = yaml.safe_load((MINIMAL_SPEC / ENDPOINT).read_text(encoding="utf-8"))
    document.update(method=method, body=body, params=params, rules=rules)
    document["response"] += fields
    check_build(MINIMAL_SPEC, {ENDPOINT: dump(document)})


# -- (b) mutations of the real spec files ------------------------------------------------------


def locations(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``data``, outermost first."""
    found = [at]
    if isinstance(data, dict):
        for key, value in data.items():
            found += locations(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += locations(value, at + (index,))
    return found


def at(data: Any, location: tuple[Any, ...]) -> Any:
    for part in location:
        data = data[part]
    return data


def mutate_data(change: Callable[[Any, Any, Draw], None]) -> Callable[[str, Draw], str]:
    """A mutation of the parsed document: ``change(parent, key, draw)`` edits one place in it."""

    def mutation(text: str, draw: Draw) -> str:
        data = copy.deepcopy(yaml.safe_load(text))
        place = draw(st.sampled_from(locations(data)[1:]))
        change(at(data, place[:-1]), place[-1], draw)
        return dump(data)

    return mutation


def delete_key(parent: Any, key: Any, draw: Draw) -> None:
    del parent[key]


def replace_value(parent: Any, key: Any, draw: Draw) -> None:
    parent[key] = draw(documents)


def change_type(parent: Any, key: Any, draw: Draw) -> None:
    value = parent[key]
    parent[key] = draw(
        st.sampled_from([str(value), [value], {"value": value}, len(str(value)), None, True, 1.5])
    )


def duplicate_item(parent: Any, key: Any, draw: Draw) -> None:
    if isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))


def rename_key(parent: Any, key: Any, draw: Draw) -> None:
    if isinstance(parent, dict):
        new = draw(st.sampled_from(sorted(map(str, parent))) | st.text(max_size=10))
        items = [(new if old == key else old, value) for old, value in parent.items()]
        parent.clear()
        parent.update(items)


def truncate(text: str, draw: Draw) -> str:
    return text[: draw(st.integers(0, len(text)))]


def duplicate_line(text: str, draw: Draw) -> str:
    lines = text.splitlines(keepends=True)
    index = draw(st.integers(0, len(lines) - 1))
    return "".join(lines[: index + 1] + lines[index:])


def replace_line(text: str, draw: Draw) -> str:
    lines = text.splitlines(keepends=True)
    index = draw(st.integers(0, len(lines) - 1))
    indent = re.match(r"\s*(- )?", lines[index]).group(0)
    return "".join(lines[:index] + [indent + draw(yamlish_text) + "\n"] + lines[index + 1 :])


MUTATIONS: dict[str, Callable[[str, Draw], str]] = {
    "delete_key": mutate_data(delete_key),
    "replace_value": mutate_data(replace_value),
    "change_type": mutate_data(change_type),
    "duplicate_item": mutate_data(duplicate_item),
    "rename_key": mutate_data(rename_key),
    "truncate": truncate,
    "duplicate_line": duplicate_line,
    "replace_line": replace_line,
}


def test_spec_files_found() -> None:
    assert "api.yaml" in SPEC_FILES and len(SPEC_FILES) == 6


@given(st.sampled_from(SPEC_FILES), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_build_ir_on_mutated_spec(name: str, mutation: str, data: st.DataObject) -> None:
    text = (SPEC_DIR / name).read_text(encoding="utf-8")
    check_build(SPEC_DIR, {name: MUTATIONS[mutation](text, data.draw)})


# -- inputs that once crashed the loader with something other than SpecErrors -----------------


def crasher(name: str, value: object, raises: type[BaseException], reason: str) -> object:
    """A past crash, kept as a regression case: ``raises`` is what escaped, ``reason`` where."""
    return pytest.param(value, id=name)


def with_date_param(bounds: str) -> dict[str, str]:
    """The minimal spec's endpoint file with one more date parameter, with ``bounds``."""
    text = (MINIMAL_SPEC / ENDPOINT).read_text(encoding="utf-8")
    param = f"  - {{name: date_from, type: date, {bounds}, description: d}}\n"
    return {ENDPOINT: text.replace("response:\n", param + "response:\n")}


def with_timeout(value: str) -> dict[str, str]:
    text = (MINIMAL_SPEC / "api.yaml").read_text(encoding="utf-8")
    return {"api.yaml": text.replace("timeout: 60.0", f"timeout: {value}")}


@pytest.mark.parametrize(
    "text",
    [
        crasher(
            "bool-tag",
            "required: !!bool maybe\n",
            KeyError,
            "load._scalar lets SafeConstructor's KeyError for a bad !!bool out",
        ),
        crasher(
            "recursive-alias",
            "params: &a [*a]\n",
            RecursionError,
            "load._convert follows a recursive alias for ever",
        ),
        crasher(
            "deep-nesting",
            "[" * 2000 + "]" * 2000,
            RecursionError,
            "load_text does not catch yaml.compose's RecursionError on deep nesting",
        ),
    ],
)
def test_load_crashers_are_spec_errors(text: str) -> None:
    check_load(text)


@pytest.mark.parametrize(
    "replace",
    [
        crasher(
            "date-years-overflow",
            with_date_param("min_date: today - 10000 years, max_date: today"),
            ValueError,
            "constraints._always_after resolves the bounds: year out of range",
        ),
        crasher(
            "date-days-overflow",
            with_date_param("min_date: today - 1000000000 days, max_date: today"),
            OverflowError,
            "constraints._always_after resolves the bounds: timedelta overflow",
        ),
        crasher(
            "date-huge-amount",
            with_date_param(f"min_date: today - {'9' * 5000} days"),
            ValueError,
            "constraints.parse_date_bound: int() of a 5000-digit amount",
        ),
        crasher(
            "timeout-overflow",
            with_timeout("1" + "0" * 400),
            OverflowError,
            "model.build_api: float() of a huge integer timeout",
        ),
    ],
)
def test_build_crashers_are_spec_errors(replace: dict[str, str]) -> None:
    check_build(MINIMAL_SPEC, replace)


# -- errors are one line each, on the right line ---------------------------------------------


def load_errors(text: str) -> list[str]:
    with pytest.raises(SpecErrors) as failure:
        load_text(text, "fuzz.yaml")
    return [str(error) for error in failure.value.errors]


@pytest.mark.parametrize(
    "text", ["a: !!omap x\n", "a: &b {x: 1}\nc:\n  <<: *b\n"], ids=["omap-scalar", "merge-key"]
)
def test_unreadable_value_error_is_one_line(text: str) -> None:
    assert all("\n" not in line for line in load_errors(text))


def test_control_character_error_points_at_its_line() -> None:
    (line,) = load_errors("a: 1\nb: 2\nc: \x07\n")
    assert line.startswith("fuzz.yaml:3: ") and "\n" not in line
