"""black, in-process, with a content-hash cache so ``check`` stays fast on every CI job.

The cache maps sha256(black version, mode, source) to black's output, stored with the output's
own hash so that an entry is used only when it is intact. It lives in ``.dfsgen-cache/``
(ignored by git); a corrupt or missing entry only costs the time to run black again.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GenerationError

if TYPE_CHECKING:
    import black

# black is imported on the first cache miss only: a warm run never pays for importing it.
LINE_LENGTH = 100
TARGET_VERSIONS = ("PY310",)
_KEY_PREFIX = f"{version('black')}|{LINE_LENGTH}|{sorted(TARGET_VERSIONS)}|"


@cache
def black_mode() -> black.Mode:
    import black
    from black.mode import TargetVersion

    return black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion[name] for name in TARGET_VERSIONS})


def format_files(files: dict[str, str], cache_dir: Path | None) -> dict[str, str]:
    """Every ``.py`` file run through black; other files unchanged.

    Files the cache does not hold are formatted together, in worker processes when there is
    enough of them to repay starting the workers (black is pure CPU and holds the GIL).
    """
    done: dict[str, str] = {}
    missed: dict[str, tuple[str, Path | None]] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            done[path] = text
            continue
        entry = _entry(text, cache_dir)
        cached = _load(entry) if entry is not None else None
        if cached is None:
            missed[path] = (text, entry)
        else:
            done[path] = cached
    for path, formatted in zip(missed, _black_all([text for text, _ in missed.values()], list(missed))):
        entry = missed[path][1]
        if entry is not None:
            _store(entry, formatted)
        done[path] = formatted
    return {path: done[path] for path in files}


def format_python(source: str, path: str, cache_dir: Path | None) -> str:
    return format_files({path: source}, cache_dir)[path]


# Below this much source, one process is faster than starting workers (measured: a worker costs
# about as much as formatting 100 kB).
PARALLEL_BYTES = 400_000


def _black_all(sources: list[str], paths: list[str]) -> list[str]:
    """black's output for each source, in order; a GenerationError names the first file that failed."""
    workers = min(os.cpu_count() or 1, len(sources))
    if workers > 1 and sum(map(len, sources)) >= PARALLEL_BYTES:
        from concurrent.futures import ProcessPoolExecutor

        import black  # noqa: F401  (loaded before the fork, so workers inherit it)

        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_black_one, sources, chunksize=max(1, len(sources) // (workers * 4))))
    else:
        results = [_black_one(source) for source in sources]
    for path, (formatted, error) in zip(paths, results):
        if error is not None:
            raise GenerationError("format", path, f"black could not parse the rendered code: {error}")
    return [formatted for formatted, _ in results]


def _black_one(source: str) -> tuple[str, str | None]:
    """(formatted, None), or ("", the error's text): errors cross a process boundary as text."""
    import black

    try:
        return black.format_str(source, mode=black_mode()), None
    except Exception as error:  # noqa: BLE001 - black raises InvalidInput and assorted parser errors
        return "", str(error)


def _entry(source: str, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    key = hashlib.sha256((_KEY_PREFIX + source).encode("utf-8")).hexdigest()
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
