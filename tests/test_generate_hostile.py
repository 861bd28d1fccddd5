"""Specs that the checker accepts but whose text is hostile to code: generation must still be right.

A spec that validates must give a package that parses, imports and says exactly what the spec says,
or be refused as a spec error (exit 2, ``file:line: field: message``). Generating broken code, or code
that quietly says something else, is never right. Each case edits a copy of spec/.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml
from conftest import ROOT, SPEC_DIR

PACKAGE = "aisa_dataforseo"
# Quotes of every kind, backslash escapes that must stay text, Jinja syntax, a right-to-left mark,
# NUL, emoji with zero-width joiners; it ends with a quote, the hardest place for a docstring.
HOSTILE = (
    'He said "hi", \'\'\'x\'\'\' and """y""" c:\\path\\N{BULLET}\\u00e9 {{ jinja }} {% if %} '
    '\u200fRTL\u200e nul\x00byte 🦄 🏳️‍🌈 "quoted"'
)


def fold(text: str) -> str:
    return " ".join(text.split())


def rewrite(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )


def generate(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_python(code: str, out: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with the generated package in ``out`` importable."""
    env = dict(os.environ, PYTHONPATH=str(out))
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused_as_spec_error(result: subprocess.CompletedProcess[str], field: str) -> bool:
    """Exit 2 with a spec error line naming ``field`` (not a template or black failure)."""
    return result.returncode == 2 and any(
        line.startswith("spec/") and f": {field}" in line for line in result.stderr.splitlines()
    )


def string_statements(source: str) -> list[str]:
    return [
        node.value.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))


# -- hostile doc text -------------------------------------------------------------------------


def make_hostile(spec: Path) -> None:
    def links(data: dict[str, Any]) -> None:
        data["title"] = HOSTILE
        data["description"] = HOSTILE
        next(param for param in data["params"] if param["name"] == "tag")["description"] = HOSTILE
        next(field for field in data["response"] if field["name"] == "tasks.result.items.type")[
            "description"
        ] = HOSTILE

    def history(data: dict[str, Any]) -> None:
        data["rules"][0]["description"] = HOSTILE

    def api(data: dict[str, Any]) -> None:
        data["package"]["description"] = HOSTILE.replace(
            "🦄 🏳️‍🌈", ""
        )  # non-BMP: a separate bug below

    rewrite(spec / "on_page" / "links.yaml", links)
    rewrite(spec / "backlinks" / "history_live.yaml", history)
    rewrite(spec / "api.yaml", api)


@pytest.fixture
def hostile_out(spec: Path, tmp_path: Path) -> Path:
    make_hostile(spec)
    out = tmp_path / "out"
    result = generate(spec, out)
    assert result.returncode == 0, result.stderr
    return out


def test_hostile_text_gives_code_that_parses_and_passes_ruff(hostile_out: Path) -> None:
    for path in sorted(hostile_out.rglob("*.py")):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        check=False,
        cwd=hostile_out,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout


def test_hostile_text_reaches_the_docstrings_intact(hostile_out: Path) -> None:
    wanted = fold(HOSTILE)
    for module in ("resources/on_page.py", "endpoints/on_page_links.py"):
        source = (hostile_out / PACKAGE / module).read_text(encoding="utf-8")
        assert any(wanted in fold(value) for value in string_statements(source)), module


def test_hostile_text_survives_into_the_running_package(hostile_out: Path) -> None:
    probe = f"""
import {PACKAGE}
from {PACKAGE}.endpoints.backlinks_history_live import ENDPOINT
from {PACKAGE}.resources.on_page import OnPage
text = {HOSTILE!r}
fold = lambda s: " ".join(s.split())
assert ENDPOINT.rules[0].description == text, ENDPOINT.rules[0].description
assert fold(text) in fold(OnPage.links.__doc__), OnPage.links.__doc__
assert fold({PACKAGE}.__doc__) == fold(text.replace("🦄 🏳️‍🌈", "") + "."), {PACKAGE}.__doc__
"""
    result = run_python(probe, hostile_out)
    assert result.returncode == 0, result.stderr


def test_hostile_text_gives_valid_package_metadata(hostile_out: Path) -> None:
    project = tomllib.loads((hostile_out / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == HOSTILE.replace("🦄 🏳️‍🌈", "")


# -- values the meta-schema lets through ------------------------------------------------------


def test_an_emoji_in_the_package_description_gives_valid_toml(spec: Path, tmp_path: Path) -> None:
    rewrite(
        spec / "api.yaml",
        lambda data: data["package"].update(description="A client 🦄 for the API"),
    )
    out = tmp_path / "out"
    result = generate(spec, out)
    assert result.returncode == 0, result.stderr
    project = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == "A client 🦄 for the API"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(float("inf"), id="inf"),
        pytest.param(
            float("nan"),
            id="nan",
        ),
    ],
)
def test_a_non_finite_timeout_is_refused_or_works(spec: Path, tmp_path: Path, value: float) -> None:
    rewrite(spec / "api.yaml", lambda data: data.update(timeout=value))
    out = tmp_path / "out"
    result = generate(spec, out)
    if refused_as_spec_error(result, "timeout"):
        return
    assert result.returncode == 0, result.stderr
    check = run_python(
        f"import {PACKAGE}._client as c; assert repr(c.DEFAULT_TIMEOUT) == {repr(value)!r}", out
    )
    assert check.returncode == 0, check.stderr


def test_a_version_with_a_trailing_newline_is_refused_or_valid(spec: Path, tmp_path: Path) -> None:
    rewrite(spec / "api.yaml", lambda data: data["package"].update(version="0.1.0\n"))
    out = tmp_path / "out"
    result = generate(spec, out)
    if refused_as_spec_error(result, "package.version"):
        return
    assert result.returncode == 0, result.stderr
    tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "url",
    ["https://docs.example.com/v3/x?q=\\u00e9", 'https://docs.example.com/v3/x?q="""'],
    ids=["backslash-escape", "triple-quote"],
)
def test_docs_url_reaches_the_docstring_verbatim(spec: Path, tmp_path: Path, url: str) -> None:
    rewrite(spec / "on_page" / "links.yaml", lambda data: data.update(docs_url=url))
    out = tmp_path / "out"
    result = generate(spec, out)
    if refused_as_spec_error(result, "docs_url"):
        return
    assert result.returncode == 0, result.stderr
    check = run_python(
        f"from {PACKAGE}.resources.on_page import OnPage; assert {'Docs: ' + url!r} in OnPage.links.__doc__",
        out,
    )
    assert check.returncode == 0, check.stderr
