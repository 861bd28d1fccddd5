"""black, in-process, with a content-hash cache so ``check`` stays fast on every CI job.

The cache maps sha256(black version, mode, source) to black's output, stored with the output's
own hash so that an entry is used only when it is intact. It lives in ``.dfsgen-cache/``
(ignored by git); a corrupt or missing entry only costs the time to run black again.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import library_version
from .errors import GenerationError

if TYPE_CHECKING:
    import black

# black is imported on the first cache miss only: a warm run never pays for importing it.
LINE_LENGTH = 100
TARGET_VERSIONS = ("PY310",)


@cache
def _key_prefix() -> str:
    """What besides the source shapes black's output; looked up on first use (a build answered
    whole by the build cache never formats)."""
    return f"{library_version('black')}|{LINE_LENGTH}|{sorted(TARGET_VERSIONS)}|"


@cache
def black_mode() -> black.Mode:
    import black
    from black.mode import TargetVersion

    return black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion[name] for name in TARGET_VERSIONS})


def format_files(files: dict[str, str], cache_dir: Path | None) -> dict[str, str]:
    """Every ``.py`` file run through black; other files unchanged. The first file black cannot
    parse raises a GenerationError naming it."""
    done = {}
    for path, text in files.items():
        done[path], failure = format_one(path, text, cache_dir)
        if failure is not None:
            raise failure
    return done


def format_python(source: str, path: str, cache_dir: Path | None) -> str:
    return format_files({path: source}, cache_dir)[path]


def format_one(path: str, text: str, cache_dir: Path | None) -> tuple[str, GenerationError | None]:
    """A file as ``format_files`` gives it; or "" and the error it would raise for it.

    The pipeline formats each file in whichever process rendered it (parallel.py), so this is
    the unit: look the source up, else run black and remember the result.
    """
    if not path.endswith(".py"):
        return text, None
    entry = _entry(text, cache_dir)
    cached = _load(entry) if entry is not None else None
    if cached is not None:
        return cached, None
    import black

    try:
        formatted = black.format_str(text, mode=black_mode())
    except Exception as error:  # noqa: BLE001 - black raises InvalidInput and assorted parser errors
        return "", GenerationError("format", path, f"black could not parse the rendered code: {error}")
    if entry is not None:
        _store(entry, formatted)
    return formatted, None


def _entry(source: str, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    key = hashlib.sha256((_key_prefix() + source).encode("utf-8")).hexdigest()
    return cache_dir / key[:2] / key


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load(entry: Path) -> str | None:
    """The cached output, or None when the entry is missing, unreadable or damaged."""
    try:
        stored = entry.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    digest, _, text = stored.partition("\n")
    return text if digest == _digest(text) else None


def _store(entry: Path, text: str) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(f"{_digest(text)}\n{text}", encoding="utf-8", newline="\n")
        temporary.replace(entry)
    except OSError:
        pass  # a read-only checkout still formats; it just does not remember
