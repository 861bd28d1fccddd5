"""generator/format.py: black in-process, cached by content hash.

The cache may only save time: with or without it, warm or cold, the files must be the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import black
import pytest
from conftest import SPEC_DIR

from generator import cache as build_cache
from generator.errors import GenerationError
from generator.format import format_files, format_python
from generator.ir import Api
from generator.pipeline import build_files
from generator.render import Renderer, plan

SOURCE = "x = {  'a':1,\n  'b' : [1,2,3]}\n"
FORMATTED = 'x = {"a": 1, "b": [1, 2, 3]}\n'


@pytest.fixture(scope="module")
def uncached() -> dict[str, str]:
    """The real tree, formatted without any cache."""
    return build_files(SPEC_DIR, None)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory, uncached: dict[str, str]) -> Path:
    """A cache filled by one cold build, which must itself give the uncached tree."""
    cache = tmp_path_factory.mktemp("cache")
    assert build_files(SPEC_DIR, cache) == uncached
    return cache


def entries(cache: Path) -> list[Path]:
    """The format cache's entries; whole builds (generator/cache.py) are stored beside them."""
    return sorted(
        path for path in cache.rglob("*") if path.is_file() and build_cache.SUBDIR not in path.relative_to(cache).parts
    )


def refuse_black(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("black ran although the cache holds this source")

    monkeypatch.setattr(black, "format_str", refuse)


def test_format_python_formats_and_remembers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert format_python(SOURCE, "m.py", tmp_path) == FORMATTED
    assert len(entries(tmp_path)) == 1
    refuse_black(monkeypatch)
    assert format_python(SOURCE, "m.py", tmp_path) == FORMATTED


def test_only_python_files_are_formatted(tmp_path: Path) -> None:
    files = {"a.py": SOURCE, "README.md": SOURCE, "pyproject.toml": SOURCE}
    assert format_files(files, tmp_path) == {
        "a.py": FORMATTED,
        "README.md": SOURCE,
        "pyproject.toml": SOURCE,
    }


def test_unparsable_code_is_a_generation_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(GenerationError) as failure:
        format_python("def f(:\n", "pkg/broken.py", tmp_path)
    assert failure.value.stage == "format"
    assert failure.value.target == "pkg/broken.py"
    assert entries(tmp_path) == []


def test_a_warm_cache_gives_the_uncached_tree_without_black(
    api: Api, warm_cache: Path, uncached: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # One entry per Python file black formats; built-in verbatim modules never reach black.
    verbatim = {job.path for job in plan(api) if Renderer().formatted(job)}
    assert verbatim
    formatted = [path for path in uncached if path.endswith(".py") and path not in verbatim]
    assert len(entries(warm_cache)) == len(formatted)
    refuse_black(monkeypatch)
    assert build_files(SPEC_DIR, warm_cache) == uncached


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, uncached: dict[str, str]) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    assert build_files(SPEC_DIR, blocker) == uncached


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage that is not black's output\n", b"\xff\xfe\x00"],
    ids=["empty", "garbage", "not-utf8"],
)
def test_a_corrupt_cache_entry_only_costs_time(
    tmp_path: Path, warm_cache: Path, uncached: dict[str, str], damage: bytes
) -> None:
    cache = Path(shutil.copytree(warm_cache, tmp_path / "cache"))
    for entry in entries(cache):
        entry.write_bytes(damage)
    assert build_files(SPEC_DIR, cache) == uncached

