"""The committed generated/ as a package: lint, types, format, import cost, a wheel, Python 3.10.

The tools are the venv's own (``python -m ruff`` etc.), pinned in pyproject.toml. The wheel is built
from a copy of generated/ so that nothing is ever written into the golden record.
"""

from __future__ import annotations

import ast
import email.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
import tomllib
from conftest import GENERATED_DIR

PACKAGE = "aisa_dataforseo"
PYTHON_310 = Path("/root/.pyenv/versions/3.10.13/bin/python")
LITTER = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"}
# More than this many modules for `import aisa_dataforseo` means it no longer imports lazily.
MAX_NEW_MODULES = 10


def run(
    *command: object, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tool(*args: object, cwd: Path = GENERATED_DIR) -> subprocess.CompletedProcess[str]:
    """One of the venv's tools (ruff, mypy, black, pip), run as ``python -m``."""
    return run(sys.executable, "-m", *args, cwd=cwd)


def with_generated_on_path() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(GENERATED_DIR))


def package_files() -> list[str]:
    """The package's files in generated/, litter excluded, relative to generated/."""
    root = GENERATED_DIR / PACKAGE
    return sorted(
        path.relative_to(GENERATED_DIR).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not LITTER.intersection(path.relative_to(root).parts)
    )


# -- static quality ---------------------------------------------------------------------------


def test_ruff_passes_with_the_package_config() -> None:
    result = tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_imports_and_all_sorted() -> None:
    """What the renderer promises on top of the package config: isort order and RUF022."""
    result = tool("ruff", "check", "--no-cache", "--extend-select", "I,RUF022", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes(tmp_path: Path) -> None:
    result = tool(
        "mypy",
        "--strict",
        "--python-version",
        "3.10",
        "--cache-dir",
        tmp_path / "mypy",
        "-p",
        PACKAGE,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_black_leaves_it_unchanged() -> None:
    result = tool("black", "--check", "-l", "100", "--target-version", "py310", ".")
    assert result.returncode == 0, result.stderr


def test_pyproject_declares_the_package() -> None:
    project = tomllib.loads((GENERATED_DIR / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    module = ast.parse((GENERATED_DIR / PACKAGE / "_version.py").read_text(encoding="utf-8"))
    (version,) = [node.value for node in module.body if isinstance(node, ast.Assign)]
    assert project["version"] == ast.literal_eval(version)
    assert project["requires-python"] == ">=3.10"
    assert [re.split(r"[<>=!~ ;\[]", dependency)[0] for dependency in project["dependencies"]] == [
        "httpx"
    ]


def test_readme_python_examples_parse() -> None:
    readme = (GENERATED_DIR / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert blocks
    for block in blocks:
        ast.parse(block)


# -- import cost ------------------------------------------------------------------------------


def fresh_python(code: str, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a new interpreter that sees generated/ and nothing of the test run."""
    return run(
        sys.executable, *flags, "-c", code, cwd=tmp_path, env=with_generated_on_path(), timeout=60
    )


def test_importing_the_package_loads_no_httpx_and_no_endpoint(tmp_path: Path) -> None:
    code = f"import json, sys; before = set(sys.modules); import {PACKAGE}; print(json.dumps(sorted(set(sys.modules) - before)))"
    result = fresh_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert PACKAGE in loaded
    assert not [name for name in loaded if name == "httpx" or name.startswith("httpx.")]
    heavy = (
        f"{PACKAGE}.endpoints",
        f"{PACKAGE}.resources",
        f"{PACKAGE}._client",
        f"{PACKAGE}.testing",
    )
    assert not [name for name in loaded if name.startswith(heavy)]


def imported_modules(importtime: str) -> list[str]:
    """Module names from ``-X importtime`` output (its header line excluded)."""
    return [
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and not line.rstrip().endswith("imported package")
    ]


def test_importing_the_package_loads_only_a_few_modules(tmp_path: Path) -> None:
    baseline = imported_modules(fresh_python("pass", tmp_path, "-X", "importtime").stderr)
    result = fresh_python(f"import {PACKAGE}", tmp_path, "-X", "importtime")
    assert result.returncode == 0, result.stderr
    added = [name for name in imported_modules(result.stderr) if name not in baseline]
    assert PACKAGE in added
    assert len(added) <= MAX_NEW_MODULES, added


def test_every_exported_name_resolves_on_first_use(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import sys, {PACKAGE} as package
        assert sorted(dir(package)) == sorted(package.__all__)
        for name in package.__all__:
            getattr(package, name)
        assert "httpx" in sys.modules  # the names really were imported on demand
        """)
    result = fresh_python(code, tmp_path)
    assert result.returncode == 0, result.stderr


# -- a smoke run of the package, for this Python and for 3.10 ----------------------------------

SMOKE = textwrap.dedent(f"""
    import asyncio, importlib, importlib.util, json, pkgutil
    import httpx
    import {PACKAGE} as package
    from {PACKAGE} import AsyncClient, Client, RequestValidationError

    # Every module imports (one that needs an optional extra may say so, when that extra is absent).
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(module.name)
        except ImportError as error:
            # the testing extra (hypothesis) and the pytest plugin (pytest) are optional
            assert any(
                importlib.util.find_spec(extra) is None and extra in str(error)
                for extra in ("hypothesis", "pytest")
            ), error

    def envelope(result):
        return {{
            "version": "0.1.20240801", "status_code": 20000, "status_message": "Ok.", "time": "0.1 sec.",
            "cost": 0, "tasks_count": 1, "tasks_error": 0,
            "tasks": [{{"id": "t-1", "status_code": 20000, "status_message": "Ok.", "time": "0.1 sec.",
                        "cost": 0, "result_count": len(result), "path": ["v3"], "data": {{}}, "result": result}}],
        }}

    sent = []

    def handler(request):
        sent.append(request)
        if request.url.path.endswith("/backlinks/index"):
            result = [{{"total_backlinks": 5, "index_history": [{{"date": "2024-01-01", "total_pages": 3}}]}}]
        else:
            result = [{{"crawl_progress": "finished", "crawl_status": {{"pages_crawled": 7}}}}]
        return httpx.Response(200, json=envelope(result))

    transport = httpx.MockTransport(handler)
    with Client(api_key="key", http_client=httpx.Client(transport=transport), max_retries=0) as client:
        response = client.backlinks.index()
        first = response.tasks[0].result[0]
        assert first.total_backlinks == 5 and first.index_history[0].total_pages == 3
        assert sent[-1].method == "GET" and sent[-1].headers["authorization"] == "Bearer key"

        response = client.on_page.links(id="07131248-1535-0216-1000-17384017ad04", limit=10)
        assert response.tasks[0].result[0].crawl_status.pages_crawled == 7
        body = json.loads(sent[-1].content)
        body = body[0] if isinstance(body, list) else body
        assert body["id"] == "07131248-1535-0216-1000-17384017ad04" and body["limit"] == 10

        count = len(sent)
        try:
            client.on_page.links(id="not a uuid", limit=0)
        except RequestValidationError as error:
            assert {{issue.param for issue in error.errors}} == {{"id", "limit"}}, error.errors
        else:
            raise AssertionError("invalid arguments were accepted")
        assert len(sent) == count, "a request was sent although validation failed"

    async def main():
        async with AsyncClient(api_key="key", http_client=httpx.AsyncClient(transport=transport)) as client:
            response = await client.backlinks.index()
            assert response.tasks[0].result[0].total_backlinks == 5

    asyncio.run(main())
    print("smoke ok")
    """)


def test_smoke_script_passes_on_this_python(tmp_path: Path) -> None:
    """The same script the 3.10 test runs, against generated/ directly: proves the script itself."""
    result = fresh_python(SMOKE, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "smoke ok" in result.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of generated/ (pip fetches hatchling unless the venv has it)."""
    work = tmp_path_factory.mktemp("wheel")
    source = shutil.copytree(
        GENERATED_DIR, work / "src", ignore=shutil.ignore_patterns(*LITTER, "*.egg-info")
    )
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        *isolation,
        "-q",
        "-w",
        work / "dist",
        source,
        cwd=work,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (work / "dist").glob("*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_the_package_and_its_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata_name,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    assert (
        sorted(name for name in names if not name.split("/")[0].endswith(".dist-info"))
        == package_files()
    )
    assert f"{PACKAGE}/py.typed" in names
    assert metadata["Name"] == "aisa-dataforseo"
    assert metadata["Requires-Python"] == ">=3.10"
    requirements = [
        value for value in metadata.get_all("Requires-Dist", []) if "extra ==" not in value
    ]
    assert [re.split(r"[<>=!~ ;\[(]", value)[0] for value in requirements] == ["httpx"]


@pytest.mark.slow
@pytest.mark.skipif(not PYTHON_310.exists(), reason=f"needs {PYTHON_310}")
def test_the_wheel_installs_and_works_on_python_310(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv310"
    created = run(PYTHON_310, "-m", "venv", venv, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    installed = run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    result = run(python, "-c", SMOKE, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "smoke ok" in result.stdout
    version = run(python, "-c", "import sys; print(sys.version_info[:2])", cwd=tmp_path, env=env)
    assert version.stdout.strip() == "(3, 10)"
