"""generator/output.py in-process: the atomic tree swap under failure, and compare()'s verdicts.

An interrupted ``generate`` must leave the old tree exactly as it was and no staging or retired
directory behind, wherever the interruption lands: while files are written, or during the swap.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SPEC_DIR

from generator.output import compare, existing_files, write_tree

OLD = {
    "pkg/__init__.py": "OLD = 1\n",
    "pkg/sub/mod.py": "x = 'old'\n",
    "pkg/gone.py": "orphan = True\n",
    "README.md": "old readme\n",
}
NEW = {
    "README.md": "new readme\n",
    "pkg/__init__.py": "NEW = 2\n",
    "pkg/sub/mod.py": "x = 'new'\n",
    "pkg/sub/more.py": "y = 3\n",
    "pkg/deep/er/than.py": "z = 4\n",
    "pkg/py.typed": "",
}


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Each entry under root, root included: content hash, inode and mtime (equal = untouched)."""
    entries: dict[str, tuple[object, ...]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        entries[path.relative_to(root).as_posix()] = (digest, info.st_ino, info.st_mtime_ns)
    return entries


def files_in(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def leftovers(out: Path) -> list[str]:
    """Everything beside ``out`` in its parent: staging and retired trees would show up here."""
    return sorted(path.name for path in out.parent.iterdir() if path != out)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An old tree, alone in its own parent directory."""
    target = tmp_path / "parent" / "out"
    write_tree(OLD, target)
    assert files_in(target) == OLD
    return target


class Interrupt(Exception):
    """Stands for a crash, a full disk, or a signal."""


def failing_after(
    calls: int, original: Callable[..., Any], error: BaseException
) -> Callable[..., Any]:
    """``original`` that raises ``error`` on its ``calls``-th call (1-based) and from then on."""
    count = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count >= calls:
            raise error
        return original(*args, **kwargs)

    return wrapper


# -- writing ----------------------------------------------------------------------------------


def test_write_tree_makes_the_dir_hold_exactly_the_files(out: Path) -> None:
    write_tree(NEW, out)
    assert files_in(out) == NEW
    assert not (out / "pkg" / "gone.py").exists()
    assert leftovers(out) == []


def test_write_tree_writes_lf_and_utf8_whatever_the_platform(tmp_path: Path) -> None:
    text = "a = 'é 🦄 \u200f'\nb = 2\n"
    write_tree({"m.py": text}, tmp_path / "out")
    assert (tmp_path / "out" / "m.py").read_bytes() == text.encode("utf-8")


def test_write_tree_removes_tool_litter_with_the_old_tree(out: Path) -> None:
    (out / "pkg" / "__pycache__").mkdir()
    (out / "pkg" / "__pycache__" / "mod.pyc").write_bytes(b"\x00")
    write_tree(NEW, out)
    assert files_in(out) == NEW


@pytest.mark.parametrize(
    "error", [Interrupt("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
@pytest.mark.parametrize("fail_at", [1, 3, len(NEW)])
def test_a_write_interrupted_half_way_leaves_the_old_tree(
    out: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int, error: BaseException
) -> None:
    before = snapshot(out)
    monkeypatch.setattr(Path, "write_text", failing_after(fail_at, Path.write_text, error))
    with pytest.raises(type(error)):
        write_tree(NEW, out)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert files_in(out) == OLD
    assert leftovers(out) == []


@pytest.mark.parametrize("fail_at", [1, 2], ids=["retiring-the-old-tree", "moving-the-new-tree-in"])
def test_a_swap_interrupted_between_the_renames_restores_the_old_tree(
    out: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    before = snapshot(out)
    original = Path.rename
    count = 0

    def rename(self: Path, target: Any) -> Path:
        nonlocal count
        count += 1
        if count == fail_at:
            raise Interrupt(f"rename {self.name} -> {Path(target).name}")
        return original(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(Interrupt):
        write_tree(NEW, out)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_an_interrupted_first_write_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "parent" / "out"
    monkeypatch.setattr(Path, "write_text", failing_after(2, Path.write_text, Interrupt()))
    with pytest.raises(Interrupt):
        write_tree(NEW, target)
    monkeypatch.undo()
    assert not target.exists()
    assert leftovers(target) == []


def test_readers_see_the_old_tree_until_the_swap(out: Path) -> None:
    """While the new files are written, ``out`` still shows the old tree, untouched."""
    seen: list[dict[str, str]] = []

    def record(self: Path, *args: Any, **kwargs: Any) -> int:
        seen.append(files_in(out))  # what a reader of out would see at this moment
        return original(self, *args, **kwargs)

    original = Path.write_text
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "write_text", record)
        write_tree(NEW, out)
    assert seen and all(view == OLD for view in seen)
    assert files_in(out) == NEW


# -- reading and comparing --------------------------------------------------------------------


def test_existing_files_ignores_tool_litter(tmp_path: Path) -> None:
    write_tree(NEW, tmp_path / "out")
    for litter in (
        "pkg/__pycache__/m.pyc",
        ".mypy_cache/x",
        "build/lib/m.py",
        "dist/w.whl",
        "p.egg-info/PKG-INFO",
    ):
        (tmp_path / "out" / litter).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "out" / litter).write_text("litter", encoding="utf-8")
    assert existing_files(tmp_path / "out") == NEW
    assert existing_files(tmp_path / "nowhere") == {}


def test_compare_of_an_identical_tree_is_clean(out: Path) -> None:
    drift = compare(OLD, out, "out")
    assert drift.clean
    assert (drift.changed, drift.missing, drift.orphaned, drift.diff) == ((), (), (), "")


def test_compare_names_each_kind_of_drift(out: Path) -> None:
    drift = compare(NEW, out, "label")
    assert not drift.clean
    assert set(drift.changed) == {"README.md", "pkg/__init__.py", "pkg/sub/mod.py"}
    assert set(drift.missing) == {"pkg/sub/more.py", "pkg/deep/er/than.py", "pkg/py.typed"}
    assert set(drift.orphaned) == {"pkg/gone.py"}
    assert "--- label/pkg/__init__.py\n+++ label/pkg/__init__.py (expected)\n" in drift.diff
    assert "-OLD = 1\n+NEW = 2\n" in drift.diff
    assert "--- /dev/null\n+++ label/pkg/sub/more.py (expected)\n" in drift.diff
    assert "--- label/pkg/gone.py\n+++ /dev/null\n" in drift.diff
    assert "-orphan = True\n" in drift.diff


def test_compare_diffs_files_in_sorted_order(out: Path) -> None:
    drift = compare(NEW, out, "t")
    headers = [line[4:] for line in drift.diff.splitlines() if line.startswith("--- ")]
    names = [header.removeprefix("t/") for header in headers if header != "/dev/null"]
    assert names == sorted(names)


def test_compare_sees_line_ending_drift(out: Path) -> None:
    path = out / "pkg" / "__init__.py"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    drift = compare(OLD, out, "out")
    assert drift.changed == ("pkg/__init__.py",)


def test_compare_sees_a_byte_order_mark(out: Path) -> None:
    path = out / "pkg" / "__init__.py"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert compare(OLD, out, "out").changed == ("pkg/__init__.py",)


def test_compare_survives_undecodable_bytes(out: Path) -> None:
    (out / "pkg" / "__init__.py").write_bytes(b"OLD = '\xff'\n")
    assert compare(OLD, out, "out").changed == ("pkg/__init__.py",)


# -- the guard: generate replaces the whole output tree, so it must be one of ours -------------


def test_generate_refuses_an_out_dir_that_contains_the_specs(tmp_path: Path) -> None:
    spec = tmp_path / "project" / "spec"
    shutil.copytree(SPEC_DIR, spec)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(spec.parent),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "refusing to replace" in run.stderr and "contains" in run.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_generate_refuses_a_directory_of_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "todo.txt").write_text("mine\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "holds no file generated by dfsgen" in run.stderr
    assert (out / "todo.txt").read_text(encoding="utf-8") == "mine\n"


def test_an_interrupted_swap_is_recovered_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"a.py": "# Generated by dfsgen\nold = 1\n"}, out)
    # What a kill between the two renames leaves: the old tree retired, the new one staged.
    out.rename(tmp_path / ".generated.old-x")
    (tmp_path / ".generated.new-y").mkdir()
    write_tree({"a.py": "# Generated by dfsgen\nnew = 1\n"}, out)
    assert (out / "a.py").read_text(encoding="utf-8") == "# Generated by dfsgen\nnew = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]
