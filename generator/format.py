"""black, in-process, with a content-hash cache so ``check`` stays fast on every CI job.

The cache maps sha256(black version, mode, source) to black's output, stored with the output's
own hash so that an entry is used only when it is intact. It lives in ``.dfsgen-cache/``
(ignored by git); a corrupt or missing entry only costs the time to run black again.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version
from pathlib import Path

import black
from black.mode import TargetVersion

from .errors import GenerationError

MODE = black.Mode(line_length=100, target_versions={TargetVersion.PY310})
_KEY_PREFIX = f"{version('black')}|{MODE.line_length}|{sorted(v.name for v in MODE.target_versions)}|"


def format_files(files: dict[str, str], cache_dir: Path | None) -> dict[str, str]:
    """Every ``.py`` file run through black; other files unchanged."""
    return {path: format_python(text, path, cache_dir) if path.endswith(".py") else text for path, text in files.items()}


def format_python(source: str, path: str, cache_dir: Path | None) -> str:
    key = hashlib.sha256((_KEY_PREFIX + source).encode("utf-8")).hexdigest()
    entry = cache_dir / key[:2] / key if cache_dir else None
    cached = _load(entry) if entry is not None else None
    if cached is not None:
        return cached
    try:
        formatted = black.format_str(source, mode=MODE)
    except Exception as error:  # black raises InvalidInput and assorted parser errors
        raise GenerationError("format", path, f"black could not parse the rendered code: {error}") from error
    if entry is not None:
        _store(entry, formatted)
    return formatted


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
