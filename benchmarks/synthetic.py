"""Synthetic spec directories of any size, shaped like the real ones, for the scaling benchmark.

Endpoint ``i`` is a copy of the ``i % 5``-th real endpoint spec under a new group and name
(``g3/history_live_17``), so every synthetic endpoint has the parameters, constraints and
response trees of a documented one; groups hold 25 endpoints each, as the API's larger groups do.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
PER_GROUP = 25


def real_endpoints(spec_dir: Path = SPEC_DIR) -> list[Path]:
    return sorted(p for p in spec_dir.rglob("*.yaml") if p.name != "api.yaml")


def write_specs(count: int, target: Path, spec_dir: Path = SPEC_DIR) -> Path:
    """A spec directory of ``count`` endpoints at ``target`` (replaced if it exists)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(spec_dir / "api.yaml", target / "api.yaml")
    sources = [path.read_text(encoding="utf-8") for path in real_endpoints(spec_dir)]
    for index in range(count):
        text = sources[index % len(sources)]
        name = f"{_field(text, 'name')}_{index}"
        group = f"g{index // PER_GROUP}"
        text = _replace(text, "name", name)
        text = _replace(text, "path", f"/{group}/{name}")
        folder = target / group
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return target


def _field(text: str, key: str) -> str:
    found = re.search(rf"^{key}:\s*(\S+)", text, re.MULTILINE)
    if found is None:
        raise ValueError(f"a real endpoint spec has no top-level {key!r}")
    return found.group(1)


def _replace(text: str, key: str, value: str) -> str:
    return re.sub(rf"^{key}:\s*\S+", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
