"""The pipeline, top to bottom: load → check → model → render → format.

Every stage is a plain function of its input. ``build_ir`` stops after the model stage (what
``validate`` needs); ``build_files`` goes on to the formatted file map that ``generate`` writes
and ``check`` compares, rendering and formatting each file in whichever process claims it
(parallel.py). Neither touches ``generated/``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, parallel, render
from .errors import GenerationError, SpecError, SpecErrors
from .export import export_files
from .format import format_one
from .ir import Api
from .model import build_api

if TYPE_CHECKING:
    from .load import Document

API_FILE = "api.yaml"


def spec_files(spec_dir: Path) -> list[Path]:
    """Every YAML file under ``spec_dir``, in a stable order."""
    return sorted(p for p in spec_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def display_path(path: Path, spec_dir: Path) -> str:
    """How a spec file is named in messages and generated headers: relative to the spec dir's parent."""
    try:
        return path.resolve().relative_to(spec_dir.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()


def load_specs(spec_dir: Path) -> tuple[Document | None, list[Document], list[SpecError]]:
    """Load and meta-schema-check every file; documents that fail are left out, errors kept."""
    return _check(spec_dir, *_load(spec_dir))


Loaded = list[tuple[str, "Document"]]
"""Each spec file that parsed, with its role ("api" or "endpoint"), in the order of spec_files."""


def _load(spec_dir: Path) -> tuple[Loaded, list[SpecError]]:
    """Parse every spec file: the documents, and the errors of those that did not parse."""
    # Imported here, not above: a build answered by the cache never loads PyYAML.
    from .load import load_file

    if not spec_dir.is_dir():
        raise SpecErrors([SpecError(spec_dir.as_posix(), 0, "", "spec directory not found")])
    loaded: Loaded = []
    errors: list[SpecError] = []
    for path in spec_files(spec_dir):
        role = "api" if path.relative_to(spec_dir).as_posix() == API_FILE else "endpoint"
        try:
            loaded.append((role, load_file(path, display_path(path, spec_dir))))
        except SpecErrors as failure:
            errors.extend(failure.errors)
    return loaded, errors


def _check(spec_dir: Path, loaded: Loaded, errors: list[SpecError]) -> tuple[Document | None, list[Document], list[SpecError]]:
    """Meta-schema-check the parsed documents: the API-wide one and the endpoints that pass, and
    every error so far."""
    # Imported here, not above: a build answered by the cache never loads jsonschema.
    from .check import check_document

    errors = list(errors)
    passed: Loaded = []
    for role, document in loaded:
        problems = check_document(document, role)
        errors.extend(problems)
        if not problems:
            passed.append((role, document))
    api_doc, endpoint_docs = _roles(passed)
    api_name = display_path(spec_dir / API_FILE, spec_dir)
    if api_doc is None and not any(error.file == api_name for error in errors):
        errors.append(SpecError(api_name, 0, "", "missing: every spec directory needs the API-wide file"))
    return api_doc, endpoint_docs, errors


def _roles(loaded: Loaded) -> tuple[Document | None, list[Document]]:
    api_doc = next((document for role, document in loaded if role == "api"), None)
    return api_doc, [document for role, document in loaded if role == "endpoint"]


def _model(api_doc: Document | None, endpoint_docs: list[Document], errors: list[SpecError]) -> Api:
    """The IR of checked documents; SpecErrors with every error found, the earlier stages' included."""
    errors = list(errors)
    api = None
    if api_doc is not None:
        api, semantic = build_api(api_doc, endpoint_docs)
        errors.extend(semantic)
    if errors or api is None:
        raise SpecErrors(errors)
    return api


def build_ir(spec_dir: Path) -> Api:
    """Load, check and model ``spec_dir``; raise SpecErrors with every error found."""
    return _model(*load_specs(spec_dir))


def build_files(spec_dir: Path, cache_dir: Path | None = None, override_dir: Path | None = None) -> dict[str, str]:
    """The whole generated tree, rendered and formatted, in memory: what ``generate`` writes."""
    key = cache.build_key(spec_dir, override_dir) if cache_dir is not None else None
    if cache_dir is not None and key is not None and (hit := cache.load(cache_dir, key)) is not None:
        return hit
    files = _build(spec_dir, cache_dir, override_dir)
    # Stored only if no input changed while building, so an entry always matches its key.
    if cache_dir is not None and key is not None and key == cache.build_key(spec_dir, override_dir):
        cache.store(cache_dir, key, files)
    return files


def _build(spec_dir: Path, cache_dir: Path | None, override_dir: Path | None) -> dict[str, str]:
    """Every file rendered and formatted, on every CPU.

    Helpers are forked as soon as the specs are parsed, and start rendering and formatting while
    this process checks the specs against the meta-schema: they model the documents as parsed,
    which are exactly the checked ones when the check passes. When it fails, they are stopped and
    the errors raised as from a build in one process; so are rendering and formatting errors (the
    first file in the order one process would have met it).
    """
    with _long_lived_heap() as keep:
        with _collector_paused():
            # Nearly everything parsing makes is kept: a collection while it runs would only
            # walk the documents made so far, again and again.
            loaded, errors = _load(spec_dir)
        keep()
        maker = _Maker(override_dir, cache_dir)

        def unchecked_plan() -> list[render.Job]:
            jobs = maker.plan(_model(*_roles(loaded), []))
            keep()
            return jobs

        # No more processes than spec files: more would mostly import Jinja and black for nothing.
        processes = min(parallel.available_cpus(), len(loaded))
        with parallel.Helpers(unchecked_plan, maker.make, _path, processes) as helpers:
            api = _model(*_check(spec_dir, loaded, errors))
            jobs = maker.plan(api)
            keep()
            exported = export_files(api)  # JSON, nothing to format; made while the helpers work
            made = dict(zip((job.path for job in jobs), helpers.map(jobs)))
    for stage, paths in (("render", [job.path for job in render.plan(api)]), ("format", sorted(made))):
        for path in paths:
            failure = made[path][1]
            if failure is not None and failure[0] == stage:
                raise GenerationError(*failure)
    return {**{path: made[path][0] for path in sorted(made)}, **exported}


@contextmanager
def _long_lived_heap() -> Iterator[Callable[[], None]]:
    """``keep()`` leaves every object alive so far (the documents, then the IR and the plan) out of
    the cyclic collector's passes until the build ends.

    black makes and drops millions of objects, each of its trees full of reference cycles, and
    every full collection they set off would walk the whole build's data again: that made a
    2,000-endpoint build 1.5× slower per endpoint than a 500-endpoint one. Frozen objects are
    still freed by reference counting; what they leave in cycles is collected after the build.
    A caller that froze objects of its own (a server before forking workers) keeps them frozen:
    then nothing is frozen here, since ending the build would thaw them too.
    """
    if gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


Made = tuple[str, "tuple[str, str, str] | None"]
"""A file's formatted text; or "" and its error's stage, target and detail (which cross processes)."""


def _path(job: render.Job) -> str:
    return job.path


class _Maker:
    """Renders and formats one file: the unit of work the processes share."""

    def __init__(self, override_dir: Path | None, cache_dir: Path | None) -> None:
        self.renderer = render.Renderer(override_dir, cache_dir)
        self.cache_dir = cache_dir

    def plan(self, api: Api) -> list[render.Job]:
        """Every file to make, the most work first (claimed last, a big file would keep one process
        busy while the others have nothing left to do)."""
        return sorted(render.plan(api), key=self.renderer.weight, reverse=True)

    def make(self, job: render.Job) -> Made:
        try:
            text = self.renderer.render(job)
            if self.renderer.formatted(job):
                return text, None
            text, failure = format_one(job.path, text, self.cache_dir)
        except GenerationError as error:
            failure = error
        if failure is not None:
            return "", (failure.stage, failure.target, failure.detail)
        return text, None
