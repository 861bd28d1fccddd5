"""The pipeline, top to bottom: load → check → model → render → format.

Every stage is a plain function of its input. ``build_ir`` stops after the model stage (what
``validate`` needs); ``render_package`` goes on to the formatted file map that ``generate``
writes and ``check`` compares. Neither touches ``generated/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from .errors import SpecError, SpecErrors
from .export import export_files
from .format import format_files
from .ir import Api
from .model import build_api
from .render import render_package

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
    # Imported here, not above: a build answered by the cache never loads PyYAML or jsonschema.
    from .check import check_document
    from .load import load_file

    errors: list[SpecError] = []
    api_doc: Document | None = None
    endpoint_docs: list[Document] = []
    if not spec_dir.is_dir():
        raise SpecErrors([SpecError(spec_dir.as_posix(), 0, "", "spec directory not found")])
    for path in spec_files(spec_dir):
        name = display_path(path, spec_dir)
        role = "api" if path.relative_to(spec_dir).as_posix() == API_FILE else "endpoint"
        try:
            document = load_file(path, name)
        except SpecErrors as failure:
            errors.extend(failure.errors)
            continue
        problems = check_document(document, role)
        errors.extend(problems)
        if problems:
            continue
        if role == "api":
            api_doc = document
        else:
            endpoint_docs.append(document)
    api_name = display_path(spec_dir / API_FILE, spec_dir)
    if api_doc is None and not any(error.file == api_name for error in errors):
        errors.append(SpecError(api_name, 0, "", "missing: every spec directory needs the API-wide file"))
    return api_doc, endpoint_docs, errors


def build_ir(spec_dir: Path) -> Api:
    """Load, check and model ``spec_dir``; raise SpecErrors with every error found."""
    api_doc, endpoint_docs, errors = load_specs(spec_dir)
    api = None
    if api_doc is not None:
        api, semantic = build_api(api_doc, endpoint_docs)
        errors.extend(semantic)
    if errors or api is None:
        raise SpecErrors(errors)
    return api


def build_files(spec_dir: Path, cache_dir: Path | None = None, override_dir: Path | None = None) -> dict[str, str]:
    """The whole generated tree, rendered and formatted, in memory: what ``generate`` writes."""
    key = cache.build_key(spec_dir, override_dir) if cache_dir is not None else None
    if cache_dir is not None and key is not None and (hit := cache.load(cache_dir, key)) is not None:
        return hit
    api = build_ir(spec_dir)
    # The export is JSON, which format_files passes through untouched.
    files = format_files({**render_package(api, override_dir), **export_files(api)}, cache_dir)
    # Stored only if no input changed while building, so an entry always matches its key.
    if cache_dir is not None and key is not None and key == cache.build_key(spec_dir, override_dir):
        cache.store(cache_dir, key, files)
    return files
