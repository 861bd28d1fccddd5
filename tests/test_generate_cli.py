"""``dfsgen generate`` and ``dfsgen check`` end to end, as subprocesses.

Everything that writes works on copies in tmp_path (``--spec``/``--out``): the real spec/ and
generated/ are only ever read. The one test on the real tree is the golden-record check CI runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GENERATED_DIR, ROOT, SPEC_DIR

PACKAGE = "aisa_dataforseo"
# Tool litter that may sit in an output tree without being part of it (generator.output ignores it).
LITTER = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"}


# -- helpers ----------------------------------------------------------------------------------


def dfsgen(
    command: str, *args: object, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m generator COMMAND ARGS`` with the checkout importable from any cwd."""
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-m", "generator", command, *map(str, args)],
        check=False,
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def is_litter(relative: Path) -> bool:
    return any(part in LITTER or part.endswith(".egg-info") for part in relative.parts)


def tree(root: Path, *, skip_litter: bool = False) -> dict[str, bytes]:
    """Every file under ``root`` as {relative posix path: bytes}."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not (skip_litter and is_litter(path.relative_to(root)))
    }


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``root`` (itself included): content hash (or "dir"), inode, mtime.

    Two equal snapshots mean nothing in the tree was written, replaced, added or removed.
    """
    entries: dict[str, tuple[object, ...]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        entries[path.relative_to(root).as_posix()] = (digest, info.st_ino, info.st_mtime_ns)
    return entries


def siblings(out: Path) -> list[str]:
    """What sits beside the output dir: staging or retired trees would show up here."""
    return sorted(
        path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}")
    )


def label(out: Path) -> str:
    """How the CLI (run from ROOT) names ``out`` in diff headers and stderr lines."""
    try:
        return out.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return out.as_posix()


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree generated once from the real spec/, for tests to copy (read only)."""
    out = tmp_path_factory.mktemp("golden") / "out"
    result = dfsgen("generate", "--spec", SPEC_DIR, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """A private copy of spec/, named spec/ so messages read ``spec/...yaml``."""
    return Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))


@pytest.fixture
def out(tmp_path: Path, golden: Path) -> Path:
    """An up-to-date output tree of our own."""
    return Path(shutil.copytree(golden, tmp_path / "out"))


# -- the golden record ------------------------------------------------------------------------


def test_committed_tree_is_up_to_date() -> None:
    """spec/ + templates/ render exactly the committed generated/ (what CI's `dfsgen check` runs)."""
    result = dfsgen("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


@pytest.mark.parametrize("exists", [False, True], ids=["out-missing", "out-empty"])
def test_generate_into_an_empty_dir_reproduces_the_committed_tree(
    tmp_path: Path, exists: bool
) -> None:
    out = tmp_path / "out"
    if exists:
        out.mkdir()
    result = dfsgen("generate", "--spec", SPEC_DIR, "--out", out)
    assert result.returncode == 0, result.stderr
    assert dfsgen("check", "--spec", SPEC_DIR, "--out", out).returncode == 0
    assert tree(out) == tree(GENERATED_DIR, skip_litter=True)
    assert siblings(out) == []


# -- check: drift is reported, nothing is written ---------------------------------------------

OLD_TEXT = "total number of domains our database contains for the moment of checking"
NEW_TEXT = "domains counted by the zebra census"
INDEX_MODULE = f"{PACKAGE}/endpoints/backlinks_index.py"


def test_check_reports_a_changed_description_and_writes_nothing(spec: Path, out: Path) -> None:
    edit(spec / "backlinks" / "index.yaml", OLD_TEXT, NEW_TEXT)
    before = snapshot(out)

    result = dfsgen("check", "--spec", spec, "--out", out)

    assert result.returncode == 1
    shown = label(out)
    assert f"--- {shown}/{INDEX_MODULE}\n" in result.stdout
    assert f"+++ {shown}/{INDEX_MODULE} (expected)\n" in result.stdout
    diff_lines = result.stdout.splitlines()
    assert any(line.startswith("+") and NEW_TEXT in line for line in diff_lines)
    assert any(line.startswith("-") and OLD_TEXT in line for line in diff_lines)
    changed = {
        line.removeprefix(f"changed: {shown}/")
        for line in result.stderr.splitlines()
        if line.startswith("changed: ")
    }
    # The field's docstring lives in the endpoint module; the README documents the response tree.
    assert INDEX_MODULE in changed
    assert changed <= {INDEX_MODULE, "README.md", "openapi.json", "schemas/backlinks_index.response.json"}
    assert "missing: " not in result.stderr and "orphaned: " not in result.stderr
    assert snapshot(out) == before
    assert siblings(out) == []


def test_check_lists_missing_and_orphaned_files_and_generate_repairs_them(
    out: Path, golden: Path
) -> None:
    (out / PACKAGE / "_errors.py").unlink()
    (out / PACKAGE / "stray.py").write_text("x = 1\n", encoding="utf-8")
    (out / "notes").mkdir()
    (out / "notes" / "todo.txt").write_text("remember\n", encoding="utf-8")
    before = snapshot(out)

    result = dfsgen("check", "--spec", SPEC_DIR, "--out", out)

    shown = label(out)
    assert result.returncode == 1
    assert f"missing: {shown}/{PACKAGE}/_errors.py" in result.stderr.splitlines()
    assert f"orphaned: {shown}/{PACKAGE}/stray.py" in result.stderr.splitlines()
    assert f"orphaned: {shown}/notes/todo.txt" in result.stderr.splitlines()
    assert f"--- /dev/null\n+++ {shown}/{PACKAGE}/_errors.py (expected)\n" in result.stdout
    assert f"--- {shown}/{PACKAGE}/stray.py\n+++ /dev/null\n" in result.stdout
    assert snapshot(out) == before

    assert dfsgen("generate", "--spec", SPEC_DIR, "--out", out).returncode == 0
    assert tree(out) == tree(golden)
    assert dfsgen("check", "--spec", SPEC_DIR, "--out", out).returncode == 0


def test_check_ignores_tool_litter(out: Path) -> None:
    for litter in (
        f"{PACKAGE}/__pycache__/_client.cpython-311.pyc",
        ".mypy_cache/3.11/cache.db",
        ".ruff_cache/0.1/x",
        "build/lib/x.py",
        "dist/x.whl",
        "aisa_dataforseo.egg-info/PKG-INFO",
    ):
        (out / litter).parent.mkdir(parents=True, exist_ok=True)
        (out / litter).write_bytes(b"\x00litter")
    result = dfsgen("check", "--spec", SPEC_DIR, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr


def apply_check_diff(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run check from tmp_path on ./out (so the headers are relative) and apply its diff with patch."""
    result = dfsgen("check", "--spec", SPEC_DIR, "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    return subprocess.run(
        ["patch", "-p0", "--batch", "--silent"],
        input=result.stdout,
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


needs_patch = pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch")


@needs_patch
def test_check_diff_applies_with_patch(tmp_path: Path, out: Path, golden: Path) -> None:
    """The unified diff is a real patch: applied to the tree, it makes the tree what generate writes."""
    edit(out / PACKAGE / "_version.py", "__version__ = ", "__version__: str = ")
    (out / "README.md").unlink()
    (out / PACKAGE / "stray.py").write_text("x = 1\n", encoding="utf-8")
    applied = apply_check_diff(tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert tree(out) == tree(golden)


@needs_patch
def test_check_diff_applies_when_a_file_lost_its_final_newline(
    tmp_path: Path, out: Path, golden: Path
) -> None:
    version = out / PACKAGE / "_version.py"
    version.write_bytes(version.read_bytes().rstrip(b"\n"))
    applied = apply_check_diff(tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert tree(out) == tree(golden)


# -- generate: the tree follows the specs -----------------------------------------------------


@pytest.mark.parametrize(
    ("spec_file", "gone", "vanished"),
    [
        pytest.param(
            "on_page/links.yaml",
            [f"{PACKAGE}/endpoints/on_page_links.py", f"{PACKAGE}/resources/on_page.py"],
            ["on_page_links", "OnPageLinks", "resources.on_page"],
            id="last-endpoint-of-its-group",
        ),
        pytest.param(
            "backlinks/index.yaml",
            [f"{PACKAGE}/endpoints/backlinks_index.py"],
            ["backlinks_index", "BacklinksIndex", "def index("],
            id="one-endpoint-of-a-group",
        ),
    ],
)
def test_removing_an_endpoint_spec_removes_its_modules(
    spec: Path, out: Path, spec_file: str, gone: list[str], vanished: list[str]
) -> None:
    (spec / spec_file).unlink()
    result = dfsgen("generate", "--spec", spec, "--out", out)
    assert result.returncode == 0, result.stderr
    files = tree(out)
    for path in gone:
        assert path not in files
    for path, data in files.items():
        for name in vanished:
            assert name not in data.decode("utf-8"), f"{path} still mentions {name}"
    assert dfsgen("check", "--spec", spec, "--out", out).returncode == 0
    assert siblings(out) == []


# -- failures write nothing -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_broken_spec_exits_2_naming_file_line_and_field(
    spec: Path, out: Path, command: str
) -> None:
    api_file = spec / "api.yaml"
    edit(api_file, "\ntimeout: 60.0\n", "\ntimeout: fast\n")
    before = snapshot(out)

    result = dfsgen(command, "--spec", spec, "--out", out)

    assert result.returncode == 2
    line = line_of(api_file, "timeout: fast")
    assert re.search(
        rf"^spec/api\.yaml:{line}: timeout: .*'fast'", result.stderr, re.MULTILINE
    ), result.stderr
    assert "nothing was written" in result.stderr
    assert result.stdout == ""
    assert snapshot(out) == before
    assert siblings(out) == []


def test_a_broken_spec_does_not_create_the_out_dir(spec: Path, tmp_path: Path) -> None:
    edit(spec / "api.yaml", "\ntimeout: 60.0\n", "\ntimeout: fast\n")
    out = tmp_path / "out"
    assert dfsgen("generate", "--spec", spec, "--out", out).returncode == 2
    assert not out.exists()
    assert siblings(out) == []


def endpoint_template(extra: str) -> str:
    """The built-in endpoint template with ``extra`` appended."""
    return (ROOT / "templates" / "package" / "endpoint.py.jinja").read_text(
        encoding="utf-8"
    ) + extra


TEMPLATE_FAILURES = [
    pytest.param(
        "endpoint.py.jinja",
        endpoint_template("\n{{ no_such_variable }}\n"),
        ["endpoint.py.jinja", "no_such_variable", f"{PACKAGE}/endpoints/"],
        id="undefined-variable",
    ),
    pytest.param(
        "endpoint.py.jinja",
        endpoint_template("\n{% if %}\n"),
        ["endpoint.py.jinja:", f"{PACKAGE}/endpoints/"],
        id="jinja-syntax-error",
    ),
    pytest.param(
        "_version.py.jinja",
        "__version__ = (\n",
        [f"{PACKAGE}/_version.py", "black"],
        id="renders-invalid-python",
    ),
]


@pytest.mark.parametrize("command", ["generate", "check"])
@pytest.mark.parametrize(("name", "text", "expected"), TEMPLATE_FAILURES)
def test_a_template_failure_exits_2_naming_it_and_writes_nothing(
    tmp_path: Path, out: Path, command: str, name: str, text: str, expected: list[str]
) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / name).write_text(text, encoding="utf-8")
    before = snapshot(out)

    result = dfsgen(command, "--spec", SPEC_DIR, "--out", out, "--templates", overrides)

    assert result.returncode == 2
    for fragment in expected:
        assert fragment in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(out) == before
    assert siblings(out) == []


def test_an_undefined_variable_is_reported_at_its_template_line(tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    text = endpoint_template("\n{{ no_such_variable }}\n")
    (overrides / "endpoint.py.jinja").write_text(text, encoding="utf-8")
    line = text.splitlines().index("{{ no_such_variable }}") + 1
    result = dfsgen(
        "generate", "--spec", SPEC_DIR, "--out", tmp_path / "out", "--templates", overrides
    )
    assert result.returncode == 2
    assert f"endpoint.py.jinja:{line}:" in result.stderr


def test_a_template_override_replaces_only_that_template(tmp_path: Path, golden: Path) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "_version.py.jinja").write_text('__version__ = "9.9.9"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert (
        dfsgen("generate", "--spec", SPEC_DIR, "--out", out, "--templates", overrides).returncode
        == 0
    )
    files, expected = tree(out), tree(golden)
    assert files[f"{PACKAGE}/_version.py"].endswith(b'__version__ = "9.9.9"\n')
    del files[f"{PACKAGE}/_version.py"], expected[f"{PACKAGE}/_version.py"]
    assert files == expected


# -- determinism ------------------------------------------------------------------------------

# Dates and times of day: the docs quote some (2019-11-15 12:57); a generator must add none.
STAMP = re.compile(
    rb"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)


def test_generating_twice_gives_the_same_bytes(tmp_path: Path, golden: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        assert dfsgen("generate", "--spec", SPEC_DIR, "--out", out).returncode == 0
        assert tree(out) == tree(golden)


@pytest.mark.parametrize(
    ("seed", "zone"),
    [
        ("0", "UTC"),
        ("1", "Pacific/Kiritimati"),
        ("12345", "America/St_Johns"),
        ("random", "Asia/Kathmandu"),
    ],
)
def test_output_does_not_depend_on_hash_seed_or_clock(
    tmp_path: Path, golden: Path, seed: str, zone: str
) -> None:
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONHASHSEED=seed, TZ=zone)
    result = dfsgen("generate", "--spec", SPEC_DIR, "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    assert tree(out) == tree(golden)


def test_no_file_carries_a_timestamp(golden: Path) -> None:
    """Every date or time in the output is quoted from a spec or a template; a run adds none."""
    sources = {**tree(SPEC_DIR), **tree(ROOT / "templates")}
    quoted = {stamp for data in sources.values() for stamp in STAMP.findall(data)}
    for path, data in tree(golden).items():
        assert set(STAMP.findall(data)) <= quoted, path


# -- a Python without dfsgen's dependencies -----------------------------------------------------


def test_a_library_without_metadata_exits_2_naming_it_not_as_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A system ``python`` beside the project's virtualenv: neither a traceback nor exit 1, which
    a drift check would take for drift."""
    from generator import cache, cli

    monkeypatch.setattr(cache, "version", lambda name: None)  # no dist-info, no metadata at all
    monkeypatch.setattr(cli, "VENV", tmp_path / "no-venv")  # nothing to hand over to
    code = cli.main(["check", "--cache", str(tmp_path / "cache")])
    error = capsys.readouterr().err
    assert code == cli.EXIT_SPEC
    assert "black: not installed for" in error and "pip install -e ." in error
    assert "Traceback" not in error


def test_a_missing_module_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import cli

    monkeypatch.delitem(sys.modules, "generator.check", raising=False)
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # makes `import jsonschema` fail
    monkeypatch.setenv(cli.HANDED_OVER, "1")  # as in a process already handed over
    assert cli.main(["validate"]) == cli.EXIT_SPEC
    assert "error: jsonschema is not installed for" in capsys.readouterr().err


class HandedOver(Exception):
    """Raised in place of ``os.execve``: the command it would have run."""


def fake_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from generator import cli

    venv = tmp_path / ".venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    python.parent.mkdir(parents=True)
    python.write_text("", encoding="utf-8")
    monkeypatch.setattr(cli, "VENV", venv)
    monkeypatch.delenv(cli.HANDED_OVER, raising=False)

    def execve(path: Path, argv: list[str], env: dict[str, str]) -> None:
        raise HandedOver(path, argv, env)

    monkeypatch.setattr(os, "execve", execve)
    return python


def test_a_python_without_black_hands_the_command_to_the_project_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import cache, cli

    python = fake_venv(tmp_path, monkeypatch)
    monkeypatch.setattr(cache, "version", lambda name: None)  # no dist-info, no metadata at all
    arguments = ["check", "--cache", str(tmp_path / "cache")]
    with pytest.raises(HandedOver) as handed:
        cli.main(arguments)
    path, argv, env = handed.value.args
    assert path == python and argv == [str(python), "-m", "generator", *arguments]
    assert env[cli.HANDED_OVER] == "1"
    assert "note: black is not installed for" in capsys.readouterr().err


def test_a_missing_module_hands_over_too_but_only_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import cli

    fake_venv(tmp_path, monkeypatch)
    monkeypatch.delitem(sys.modules, "generator.check", raising=False)
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(HandedOver):
        cli.main(["validate"])
    monkeypatch.setenv(cli.HANDED_OVER, "1")  # the handed-over process reports, it does not loop
    assert cli.main(["validate"]) == cli.EXIT_SPEC


def test_the_project_venv_itself_does_not_hand_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import cli

    fake_venv(tmp_path, monkeypatch)
    monkeypatch.setattr(sys, "prefix", str(cli.VENV))
    monkeypatch.delitem(sys.modules, "generator.check", raising=False)
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    assert cli.main(["validate"]) == cli.EXIT_SPEC


@pytest.mark.parametrize("collecting", [True, False])
def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, collecting: bool) -> None:
    """The build freezes its documents and IR out of the collector's passes while black runs;
    afterwards, built or failed, nothing stays frozen and the collector is on or off as before."""
    import gc

    from generator.errors import SpecErrors
    from generator.pipeline import build_files

    broken = shutil.copytree(SPEC_DIR, tmp_path / "spec")
    (broken / "backlinks" / "index.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    was_enabled = gc.isenabled()
    try:
        if not collecting:
            gc.disable()
        assert build_files(SPEC_DIR, None)
        assert gc.get_freeze_count() == 0 and gc.isenabled() is collecting
        with pytest.raises(SpecErrors):
            build_files(broken, None)
        assert gc.get_freeze_count() == 0 and gc.isenabled() is collecting
        # What the caller froze stays frozen, however the build ends.
        gc.freeze()
        frozen = gc.get_freeze_count()
        assert frozen > 0 and build_files(SPEC_DIR, None)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
