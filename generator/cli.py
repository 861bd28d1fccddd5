"""Command-line entry: argument parsing only; each command is one call into the pipeline."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import GenerationError, SpecErrors
from .output import UnsafeOutput, compare, guard, write_tree
from .pipeline import build_files, build_ir

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".dfsgen-cache"
EXIT_OK, EXIT_DRIFT, EXIT_SPEC = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    api = build_ir(args.spec_dir)
    fields = sum(len(endpoint.result.walk()) - 1 for endpoint in api.endpoints)
    params = sum(len(endpoint.params) for endpoint in api.endpoints)
    print(f"{len(api.endpoints)} endpoints, {params} parameters, {fields} response fields: ok")
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    files = build_files(args.spec, CACHE, args.templates)
    guard(args.out, [args.spec, *(p for p in (args.templates, ROOT / "templates", ROOT / "generator") if p)])
    write_tree(files, args.out)
    print(f"wrote {len(files)} files to {_shown(args.out)}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    files = build_files(args.spec, CACHE, args.templates)
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
        command.set_defaults(run=run)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except SpecErrors as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        print(f"{len(failure.errors)} error(s) in the specs; nothing was written", file=sys.stderr)
        return EXIT_SPEC
    except (GenerationError, UnsafeOutput) as failure:
        print(f"error: {failure}; nothing was written", file=sys.stderr)
        return EXIT_SPEC
    return code
