"""Command-line entry: argument parsing only; each command is one call into the pipeline."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import GenerationError, SpecErrors, not_installed
from .output import UnsafeOutput, compare, guard, write_tree
from .pipeline import build_files, build_ir

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".dfsgen-cache"
EXIT_OK, EXIT_DRIFT, EXIT_SPEC = 0, 1, 2
# The virtualenv the README's commands make; a Python without dfsgen's libraries hands over to it.
VENV = ROOT / ".venv"
HANDED_OVER = "DFSGEN_HANDED_OVER"  # set in the handed-over process, so it never hands over again


def _validate(args: argparse.Namespace) -> int:
    api = build_ir(args.spec_dir)
    fields = sum(len(endpoint.result.walk()) - 1 for endpoint in api.endpoints)
    params = sum(len(endpoint.params) for endpoint in api.endpoints)
    print(f"{len(api.endpoints)} endpoints, {params} parameters, {fields} response fields: ok")
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    files = build_files(args.spec, args.cache, args.templates)
    guard(args.out, [args.spec, *(p for p in (args.templates, ROOT / "templates", ROOT / "generator") if p)])
    write_tree(files, args.out)
    print(f"wrote {len(files)} files to {_shown(args.out)}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    files = build_files(args.spec, args.cache, args.templates)
    drift = compare(files, args.out, _shown(args.out))
    if drift.clean:
        print(f"{_shown(args.out)} is up to date ({len(files)} files)")
        return EXIT_OK
    sys.stdout.write(drift.diff)
    for label, paths in (("changed", drift.changed), ("missing", drift.missing), ("orphaned", drift.orphaned)):
        for path in paths:
            print(f"{label}: {_shown(args.out)}/{path}", file=sys.stderr)
    print(f"{_shown(args.out)} has drifted from the specs and templates: run `dfsgen generate`", file=sys.stderr)
    return EXIT_DRIFT


def _breaking(args: argparse.Namespace) -> int:
    from .drift.breaking import compare as compare_specs

    changes = compare_specs(build_ir(args.old_spec_dir), build_ir(args.new_spec_dir))
    for change in changes:
        print(change)
    broken = sum(change.breaking for change in changes)
    print(f"{broken} breaking change(s), {len(changes) - broken} non-breaking", file=sys.stderr)
    return EXIT_DRIFT if broken else EXIT_OK


def _import_docs(args: argparse.Namespace) -> int:
    from .importers.docs_page import import_page
    from .importers.emit import emit_spec, save_draft

    text = emit_spec(import_page(args.page, args.api).spec)
    if args.output is None:
        sys.stdout.write(text)
    else:
        save_draft(text, args.output, overwrite=args.force)
        print(f"wrote {_shown(args.output)}", file=sys.stderr)
    return EXIT_OK


def _docs_diff(args: argparse.Namespace) -> int:
    from .drift.docs_diff import docs_diff, find_api

    differences = docs_diff(args.page, args.spec, args.api or find_api(args.spec))
    for difference in differences:
        print(difference)
    if differences:
        print(f"{len(differences)} difference(s) between {_shown(args.page)} and {_shown(args.spec)}", file=sys.stderr)
        return EXIT_DRIFT
    print(f"{_shown(args.page)} and {_shown(args.spec)} agree")
    return EXIT_OK


def _import_openapi(args: argparse.Namespace) -> int:
    from .importers.openapi import constraint_counts, import_document, load_document, write_drafts

    imported = import_document(load_document(args.document), args.path)
    written = write_drafts(imported, args.output, args.api, overwrite=args.force)
    for line in [*imported.skipped, *imported.notes]:
        print(line, file=sys.stderr)
    print(
        f"wrote {len(written)} files to {_shown(args.output)}: {len(imported.drafts)} endpoints, "
        f"{len(imported.notes)} notes to review, {len(imported.skipped)} operations not imported"
    )
    total, constrained, per_key = constraint_counts(imported)
    print(f"{constrained} of {total} parameters got at least one constraint from prose; per key:")
    for key, count in sorted(per_key.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {key}: {count}")
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="dfsgen", description="Generate the DataForSEO client from spec/.")
    commands = main.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check the specs and report every error")
    validate.add_argument("spec_dir", nargs="?", type=Path, default=ROOT / "spec")
    validate.set_defaults(run=_validate)
    for name, run, text in (
        ("generate", _generate, "render the specs and replace the output directory"),
        ("check", _check, "render the specs and report drift from the output directory; write nothing"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--spec", type=Path, default=ROOT / "spec", help="spec directory (default: spec/)")
        command.add_argument("--out", type=Path, default=ROOT / "generated", help="output directory (default: generated/)")
        command.add_argument("--templates", type=Path, default=None, help="directory of templates overriding the built-in ones")
        command.add_argument("--cache", type=Path, default=CACHE, help="cache directory (default: .dfsgen-cache/); a fresh one runs cold")
        command.set_defaults(run=run)
    import_openapi = commands.add_parser("import-openapi", help="draft one spec per operation of an OpenAPI 3.0 document")
    import_openapi.add_argument("document", type=Path, help="the OpenAPI document (JSON)")
    import_openapi.add_argument("--path", default=None, help="only paths matching this glob ('*' crosses '/'), or 're:REGEX'")
    import_openapi.add_argument("-o", "--output", type=Path, required=True, help="spec directory to write group/name.yaml files into")
    import_openapi.add_argument("--force", action="store_true", help="replace existing spec files")
    import_openapi.add_argument("--api", type=Path, default=ROOT / "spec" / "api.yaml", help="api.yaml to copy when the output has none (default: spec/api.yaml)")
    import_openapi.set_defaults(run=_import_openapi)
    breaking = commands.add_parser("breaking", help="exit 1 when NEW would break code written against OLD's client")
    breaking.add_argument("old_spec_dir", type=Path)
    breaking.add_argument("new_spec_dir", type=Path)
    breaking.set_defaults(run=_breaking)
    import_docs = commands.add_parser("import-docs", help="draft a spec from a copied documentation page")
    import_docs.add_argument("page", type=Path, help="a page as in docs/api-pages/")
    import_docs.add_argument("-o", "--output", type=Path, default=None, help="write the draft here (default: stdout)")
    import_docs.add_argument("--force", action="store_true", help="replace an existing --output file")
    import_docs.add_argument("--api", type=Path, default=ROOT / "spec" / "api.yaml", help="the API-wide spec (default: spec/api.yaml)")
    import_docs.set_defaults(run=_import_docs)
    docs_diff = commands.add_parser("docs-diff", help="exit 1 listing each difference between a documentation page and its spec")
    docs_diff.add_argument("page", type=Path)
    docs_diff.add_argument("spec", type=Path)
    docs_diff.add_argument("--api", type=Path, default=None, help="the API-wide spec (default: the api.yaml above SPEC)")
    docs_diff.set_defaults(run=_docs_diff)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(arguments)
    try:
        code: int = args.run(args)
    except SpecErrors as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        print(f"{len(failure.errors)} error(s) in the specs; nothing was written", file=sys.stderr)
        return EXIT_SPEC
    except (GenerationError, UnsafeOutput) as failure:
        if isinstance(failure, GenerationError) and failure.stage == "setup":
            _hand_over(arguments, failure.target)
        print(f"error: {failure}; nothing was written", file=sys.stderr)
        return EXIT_SPEC
    except ModuleNotFoundError as missing:  # jinja2, yaml, jsonschema, black: imported on first need
        _hand_over(arguments, missing.name or "a library")
        print(f"error: {missing.name} is {not_installed()}", file=sys.stderr)
        return EXIT_SPEC
    return code


def _hand_over(arguments: list[str], missing: str) -> None:
    """Run the command again in the project's virtualenv, when this Python lacks a library and
    that one exists: ``python -m generator check`` from a checkout then works with any ``python``
    on PATH. Nothing has been written when a library is found missing, so running again is safe.
    Returns only when there is no virtualenv to hand over to (or this is it)."""
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if os.environ.get(HANDED_OVER) or not python.is_file() or Path(sys.prefix).resolve() == VENV.resolve():
        return
    print(f"note: {missing} is not installed for {sys.executable}; running under {_shown(python)}", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(python, [str(python), "-m", "generator", *arguments], {**os.environ, HANDED_OVER: "1"})
