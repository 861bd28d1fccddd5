"""A package with only its own runtime dependencies importable, for fair import timings.

The benchmark environment holds the peers too, and they bring optional extras of httpx's:
openapi-python-client needs typer, hence rich and click, and with those installed ``import httpx``
also imports its command-line module (``httpx._main``), about half of its import time. A user of
the generated package gets httpx and its required dependencies only; a user of the official client
gets its own. So each side is timed with ``python -S`` (no site-packages) and a path holding links
to its distribution's required dependencies, walked from the installed metadata; no network.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

_NAME = re.compile(r"[A-Za-z0-9._-]+")


def required_closure(distribution: str) -> list[metadata.Distribution]:
    """``distribution`` and, transitively, every installed requirement not behind an extra."""
    found: dict[str, metadata.Distribution] = {}
    pending = [distribution]
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another Python version or platform
        found[key] = dist
        for requirement in dist.requires or []:
            marker = requirement.partition(";")[2]
            if "extra" in marker:
                continue
            matched = _NAME.match(requirement)
            if matched:
                pending.append(matched.group(0))
    return list(found.values())


def top_level_entries(dist: metadata.Distribution) -> set[str]:
    """The names a distribution installs into site-packages: packages, modules, its metadata."""
    entries = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first in ("..", "__pycache__") or first.endswith(".pth"):
            continue
        entries.add(first)
    return entries


def isolated_path(distribution: str, target: Path) -> Path:
    """A directory at ``target`` linking to ``distribution`` and its required dependencies."""
    target.mkdir(parents=True, exist_ok=True)
    for dist in required_closure(distribution):
        site = Path(str(dist.locate_file("")))
        for entry in top_level_entries(dist):
            link = target / entry
            if not link.exists() and (site / entry).exists():
                link.symlink_to(site / entry)
    return target
