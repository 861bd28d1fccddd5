"""Spec errors carry where they come from, so every message can point a maintainer at a line."""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SpecError:
    """One broken rule in one spec file: ``path/to/file.yaml:LINE: field: what is wrong``."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class SpecErrors(Exception):
    """All the errors found in one run, reported together and sorted by file and line."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(error) for error in self.errors))


class GenerationError(Exception):
    """A failure after the specs were accepted: a template, or black, could not do its part."""

    def __init__(self, stage: str, target: str, detail: str) -> None:
        self.stage = stage
        self.target = target
        self.detail = detail
        super().__init__(f"{stage} failed for {target}: {detail}")


def not_installed() -> str:
    """What to say of a library this Python lacks (a system ``python`` beside the project's virtualenv)."""
    return f"not installed for {sys.executable}; install dfsgen first: pip install -e ."
