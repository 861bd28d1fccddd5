"""The whole-build cache: the formatted file map of a build, keyed by a hash of all its inputs.

A build is a pure function of the spec files (and the spec directory's name, which appears in
the generated headers), the templates (built-in and override), the generator's own source and
data files, the versions of the libraries that shape the output (Jinja2, PyYAML, jsonschema,
black) and the Python version. The key hashes every one of those, byte for byte, so changing
any of them is a miss, and a hit is exactly what the build would return — without importing
Jinja2, jsonschema or black, which is most of a warm ``check``.

Nothing else is read by a build: no clock (relative dates stay relative in the output), no
network, no environment variable but the one saying where compiled templates are kept
(template_cache.py), which cannot change the output. Entries carry a digest of their own text and a damaged one
is a miss; a cache that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from .errors import GenerationError, not_installed

GENERATOR = Path(__file__).resolve().parent
TEMPLATES = GENERATOR.parent / "templates"
LIBRARIES = ("black", "jinja2", "jsonschema", "pyyaml")
FORMAT = "dfsgen-build-1"  # bump when the entry layout changes
KEEP = 8  # entries kept; older ones are removed when a new one is stored
SUBDIR = "builds"


def build_key(spec_dir: Path, override_dir: Path | None) -> str:
    """The hash of every input of ``build_files(spec_dir, ..., override_dir)``."""
    digest = hashlib.sha256()

    def feed(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    feed(FORMAT, sys.version, *(f"{name}=={library_version(name)}" for name in LIBRARIES))
    feed("spec dir name", spec_dir.resolve().name)
    for label, root in (("spec", spec_dir), ("generator", GENERATOR), ("templates", TEMPLATES), ("override", override_dir)):
        feed(label)
        for path, relative in _files(root):
            feed(relative, path.read_bytes())
    return digest.hexdigest()


def library_version(name: str) -> str:
    """The installed version of a library the output depends on; a GenerationError naming it
    when this Python lacks it (say, a system ``python`` beside the project's virtualenv)."""
    found = version(name)
    if found is None:
        raise GenerationError("setup", name, not_installed())
    return found


def version(name: str) -> str | None:
    """``name``'s version from the first ``NAME-VERSION.dist-info`` on ``sys.path``, as pip and
    every wheel installer name it; else importlib.metadata's answer (egg-info and other layouts),
    None when it has none. The directory listing spares every run, warm ``check`` included, the
    import of importlib.metadata and the email parser behind it (about 17 ms)."""
    wanted = _normalized(name)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            if found.endswith(".dist-info"):
                project, dash, release = found.removesuffix(".dist-info").partition("-")
                if dash and _normalized(project) == wanted:
                    return release
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _normalized(project: str) -> str:
    """A project name as wheels spell it in ``.dist-info`` (PEP 427, PEP 503): ``PyYAML`` is ``pyyaml``."""
    return re.sub(r"[-_.]+", "_", project).lower()


def _files(root: Path | None) -> list[tuple[Path, str]]:
    """Every file below ``root`` that a build may read, with its relative name; bytecode caches are not inputs."""
    if root is None or not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and "__pycache__" not in relative.parts and path.suffix != ".pyc":
            found.append((path, relative.as_posix()))
    return sorted(found, key=lambda item: item[1])


def load(cache_dir: Path, key: str) -> dict[str, str] | None:
    """The stored file map for ``key``, or None when missing, unreadable or damaged."""
    try:
        stored = (cache_dir / SUBDIR / key).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    digest, _, text = stored.partition("\n")
    if digest != hashlib.sha256(text.encode("utf-8")).hexdigest():
        return None
    try:
        files = json.loads(text)
    except ValueError:
        return None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    try:
        os.utime(cache_dir / SUBDIR / key)
    except OSError:
        pass  # only the eviction order suffers
    return files


def store(cache_dir: Path, key: str, files: dict[str, str]) -> None:
    """Remember ``files`` under ``key``, keeping only the newest entries."""
    text = json.dumps(files, sort_keys=True)
    folder = cache_dir / SUBDIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.{os.getpid()}.tmp"
        temporary.write_text(f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}\n{text}", encoding="utf-8", newline="\n")
        temporary.replace(folder / key)
        # The entry just stored is kept whatever the clock's resolution; of the others, the most
        # recently used (a hit touches its entry) are.
        others = [path for path in folder.iterdir() if path.name != key and not path.name.startswith(".")]
        others.sort(key=lambda path: path.stat().st_mtime, reverse=True)
        for old in others[KEEP - 1 :]:
            old.unlink()
    except OSError:
        pass  # a read-only checkout still builds; it just does not remember
