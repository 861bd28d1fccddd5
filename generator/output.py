"""The last stage: replace the output tree atomically, or compare it with a unified diff.

Writing builds the whole new tree beside the old one, then swaps the two with renames, so a
failure at any point leaves the old tree exactly as it was. Files that are not part of the
rendered map are orphans: ``write`` drops them, ``check`` reports them.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Build and tool litter that may sit in the output tree without being part of it.
IGNORED_PARTS = frozenset(
    {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "build", "dist"}
)


def existing_files(out_dir: Path) -> dict[str, str]:
    """The tree's files as {relative posix path: text}, litter excluded."""
    if not out_dir.is_dir():
        return {}
    found = {}
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir)
        if not path.is_file() or _ignored(relative):
            continue
        found[relative.as_posix()] = path.read_text(encoding="utf-8", errors="surrogateescape")
    return found


def _ignored(relative: Path) -> bool:
    return any(part in IGNORED_PARTS or part.endswith(".egg-info") for part in relative.parts)


@dataclass(frozen=True)
class Drift:
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    orphaned: tuple[str, ...]
    diff: str

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.orphaned)


def compare(files: dict[str, str], out_dir: Path, label: str) -> Drift:
    """How ``out_dir`` differs from ``files``; ``label`` names the tree in the diff headers."""
    current = existing_files(out_dir)
    changed = tuple(path for path in files if path in current and current[path] != files[path])
    missing = tuple(path for path in files if path not in current)
    orphaned = tuple(path for path in current if path not in files)
    chunks: list[str] = []
    for path in sorted(changed + missing + orphaned):
        chunks.extend(
            difflib.unified_diff(
                current.get(path, "").splitlines(keepends=True),
                files.get(path, "").splitlines(keepends=True),
                fromfile=f"{label}/{path}" if path in current else "/dev/null",
                tofile=f"{label}/{path} (expected)" if path in files else "/dev/null",
            )
        )
    return Drift(changed, missing, orphaned, "".join(chunks))


def write_tree(files: dict[str, str], out_dir: Path) -> None:
    """Make ``out_dir`` hold exactly ``files``, swapping the whole tree in at once."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the output tree is not
    retired = out_dir.parent / f".{out_dir.name}.old-{staging.name.rsplit('-', 1)[1]}"
    try:
        for path, text in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if out_dir.exists():
            out_dir.rename(retired)
        staging.rename(out_dir)
    except BaseException:
        if retired.exists() and not out_dir.exists():
            retired.rename(out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)
