"""generator/template_cache.py: compiled templates kept between runs, used only when they are
exactly what compiling would give, and never able to change what is rendered."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jinja2
import pytest
from conftest import SPEC_DIR

from generator import render, template_cache
from generator.ir import Api
from generator.pipeline import build_ir


@pytest.fixture(scope="module")
def api() -> Api:
    return build_ir(SPEC_DIR)


@pytest.fixture()
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "compiled"
    monkeypatch.setenv(template_cache.VARIABLE, str(root))
    return root


@pytest.fixture(scope="module")
def uncached(api: Api) -> dict[str, str]:
    """The package rendered with no bytecode cache at all."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(template_cache.VARIABLE, "")
        return render.render_package(api)


def entries(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def refuse_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled although the cache holds it")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)


def test_a_second_run_renders_the_same_without_compiling(
    api: Api, cache_root: Path, uncached: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render.render_package(api) == uncached
    assert entries(cache_root), "nothing was stored"
    refuse_compiling(monkeypatch)
    assert render.render_package(api) == uncached


@pytest.mark.parametrize(
    "damage",
    [b"", b"\x00" * 10, "truncated", "one byte flipped", "digest of other bytes", "text changed"],
)
def test_a_damaged_entry_is_compiled_again(
    api: Api, cache_root: Path, uncached: dict[str, str], damage: bytes | str
) -> None:
    render.render_package(api)
    for entry in entries(cache_root):
        data = entry.read_bytes()
        if damage == "truncated":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "one byte flipped":
            entry.write_bytes(data[:-40] + bytes([data[-40] ^ 0xFF]) + data[-39:])
        elif damage == "digest of other bytes":
            entry.write_bytes(data + b"\x00")
        elif damage == "text changed":
            # Still valid bytecode to Jinja and to marshal: only the digest tells.
            entry.write_bytes(data.replace(b"__version__", b"__versiom__"))
        else:
            assert isinstance(damage, bytes)
            entry.write_bytes(damage)
    assert render.render_package(api) == uncached
    # ...and the entries were written afresh.
    assert all(template_cache._unseal(entry.read_bytes()) is not None for entry in entries(cache_root))


def test_an_edited_template_is_compiled_again(tmp_path: Path, api: Api, cache_root: Path) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    template = overrides / "_version.py.jinja"
    template.write_text('__version__ = "1"\n', encoding="utf-8")
    assert render.render_package(api, overrides)["aisa_dataforseo/_version.py"].endswith('__version__ = "1"\n')
    template.write_text('__version__ = "2"\n', encoding="utf-8")
    assert render.render_package(api, overrides)["aisa_dataforseo/_version.py"].endswith('__version__ = "2"\n')


def test_an_override_is_an_entry_of_its_own(
    tmp_path: Path, api: Api, cache_root: Path, uncached: dict[str, str]
) -> None:
    assert render.render_package(api) == uncached
    before = set(entries(cache_root))
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "py.typed.jinja").write_text("partial\n", encoding="utf-8")
    assert render.render_package(api, overrides)["aisa_dataforseo/py.typed"] == "partial\n"
    assert len(set(entries(cache_root)) - before) == 1
    assert render.render_package(api) == uncached


def test_the_environment_names_the_directory() -> None:
    """Options, extensions and the way a filter is called are compiled in: each changes the name."""
    names = {template_cache.fingerprint(jinja2.Environment())}

    def differs(environment: jinja2.Environment) -> None:
        name = template_cache.fingerprint(environment)
        assert name not in names
        names.add(name)

    differs(jinja2.Environment(trim_blocks=True))
    differs(jinja2.Environment(extensions=["jinja2.ext.do"]))
    environment = jinja2.Environment()
    environment.filters["shout"] = str.upper
    differs(environment)
    environment = jinja2.Environment()
    environment.filters["shout"] = jinja2.pass_context(lambda context, text: text)
    differs(environment)
    assert template_cache.fingerprint(jinja2.Environment()) in names


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(template_cache.VARIABLE, str(tmp_path / "chosen"))
    assert template_cache.root() == tmp_path / "chosen"
    monkeypatch.setenv(template_cache.VARIABLE, "")
    assert template_cache.root() is None
    assert render.environment().bytecode_cache is None
    monkeypatch.delenv(template_cache.VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert template_cache.root() == tmp_path / "xdg" / "dfsgen" / "templates"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/paths/are/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert template_cache.root() == tmp_path / "home" / ".cache" / "dfsgen" / "templates"


def test_an_unusable_directory_only_costs_compiling(
    tmp_path: Path, api: Api, uncached: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    monkeypatch.setenv(template_cache.VARIABLE, str(blocker))
    assert render.environment().bytecode_cache is None
    assert render.render_package(api) == uncached


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no file owners to compare")
def test_a_directory_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its entries are executed: one planted by another user must never be."""
    monkeypatch.setenv(template_cache.VARIABLE, str(tmp_path / "shared"))
    environment = jinja2.Environment()
    directory = tmp_path / "shared" / template_cache.fingerprint(environment)
    directory.mkdir(parents=True)
    directory.chmod(0o777)
    assert template_cache.for_environment(environment) is None
    directory.chmod(0o700)
    assert template_cache.for_environment(environment) is not None
    assert not directory.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def test_only_the_most_recent_entries_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_cache, "KEEP", 3)
    cache = template_cache.TemplateCache(tmp_path)
    environment = jinja2.Environment(loader=jinja2.DictLoader({f"t{n}": f"{n}" for n in range(6)}), bytecode_cache=cache)
    for number in range(6):
        environment.get_template(f"t{number}")
        stamp = 1_000_000 + number
        for entry in entries(tmp_path):
            if entry.stat().st_mtime > stamp:
                os.utime(entry, (stamp, stamp))
    assert len(entries(tmp_path)) == 3
    fresh = jinja2.Environment(loader=environment.loader, bytecode_cache=cache)
    assert fresh.get_template("t5").render() == "5"
