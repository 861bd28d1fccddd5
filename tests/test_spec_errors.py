"""Every broken spec in tests/spec_errors/ yields exactly the errors in its expected.txt.

Each case folder holds a ``spec/`` directory (a tiny api.yaml and endpoint file with one kind of
mistake) and ``expected.txt``: the complete, ordered list of error lines, as ``str(SpecError)``
prints them. The same lines must come from ``build_ir`` and from ``python -m generator validate``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SPEC_DIR, TESTS_DIR

from generator.errors import SpecErrors
from generator.pipeline import build_ir

CASES_DIR = TESTS_DIR / "spec_errors"
MINIMAL_SPEC = TESTS_DIR / "spec_minimal" / "spec"
CASES = sorted(path.name for path in CASES_DIR.iterdir() if path.is_dir())
ERROR_LINE = re.compile(r"^(?P<file>spec/[\w/]+\.ya?ml):(?P<line>\d+): \S")

# Cases whose expected.txt says what the generator SHOULD report, where today it does not.
KNOWN_BUGS: dict[str, str] = {}


def case_param(name: str) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])] if name in KNOWN_BUGS else []
    return pytest.param(name, marks=marks, id=name)


ALL_CASES = [case_param(name) for name in CASES]


def expected_lines(case: str) -> list[str]:
    return (CASES_DIR / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def reported_lines(spec_dir: Path) -> list[str]:
    """The error lines build_ir raises for ``spec_dir`` (empty when it raises none)."""
    try:
        build_ir(spec_dir)
    except SpecErrors as failure:
        return [str(error) for error in failure.errors]
    return []


def run_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", *args],
        cwd=ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )


# -- the case folders themselves ---------------------------------------------------------------


def test_there_are_enough_cases() -> None:
    assert len(CASES) > 30
    assert set(KNOWN_BUGS) <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_well_formed(case: str) -> None:
    """Each case has a spec/ dir and a non-empty expected.txt whose lines point into real files."""
    spec_dir = CASES_DIR / case / "spec"
    assert spec_dir.is_dir()
    lines = expected_lines(case)
    assert lines, "a case must expect at least one error"
    for line in lines:
        match = ERROR_LINE.match(line)
        assert match, f"not an error line: {line!r}"
        target = CASES_DIR / case / match["file"]
        if target.exists():
            assert 1 <= int(match["line"]) <= len(target.read_text(encoding="utf-8").splitlines())
        else:  # only a missing file is reported at line 0
            assert match["line"] == "0"


def test_minimal_spec_is_valid() -> None:
    """The base every case starts from is clean, so each case's errors come from its change."""
    api = build_ir(MINIMAL_SPEC)
    assert [endpoint.qualified_name for endpoint in api.endpoints] == ["backlinks.demo"]


# -- build_ir and the CLI ----------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL_CASES)
def test_build_ir_reports_expected_errors(case: str) -> None:
    assert reported_lines(CASES_DIR / case / "spec") == expected_lines(case)


@pytest.mark.parametrize("case", ALL_CASES)
def test_cli_validate_reports_expected_errors(case: str) -> None:
    expected = expected_lines(case)
    result = run_validate((CASES_DIR / case / "spec").relative_to(ROOT).as_posix())
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    *errors, summary = result.stderr.splitlines()
    assert errors == expected
    assert summary.startswith(f"{len(expected)} error(s) in the specs")


@pytest.mark.parametrize(
    "args", [(), ("spec",), (str(SPEC_DIR),)], ids=["default", "relative", "absolute"]
)
def test_cli_validate_accepts_the_real_spec(args: tuple[str, ...]) -> None:
    result = run_validate(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(r"5 endpoints, \d+ parameters, \d+ response fields: ok\n", result.stdout)


def test_all_errors_are_reported_in_one_run() -> None:
    """Errors of every stage (YAML, meta-schema, semantics) in four files come out together."""
    files = {
        line.split(":")[0]
        for line in reported_lines(CASES_DIR / "errors_in_several_files" / "spec")
    }
    assert files == {
        "spec/api.yaml",
        "spec/backlinks/demo.yaml",
        "spec/on_page/broken.yaml",
        "spec/on_page/other.yaml",
    }


def test_errors_of_two_endpoint_files_are_both_reported(tmp_path: Path) -> None:
    """Two independently broken endpoint files, semantic errors in both: neither hides the other."""
    spec = tmp_path / "spec"
    (spec / "backlinks").mkdir(parents=True)
    (spec / "api.yaml").write_bytes((MINIMAL_SPEC / "api.yaml").read_bytes())
    for case, name in (("minimum_above_maximum", "first"), ("field_parent_missing", "second")):
        text = (CASES_DIR / case / "spec" / "backlinks" / "demo.yaml").read_text(encoding="utf-8")
        text = text.replace("name: demo", f"name: {name}").replace(
            "/backlinks/demo", f"/backlinks/{name}"
        )
        (spec / "backlinks" / f"{name}.yaml").write_text(text, encoding="utf-8")
    assert reported_lines(spec) == [
        "spec/backlinks/first.yaml:11: limit.minimum: minimum 100 is greater than maximum 10",
        "spec/backlinks/second.yaml:14: tasks.result.items.url: parent 'tasks.result.items' is not defined before it",
    ]


def test_the_meta_schema_is_a_valid_draft_2020_12_schema() -> None:
    """``generator/check.py`` trusts its meta-schema rather than checking it on every run."""
    import json

    import jsonschema

    from generator.check import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
