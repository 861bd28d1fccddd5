"""generator/cache.py: a whole build answered from the cache, and only when no input changed.

A hit must be exactly what the build returns; a change to any input of the build — a spec file,
a template, an override template, the generator's own source, a library version — must miss.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SPEC_DIR

from generator import cache
from generator.errors import GenerationError
from generator.pipeline import build_files


@pytest.fixture(scope="module")
def uncached() -> dict[str, str]:
    return build_files(SPEC_DIR, None)


@pytest.fixture()
def spec(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))


def stored(cache_dir: Path) -> list[Path]:
    folder = cache_dir / cache.SUBDIR
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_hit_is_the_build_itself_without_rendering(
    tmp_path: Path, uncached: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_files(SPEC_DIR, tmp_path) == uncached
    assert len(stored(tmp_path)) == 1

    def refuse(*args: object, **kwargs: object) -> dict[str, str]:
        raise AssertionError("rendered although the cache holds this build")

    monkeypatch.setattr("generator.render.plan", refuse)
    assert build_files(SPEC_DIR, tmp_path) == uncached


def test_a_hit_loads_neither_jinja_nor_black_nor_jsonschema(tmp_path: Path) -> None:
    build_files(SPEC_DIR, tmp_path)
    code = (
        "import sys; from pathlib import Path; from generator.pipeline import build_files; "
        f"build_files(Path({str(SPEC_DIR)!r}), Path({str(tmp_path)!r})); "
        "print(sorted(m for m in ('jinja2', 'black', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def edit_spec(spec: Path) -> None:
    path = spec / "backlinks" / "index.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: Changed", 1), encoding="utf-8")


def add_spec(spec: Path) -> None:
    shutil.copy(spec / "backlinks" / "index.yaml", spec / "backlinks" / "index_copy.yaml")
    path = spec / "backlinks" / "index_copy.yaml"
    text = path.read_text(encoding="utf-8").replace("\nname: index", "\nname: index_copy", 1)
    path.write_text(text.replace("\npath: /backlinks/index", "\npath: /backlinks/index_copy", 1), encoding="utf-8")


@pytest.mark.parametrize("change", [edit_spec, add_spec], ids=["a spec edited", "a spec added"])
def test_a_changed_spec_misses(tmp_path: Path, spec: Path, change: object) -> None:
    cache_dir = tmp_path / "cache"
    before = build_files(spec, cache_dir)
    change(spec)  # type: ignore[operator]
    after = build_files(spec, cache_dir)
    assert after != before
    assert after == build_files(spec, None)
    assert len(stored(cache_dir)) == 2


def test_an_override_template_misses(tmp_path: Path, uncached: dict[str, str]) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    cache_dir = tmp_path / "cache"
    build_files(SPEC_DIR, cache_dir, overrides)
    (overrides / "py.typed.jinja").write_text("partial\n", encoding="utf-8")
    files = build_files(SPEC_DIR, cache_dir, overrides)
    assert files["aisa_dataforseo/py.typed"] == "partial\n"
    (overrides / "py.typed.jinja").write_text("", encoding="utf-8")
    assert build_files(SPEC_DIR, cache_dir, overrides)["aisa_dataforseo/py.typed"] == ""


def test_every_input_is_in_the_key(tmp_path: Path, spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each input, changed alone, changes the key; nothing else (a bytecode cache) does."""
    key = cache.build_key(spec, None)
    assert cache.build_key(spec, None) == key

    generator = Path(shutil.copytree(cache.GENERATOR, tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__")))
    templates = Path(shutil.copytree(cache.TEMPLATES, tmp_path / "templates"))
    monkeypatch.setattr(cache, "GENERATOR", generator)
    monkeypatch.setattr(cache, "TEMPLATES", templates)
    assert cache.build_key(spec, None) == key

    (generator / "__pycache__").mkdir(exist_ok=True)
    (generator / "__pycache__" / "render.cpython-311.pyc").write_bytes(b"bytecode")
    assert cache.build_key(spec, None) == key, "bytecode is not an input"

    keys = {key}

    def changed(what: str) -> None:
        new = cache.build_key(spec, None)
        assert new not in keys, f"{what} did not change the key"
        keys.add(new)

    (generator / "render.py").write_text((generator / "render.py").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed("the generator's source")
    (generator / "schema" / "spec.schema.json").write_text("{}", encoding="utf-8")
    changed("the generator's data")
    (templates / "package" / "py.typed.jinja").write_text("x", encoding="utf-8")
    changed("a template")
    (templates / "package" / "py.typed.jinja").rename(templates / "package" / "py_typed.jinja")
    changed("a template's name")
    (spec / "api.yaml").write_text((spec / "api.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed("a spec file")
    renamed = spec.rename(tmp_path / "specs")
    spec = renamed
    changed("the spec directory's name (it is in the headers)")
    monkeypatch.setattr(cache, "version", lambda name: "0" if name == "black" else "1")
    changed("a library version")
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "README.md.jinja").write_text("x", encoding="utf-8")
    new = cache.build_key(spec, overrides)
    assert new not in keys, "an override template did not change the key"


@pytest.mark.parametrize(
    "damage",
    [b"", b"0" * 64 + b"\n{}", b"\xff\xfe", None],
    ids=["empty", "wrong digest", "not utf-8", "valid digest, not a file map"],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, uncached: dict[str, str], damage: bytes | None) -> None:
    build_files(SPEC_DIR, tmp_path)
    (entry,) = stored(tmp_path)
    if damage is None:
        import hashlib

        text = json.dumps(["not", "a", "map"])
        damage = f"{hashlib.sha256(text.encode()).hexdigest()}\n{text}".encode()
    entry.write_bytes(damage)
    assert cache.load(tmp_path, entry.name) is None
    assert build_files(SPEC_DIR, tmp_path) == uncached


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    for index in range(cache.KEEP + 3):
        cache.store(tmp_path, f"{index:064x}", {"a.py": str(index)})
    kept = stored(tmp_path)
    assert len(kept) == cache.KEEP
    assert cache.load(tmp_path, f"{cache.KEEP + 2:064x}") == {"a.py": str(cache.KEEP + 2)}


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, uncached: dict[str, str]) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    assert build_files(SPEC_DIR, blocker) == uncached
    assert build_files(SPEC_DIR, blocker) == uncached


def test_library_versions_come_from_the_first_dist_info_on_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Shaped_Like.This-2.0.1.dist-info").mkdir(parents=True)
    (second / "shaped_like_this-1.0.dist-info").mkdir(parents=True)
    (second / "other-9.9.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second), *sys.path])
    # Any spelling of the name that normalises alike (PEP 503) finds it; the first entry wins.
    assert cache.version("shaped-like.this") == cache.version("Shaped_Like_This") == "2.0.1"
    assert cache.version("other") == "9.9"
    assert cache.version("no-such-library-anywhere") is None
    with pytest.raises(GenerationError, match="no-such-library-anywhere"):
        cache.library_version("no-such-library-anywhere")
