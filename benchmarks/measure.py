"""Timing and reporting: medians of repeated runs, ratios within one run, and the results table.

Every figure is a median of ``repeat`` runs; every target is a ceiling on a ratio between two
medians taken in the same run (or, for the one wall-time target, on seconds on this machine).
"""

from __future__ import annotations

import gc
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def median_time(run: Callable[[], object], repeat: int, number: int = 1) -> float:
    """The median of ``repeat`` timings of ``number`` calls, in seconds per call."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            run()
        timings.append((time.perf_counter() - start) / number)
    return statistics.median(timings)


def median_alternating(runs: Sequence[Callable[[], object]], repeat: int) -> list[float]:
    """Medians of runs timed in turn, round after round, so that a busy machine slows each alike."""
    timings: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, into in zip(runs, timings):
            # Each run starts with no garbage left by the one before it for the collector to visit.
            gc.collect()
            start = time.perf_counter()
            run()
            into.append(time.perf_counter() - start)
    return [statistics.median(timing) for timing in timings]


def median_command(
    argv: Sequence[str | Path],
    repeat: int,
    *,
    before: Callable[[], object] | None = None,
    timeout: float | None = None,
    **options: Any,
) -> float:
    """The median wall time of a command; ``before`` runs untimed ahead of each run (to reset state).

    Raises ``subprocess.CalledProcessError`` when the command fails and ``subprocess.TimeoutExpired``
    when one run outlasts ``timeout`` seconds (the command and everything it started are killed).
    """

    def once() -> float:
        if before is not None:
            before()
        start = time.perf_counter()
        run_command(argv, timeout, **options)
        return time.perf_counter() - start

    return statistics.median(once() for _ in range(repeat))


def median_commands(commands: Mapping[str, tuple[Sequence[str | Path], Mapping[str, str]]], repeat: int) -> dict[str, float]:
    """Median wall times of several commands, each ``(argv, environment)``, run in turn after one
    untimed warm-up round.

    Alternating spreads a busy machine's noise over all of them alike; the warm-up leaves every
    interpreter reading bytecode, as an installed package does.
    """
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(repeat + 1):
        for name, (argv, env) in commands.items():
            start = time.perf_counter()
            run_command(argv, env=env)
            if round_:
                timings[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


@dataclass(frozen=True)
class Timed:
    """A command to time: its argv, what resets its state before each run, its run options."""

    argv: Sequence[str | Path]
    before: Callable[[], object] | None = None
    timeout: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timing:
    """A command's median; or the time it was given when it did not finish (a lower bound); or
    no figure, with the reason."""

    seconds: float | None
    lower_bound: bool = False
    note: str = ""


def interleaved(commands: Mapping[str, Timed], repeat: int, *, warmup: bool) -> dict[str, Timing]:
    """Median wall times of several commands run in turn, ``repeat`` rounds of one run each.

    Taking turns (ours, a peer, ours, a peer...) spreads whatever else loads the machine over
    every command alike. ``warmup`` adds an untimed first round. A command that fails or
    outlasts its timeout is dropped from later rounds and reported as such.
    """
    timings: dict[str, list[float]] = {name: [] for name in commands}
    ended: dict[str, Timing] = {}
    for round_ in range(repeat + warmup):
        for name, command in commands.items():
            if name in ended:
                continue
            if command.before is not None:
                command.before()
            start = time.perf_counter()
            try:
                run_command(command.argv, command.timeout, **command.options)
            except subprocess.TimeoutExpired:
                limit = command.timeout or 0.0
                ended[name] = Timing(limit, lower_bound=True, note=f"did not finish in {shown(limit, 's')}: killed, so its figure is a lower bound")
                continue
            except subprocess.CalledProcessError as error:
                ended[name] = Timing(None, note=failure(error))
                continue
            if round_ >= warmup:
                timings[name].append(time.perf_counter() - start)
    return {name: ended.get(name) or Timing(statistics.median(timings[name])) for name in commands}


def failure(error: subprocess.CalledProcessError) -> str:
    """A failed command for the table: its exit status and the last line it wrote to stderr."""
    lines = (error.stderr or b"").decode(errors="replace").strip().splitlines()
    return f"failed (exit {error.returncode}): {lines[-1] if lines else 'no message'}".replace("|", "/")


def run_command(argv: Sequence[str | Path], timeout: float | None = None, **options: Any) -> None:
    """Run a command to completion, killing its whole process group if it outlasts ``timeout``.

    ``subprocess.run(timeout=...)`` kills only the direct child: a peer's post-hook (black, ruff)
    would go on formatting in the background and slow every later measurement.
    """
    command = [str(part) for part in argv]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, **options) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, stderr=stderr)


@dataclass
class Row:
    """One comparison: our median against a baseline's, with an optional ceiling on the ratio."""

    section: str
    name: str
    ours: float | None
    baseline_name: str
    baseline: float | None
    ceiling: float | None = None
    unit: str = "s"
    note: str = ""
    # The baseline did not finish: its figure is the time it was given, a lower bound, so the
    # ratio is an upper bound (met when within the ceiling, undecided otherwise).
    baseline_is_lower_bound: bool = False

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.baseline is None or self.baseline == 0:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> str:
        if self.ceiling is None:
            return "—"
        if self.ratio is None:
            return "skipped"
        if self.ratio <= self.ceiling:
            return "yes"
        return "undecided" if self.baseline_is_lower_bound else "NO"


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        if value < 0.001:
            return f"{value * 1e6:.1f} µs"
        if value < 10:
            return f"{value * 1000:.1f} ms"
        return f"{value:.2f} s" if value < 600 else f"{value / 60:.1f} min"
    return f"{value:,.0f} {unit}"


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (also readable as plain text)."""
    lines = [
        "| section | benchmark | ours | baseline | baseline median | ratio | ceiling | met | note |",
        "|---|---|---:|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        bound = "> " if row.baseline_is_lower_bound else ""
        ratio = "—" if row.ratio is None else f"{'< ' if bound else ''}{row.ratio:.3f}"
        ceiling = "—" if row.ceiling is None else f"{row.ceiling:g}"
        lines.append(
            f"| {row.section} | {row.name} | {shown(row.ours, row.unit)} | {row.baseline_name} | "
            f"{bound}{shown(row.baseline, row.unit)} | {ratio} | {ceiling} | {row.met} | {row.note} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = cpu
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{platform.system()} {platform.release()}, {model}, {os.cpu_count()} CPUs "
        f"(load average at the end: {load}); Python {sys.version.split()[0]}"
    )
