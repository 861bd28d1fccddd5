"""What black costs a cold ``generate`` of a spec directory: its CPU time file by file, and the
files it would change (each costs a second pass).

    python benchmarks/black_floor.py [SPEC_DIR] [--top N]

Every rendered module is timed through one ``black.format_str`` in this process, the largest
first. The rendered code is meant to be black-stable, so one pass is what a cold build pays: half
the total is the least wall time two CPUs can format it in, whatever else the build does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's generator, installed or not

from generator import render
from generator.format import black_mode
from generator.pipeline import build_ir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec_dir", type=Path, nargs="?", default=ROOT / "spec")
    parser.add_argument("--top", type=int, default=5, help="files to list, the costliest first")
    options = parser.parse_args(argv)
    import black

    renderer = render.Renderer()
    modules = [
        (job.path, renderer.render(job))
        for job in render.plan(build_ir(options.spec_dir))
        if job.path.endswith(".py") and not renderer.formatted(job)
    ]
    modules.sort(key=lambda module: len(module[1]), reverse=True)
    timed, unstable = [], []
    for path, text in modules:
        start = time.process_time()
        formatted = black.format_str(text, mode=black_mode())
        timed.append((time.process_time() - start, len(text), path))
        if formatted != text:
            unstable.append(path)
    total = sum(seconds for seconds, _, _ in timed)
    size = sum(length for _, length, _ in timed)
    print(f"{len(timed)} modules black formats, {size / 1e6:.2f} MB: {total:.2f} s of CPU, one pass each")
    print(f"on two CPUs, at best {total / 2:.2f} s of wall time")
    print(f"not black-stable (a second pass each): {len(unstable)}" + "".join(f"\n  {path}" for path in unstable))
    for seconds, length, path in sorted(timed, reverse=True)[: options.top]:
        print(f"{seconds * 1e3:9.1f} ms {length:>10,} bytes  {path}")
    return 1 if unstable else 0


if __name__ == "__main__":
    sys.exit(main())
