"""Compiled templates kept between runs, as ``__pycache__`` keeps compiled modules.

Compiling the templates to Python is most of the render stage on a run without it. Jinja looks
each template up here by its name and file (so ``--templates`` overrides are entries of their
own) and uses an entry only when it was compiled from the same source; this module adds what
Jinja's own file cache leaves out:

* entries sit in a directory named for everything else the compiled code depends on: the Jinja
  version, the Python bytecode magic, and the environment's syntax options, extensions, filters
  and tests;
* each entry carries a digest of its bytes, so a damaged one is recompiled, never executed;
* the directory must belong to the user running dfsgen and be closed to everyone else (its
  entries are executed);
* it holds at most ``KEEP`` entries, the least recently used going first.

The directory is ``$DFSGEN_TEMPLATE_CACHE``, else ``$XDG_CACHE_HOME/dfsgen/templates``, else
``~/.cache/dfsgen/templates``; ``DFSGEN_TEMPLATE_CACHE=`` (empty) turns it off. When it cannot be
created or written, templates are compiled on every run: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

VARIABLE = "DFSGEN_TEMPLATE_CACHE"
KEEP = 200  # the built-in templates are about 25; the rest leaves room for overrides
_DIGEST = hashlib.sha256().digest_size


def root() -> Path | None:
    """The cache directory chosen by the environment, or None when it is turned off."""
    chosen = os.environ.get(VARIABLE)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME")
    if base and Path(base).is_absolute():
        return Path(base) / "dfsgen" / "templates"
    try:
        return Path.home() / ".cache" / "dfsgen" / "templates"
    except RuntimeError:  # no home directory to be found
        return None


def for_environment(environment: jinja2.Environment) -> TemplateCache | None:
    """The cache for templates compiled by ``environment``, or None when none can be used."""
    base = root()
    if base is None:
        return None
    directory = base / fingerprint(environment)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = directory.stat()
    except OSError:
        return None
    return TemplateCache(directory) if _private(info) else None


def _private(info: os.stat_result) -> bool:
    """Whether only the running user can have written the directory's entries."""
    owner = getattr(os, "getuid", None)  # Windows has no owners to compare; its profile is private
    return (owner is None or info.st_uid == owner()) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def fingerprint(environment: jinja2.Environment) -> str:
    """A name for everything besides a template's source that shapes the code it compiles to."""
    syntax = [
        getattr(environment, name)
        for name in (
            "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
            "optimized", "is_async",
        )
    ]
    # How a filter or test is called (with the context, the environment, or neither) is compiled in.
    callables = [
        (kind, name, str(getattr(function, "jinja_pass_arg", None)))
        for kind, table in (("filter", environment.filters), ("test", environment.tests))
        for name, function in sorted(table.items())
    ]
    described = repr((
        jinja2.__version__,
        importlib.util.MAGIC_NUMBER,
        syntax,
        sorted(environment.extensions),
        callable(environment.autoescape) or bool(environment.autoescape),
        environment.finalize is not None,
        callables,
    ))
    return hashlib.sha256(described.encode("utf-8")).hexdigest()[:24]


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache over one directory of digest-checked entries."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load_bytecode(self, bucket: Bucket) -> None:
        entry = self.directory / bucket.key
        try:
            stored = entry.read_bytes()
        except OSError:
            return
        data = _unseal(stored)
        if data is None:
            return  # damaged: Jinja compiles the template and the entry is written afresh
        # Jinja checks the header (its bytecode format, the Python version) and the source's checksum.
        bucket.bytecode_from_string(data)
        if bucket.code is not None:
            try:
                os.utime(entry)  # recently used: kept when older entries are dropped
            except OSError:
                pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        entry = self.directory / bucket.key
        temporary = self.directory / f".{bucket.key}.{os.getpid()}.tmp"
        try:
            temporary.write_bytes(_seal(bucket.bytecode_to_string()))
            temporary.replace(entry)
            self._prune(keep=entry.name)
        except OSError:
            pass  # an unwritable cache compiles the templates again next time; nothing more

    def _prune(self, keep: str) -> None:
        others = []
        for path in self.directory.iterdir():
            if path.name != keep and not path.name.startswith("."):
                try:
                    others.append((path.stat().st_mtime, path))
                except OSError:
                    continue  # removed meanwhile by another run
        others.sort(reverse=True)
        for _, old in others[KEEP - 1 :]:
            old.unlink(missing_ok=True)


def _seal(data: bytes) -> bytes:
    return hashlib.sha256(data).digest() + data


def _unseal(stored: bytes) -> bytes | None:
    """The data of an intact entry; None for a damaged one."""
    digest, data = stored[:_DIGEST], stored[_DIGEST:]
    return data if hashlib.sha256(data).digest() == digest else None
