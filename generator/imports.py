"""Imports collected while a module renders, and placed the way isort and ruff would.

A template asks for a name with ``uses(module, name)``, which records the import and returns the
name; the module's body is rendered first and the import block is assembled afterwards, on the
line holding the template's ``# <imports>`` comment (betterproto's trick). So no import is ever
missing or unused, and their order never depends on the order of use.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from dataclasses import dataclass, field

from .errors import GenerationError
from .layout import LINE, fit

NaturalKey = tuple[tuple[int, int | str], ...]


@dataclass
class Imports:
    """The imports a module's body used. ``depth`` is how deep the file sits inside the package."""

    depth: int
    names: dict[str, set[str]] = field(default_factory=dict)
    MARK: str = "# <imports>"

    def uses(self, module: str, name: str, alias: str | None = None) -> str:
        """Record ``from module import name [as alias]`` (``.x`` is relative to the package root).

        Returns the name to write in the code.
        """
        if module.startswith(".") and self.depth > 0:
            module = "." * self.depth + module
        self.names.setdefault(module, set()).add(f"{name} as {alias}" if alias else name)
        return alias or name

    def module(self, module: str, alias: str) -> str:
        """Record ``import module as alias``; return the alias."""
        self.names.setdefault(f"{module} as {alias}", set()).add("")
        return alias

    def splice(self, body: str, path: str = "<module>") -> str:
        """Put the import block where the template wrote ``# <imports>``, ordered as isort would."""
        line = _comment_line(body, self.MARK)
        if line is None:
            if self.names:
                raise GenerationError("render", path, f"the template used imports but has no {self.MARK!r} line")
            return body
        sections: list[list[str]] = [[], [], []]
        for module in sorted(self.names, key=module_key):
            root = module.split(" ")[0]
            section = sections[2 if root.startswith(".") else 0 if root.split(".")[0] in sys.stdlib_module_names else 1]
            names = sorted(self.names[module], key=lambda name: isort_key(name, case_sensitive=False))
            if names == [""]:
                section.insert(sum(line.startswith("import ") for line in section), f"import {module}")
                continue
            # isort's defaults: an aliased name gets a statement of its own; statements of one module
            # follow the order of their first name, and plain names share one statement.
            plain = [name for name in names if " as " not in name]
            statements = [[name] for name in names if " as " in name] + ([plain] if plain else [])
            statements.sort(key=lambda group: isort_key(group[0], case_sensitive=False))
            section.extend(_from_import(module, group) for group in statements)
        block = "\n\n".join("\n".join(lines) for lines in sections if lines)
        lines = body.split("\n")
        lines[line] = block
        return "\n".join(lines)


def _from_import(module: str, names: list[str]) -> str:
    """One ``from`` statement; past the line length, black puts each name on a line of its own."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _comment_line(body: str, mark: str) -> int | None:
    """The index of the line holding ``mark`` as a comment, not as text inside a string."""
    if mark not in body:
        return None  # most templates: no need to tokenize them to find out
    try:
        for token in tokenize.generate_tokens(io.StringIO(body).readline):
            if token.type == tokenize.COMMENT and token.string == mark:
                return token.start[0] - 1
    except (tokenize.TokenError, SyntaxError):
        pass  # a broken template; black will say where
    lines = body.split("\n")
    return lines.index(mark) if mark in lines else None


def natural(text: str) -> NaturalKey:
    """A sort key that orders digit runs by value: ``Item2`` before ``Item10``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def module_key(module: str) -> tuple[NaturalKey, NaturalKey]:
    """isort's module order: natural and ignoring case, then, between names that differ only in
    case (``AB``, ``ab``), as written; so the order never depends on the order of use."""
    return natural(module.lower()), natural(module)


def isort_key(name: str, case_sensitive: bool = True) -> tuple[int, NaturalKey, NaturalKey]:
    """isort's order-by-type: CONSTANTS, then Classes, then everything else, each in natural order.

    Import lists compare names ignoring case (isort's default), then as written to break a tie
    (names come from a set, so a tie left alone would follow hash order); ``__all__`` compares
    them as is (RUF022).
    """
    bare = name.split(" ")[0]
    key = natural(bare if case_sensitive else bare.lower())
    kind = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return kind, key, natural(name)


def all_list(names: list[str]) -> str:
    """An ``__all__`` assignment, sorted the way ruff's RUF022 expects."""
    return fit("__all__ = [" + ", ".join(f'"{name}"' for name in sorted(names, key=isort_key)) + "]", 0)
