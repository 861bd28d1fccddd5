"""The peer tools the benchmarks compare against, found in the running environment.

They are installed into the nox ``bench`` session only, never as dependencies of dfsgen:
openapi-python-client and datamodel-code-generator (generators fed the same OpenAPI export) and
dataforseo-client (the official client, for parsing and import cost). Run outside nox, a missing
peer is named with the command that installs it, and its comparisons are reported as skipped.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Peer:
    distribution: str
    executable: str | None = None  # a command-line tool
    module: str | None = None  # an importable package

    def path(self) -> Path | None:
        """The tool's executable, beside this interpreter first (a venv need not be activated)."""
        if self.executable is None:
            return None
        beside = BIN / self.executable
        if beside.is_file():
            return beside
        found = shutil.which(self.executable)
        return Path(found) if found else None

    @property
    def available(self) -> bool:
        if self.module is not None:
            return importlib.util.find_spec(self.module) is not None
        return self.path() is not None

    def missing(self) -> str:
        return f"{self.distribution} is not installed (pip install {self.distribution}, or run `nox -s bench`)"


OPENAPI_PYTHON_CLIENT = Peer("openapi-python-client", executable="openapi-python-client")
DATAMODEL_CODEGEN = Peer("datamodel-code-generator", executable="datamodel-codegen")
OFFICIAL_CLIENT = Peer("dataforseo-client", module="dataforseo_client")
# openapi-python-client's default post-hooks call ruff; its black variant calls black.
RUFF = Peer("ruff", executable="ruff")
BLACK = Peer("black", executable="black")
ALL = (OPENAPI_PYTHON_CLIENT, DATAMODEL_CODEGEN, OFFICIAL_CLIENT, RUFF, BLACK)


def tool_env() -> dict[str, str]:
    """The environment for a peer tool: this interpreter's bin directory first, so hooks find ruff/black."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def report_missing() -> list[str]:
    return [peer.missing() for peer in ALL if not peer.available]
