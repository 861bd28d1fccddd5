"""dfsgen's benchmarks against its peers: every figure a median, every target a ratio from one run.

    python benchmarks/run.py                  (or `nox -s bench`, which installs the peers)
    python benchmarks/run.py --items 1000 --scales 5,50,500,2000 --repeat 5
    python benchmarks/run.py --only client    (generation | scaling | client)
    python benchmarks/run.py --peer-timeout 1800   (seconds a peer run may take; default 40 min)

1. Generation: ``dfsgen generate`` cold and ``dfsgen check`` warm (``COLD`` says exactly what
   is cleared), against openapi-python-client (default ruff hooks, and black hooks) and
   ``datamodel-codegen --check``, each fed the OpenAPI export dfsgen writes for the same
   endpoints: the five real endpoints, and the 548 operations of the upstream document imported
   with ``dfsgen import-openapi`` (one run each; a peer that outlasts its timeout is killed and
   its time kept as a lower bound, a peer that fails is kept with its error). Ours and the peers
   run in turn, round after round, so that whatever else loads the machine slows both alike.
2. Scaling: generate and check for synthetic spec directories of growing size; the time per
   endpoint must not grow from one size to the next (a step above the ceiling is a miss).
3. Client: parsing a large response into models against ``json.loads`` of the same bytes and
   against the official client's models; import plus a first call against importing the
   official client's BacklinksApi, and against httpx alone doing the same (the floor our one
   runtime dependency sets), each side with only its own dependencies importable (isolated.py);
   validating a call; 30 concurrent async calls.

The table is written to ``benchmarks/results.md`` after every step (marked partial until the
last), with the machine it ran on and ``where_the_time_goes.md`` (the profiles behind the missed
targets) after it, and printed at the end. The run exits 1 when a target is missed; a comparison
whose peer is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "generated")]

import cases
import isolated
import peers
import synthetic
from measure import (
    Row,
    Timed,
    Timing,
    failure,
    interleaved,
    machine,
    median_alternating,
    median_command,
    median_commands,
    median_time,
    run_command,
    table,
)
from server import CannedServer

PYTHON = sys.executable
DFSGEN = [PYTHON, "-m", "generator"]


SECTIONS = ("generation", "scaling", "client")


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    for message in peers.report_missing():
        print(f"peer missing: {message}", file=sys.stderr)
    rows: dict[str, list[Row]] = {section: [] for section in SECTIONS}
    with tempfile.TemporaryDirectory(prefix="dfsgen-bench-") as scratch:
        steps = planned_steps(Path(scratch), options)
        for index, (section, label, step) in enumerate(steps):
            print(f"running: {label}", file=sys.stderr, flush=True)
            rows[section] += step()
            if options.write:
                # Written after every step: the 548-operation case may run for an hour, and a run
                # stopped before its end still leaves the figures it measured.
                still_to_run = [later for _, later, _ in steps[index + 1:]]
                write_results(options.write, table(ordered(rows)), options, still_to_run)
    text = table(ordered(rows))
    print(text)
    return 1 if any(row.met == "NO" for row in ordered(rows)) else 0


Step = tuple[str, str, Callable[[], list[Row]]]


def planned_steps(work: Path, options: argparse.Namespace) -> list[Step]:
    """The steps to run, quick ones first: the 548-operation case, whose peers may run for their
    whole timeout, comes last."""
    steps: list[Step] = []
    if "generation" in options.only:
        steps.append(("generation", "generation, five endpoints",
                      lambda: generation_case("five endpoints", cases.SPEC_DIR, work / "five", options.repeat, options.peer_timeout)))
    if "client" in options.only:
        steps.append(("client", "client", lambda: client_rows(work, options.items, options.repeat)))
    if "scaling" in options.only:
        steps.append(("scaling", "scaling", lambda: scaling_rows(work, options.scales, options.repeat)))
    if "generation" in options.only:
        steps.append(("generation", "generation, 548 operations", lambda: imported_rows(work, options.imported, options.peer_timeout)))
    return steps


def ordered(rows: dict[str, list[Row]]) -> list[Row]:
    return [row for section in SECTIONS for row in rows[section]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="items in each parsed response (default 1000)")
    parser.add_argument("--scales", default="5,50,500,2000", help="endpoint counts for the scaling runs")
    parser.add_argument("--repeat", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--only", default="generation,scaling,client", help="sections to run, comma-separated")
    parser.add_argument("--no-imported", dest="imported", action="store_false", help="skip the 548-operation case (it takes many minutes)")
    parser.add_argument("--peer-timeout", type=float, default=2400.0,
                        help="seconds one peer run may take before it is killed and recorded as a lower bound (default 2400)")
    parser.add_argument("--write", type=Path, default=HERE / "results.md", help="where the results table goes")
    parser.add_argument("--no-write", dest="write", action="store_const", const=None)
    options = parser.parse_args(argv)
    options.scales = [int(n) for n in options.scales.split(",") if n]
    options.only = set(options.only.split(","))
    return options


# -- 1. generation against peers --------------------------------------------------------------


def imported_rows(work: Path, with_imported: bool, peer_timeout: float) -> list[Row]:
    if not with_imported:
        return [Row("generation", "548 operations", None, "—", None, 0.5, note="not run (--no-imported)")]
    imported = cases.imported_specs(work / "imported-specs")
    if imported is None:
        note = "dfsgen import-openapi is not available: the 548-operation case needs it"
        return [Row("generation", "548 operations", None, "—", None, 0.5, note=note)]
    # One run each: our cold generate takes minutes here, and a peer may run for its whole timeout.
    return generation_case("548 operations", imported, work / "all", 1, peer_timeout)


COLD = (
    "cold: the --cache directory (whole builds and black's per-file cache) is deleted before every run; "
    "compiled templates are kept, as Python keeps __pycache__, in a scratch DFSGEN_TEMPLATE_CACHE filled by an "
    "untimed first run, which also leaves the generator's modules compiled in __pycache__; the peers run from their "
    "installed bytecode. warm: right after a cold run, both caches full"
)


def generation_case(label: str, spec: Path, work: Path, repeat: int, peer_timeout: float) -> list[Row]:
    """Ours and the peers in turn, round after round (see ``COLD``): our cold generate, the two
    openapi-python-client runs, our warm check, datamodel-codegen --check."""
    out, cache = work / "out", work / "cache"
    options: dict[str, Any] = {"cwd": ROOT, "env": ours_env(work)}
    generate: list[str | Path] = [*DFSGEN, "generate", "--spec", spec, "--out", out, "--cache", cache]
    # Untimed: it writes the OpenAPI export the peers are fed, and compiles the templates.
    run_command(generate, **options)
    peer_timed, untimed = peer_commands(out / "openapi.json", work, peer_timeout)
    commands = {
        "ours, cold": Timed(generate, before=lambda: shutil.rmtree(cache, ignore_errors=True), options=options),
        **{name: peer_timed[name] for name in ("opc", "opc, black") if name in peer_timed},
        "ours, warm": Timed([*DFSGEN, "check", "--spec", spec, "--out", out, "--cache", cache], options=options),
        **{name: peer_timed[name] for name in ("datamodel",) if name in peer_timed},
    }
    # A warm-up round when there are several: the first run of each command pays for cold disk caches.
    timings = {**untimed, **interleaved(commands, repeat, warmup=repeat > 1)}
    opc, opc_black = (with_operations(timings[name], work / "opc") for name in ("opc", "opc, black"))
    cold, warm = timings["ours, cold"], timings["ours, warm"]
    rows = [
        row(f"generate, cold, {label}", cold, "openapi-python-client, ruff hooks", opc, 0.5),
        row(f"generate, cold, {label}", cold, "openapi-python-client, black hooks", opc_black, 0.1 if label.startswith("548") else None),
        row(f"check, warm, {label}", warm, "datamodel-codegen --check", timings["datamodel"], 0.25),
    ]
    if label == "five endpoints":
        rows.append(row("check, warm, five endpoints, wall", warm, "0.3 s on this machine", Timing(0.3), 1.0))
    return rows


def ours_env(work: Path) -> dict[str, str]:
    """dfsgen's environment: compiled templates in the scratch directory, not the user's cache;
    and bytecode writes allowed, so that the untimed first run leaves the generator's own modules
    compiled in __pycache__, as an installed package's are (and the peers' are)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "DFSGEN_TEMPLATE_CACHE": str(work / "compiled-templates")}


def row(name: str, ours: Timing, baseline_name: str, baseline: Timing, ceiling: float | None) -> Row:
    note = "; ".join(part for part in (ours.note and f"ours {ours.note}", baseline.note) if part)
    return Row("generation", name, ours.seconds, baseline_name, baseline.seconds, ceiling, note=note,
               baseline_is_lower_bound=baseline.lower_bound)


def peer_commands(export: Path, work: Path, timeout: float) -> tuple[dict[str, Timed], dict[str, Timing]]:
    """The peers' timed commands, fed our OpenAPI export; and the outcome of each peer that
    cannot be timed (not installed, or its untimed first step failed)."""
    env = peers.tool_env()
    commands: dict[str, Timed] = {}
    untimed: dict[str, Timing] = {}
    tool = peers.OPENAPI_PYTHON_CLIENT.path()
    if tool is None:
        untimed["opc"] = untimed["opc, black"] = Timing(None, note=peers.OPENAPI_PYTHON_CLIENT.missing())
    else:
        base: list[str | Path] = [tool, "generate", "--path", export, "--output-path", work / "opc", "--overwrite"]
        black_config = work / "opc-black.yaml"
        black_config.write_text('post_hooks: ["black ."]\n', encoding="utf-8")
        commands["opc"] = Timed(base, timeout=timeout, options={"cwd": work, "env": env})
        commands["opc, black"] = Timed([*base, "--config", black_config], timeout=timeout, options={"cwd": work, "env": env})
    tool = peers.DATAMODEL_CODEGEN.path()
    if tool is None:
        untimed["datamodel"] = Timing(None, note=peers.DATAMODEL_CODEGEN.missing())
    else:
        # Untimed: the models --check compares with; without a timestamp, so that it compares like with like.
        command: list[str | Path] = [tool, "--input", export, "--input-file-type", "openapi", "--output", work / "models.py", "--disable-timestamp"]
        first = interleaved({"datamodel": Timed(command, timeout=timeout, options={"env": env})}, 1, warmup=False)["datamodel"]
        if first.seconds is None or first.lower_bound:
            untimed["datamodel"] = first
        else:
            commands["datamodel"] = Timed([*command, "--check"], timeout=timeout, options={"env": env})
    return commands, untimed


def with_operations(timing: Timing, output: Path) -> Timing:
    """Notes how many operations openapi-python-client generated: it skips (with a warning, exit 0)
    the parts of a document it cannot read, and a client of fewer operations is less work."""
    if timing.seconds is None or timing.lower_bound:
        return timing
    modules = [path for path in output.glob("*/api/*/*.py") if path.name != "__init__.py"]
    return Timing(timing.seconds, note=f"{len(modules)} operations generated")


# -- 2. scaling -------------------------------------------------------------------------------

STEP_CEILING = 1.25  # per-endpoint time may not grow by more than this (noise) from one size to the next


def scaling_rows(work: Path, scales: list[int], repeat: int) -> list[Row]:
    rows = []
    previous: dict[str, float] = {}
    for count in scales:
        spec = synthetic.write_specs(count, work / f"synthetic-{count}")
        out, cache = work / f"synthetic-{count}-out", work / f"synthetic-{count}-cache"
        runs = repeat if count <= 50 else 1  # a 2,000-endpoint cold run takes minutes
        generate: list[str | Path] = [*DFSGEN, "generate", "--spec", spec, "--out", out, "--cache", cache]
        options: dict[str, Any] = {"cwd": ROOT, "env": ours_env(work)}
        try:
            run_command(generate, **options)  # untimed, as in generation_case: compiles the templates
            timings = {
                "generate, cold": median_command(generate, runs, before=functools.partial(shutil.rmtree, cache, ignore_errors=True), **options),
                "check, warm": median_command([*DFSGEN, "check", "--spec", spec, "--out", out, "--cache", cache], max(runs, 3), **options),
            }
        except subprocess.CalledProcessError as error:
            rows.append(Row("scaling", f"{count} endpoints", None, "—", None, STEP_CEILING, note=failure(error)))
            continue
        for what, seconds in timings.items():
            per = seconds / count
            before = previous.get(what)
            rows.append(Row(
                "scaling", f"{what}, {count} endpoints, per endpoint", per,
                "the previous size, per endpoint" if before else "—", before,
                STEP_CEILING if before else None, note=f"total {seconds:.2f} s",
            ))
            previous[what] = per
        shutil.rmtree(out, ignore_errors=True)
    return rows


# -- 3. the client ----------------------------------------------------------------------------


def client_rows(work: Path, items: int, repeat: int) -> list[Row]:
    from aisa_dataforseo.endpoints.backlinks_bulk_pages_summary_live import (
        BacklinksBulkPagesSummaryLiveResult,
    )
    from aisa_dataforseo.endpoints.on_page_links import ENDPOINT as LINKS
    from aisa_dataforseo.endpoints.on_page_links import OnPageLinksResult

    rows: list[Row] = []
    official = official_models()
    rows += parse_rows("backlinks_bulk_pages_summary_live", BacklinksBulkPagesSummaryLiveResult, official.get("bulk"), items, repeat)
    rows += parse_rows("on_page_links", OnPageLinksResult, official.get("links"), items, repeat)

    day = dt.date(*time.gmtime()[:3])
    arguments = cases.LINKS_ARGUMENTS
    rows.append(Row(
        "client", "validate one on_page/links call", median_time(lambda: LINKS.build_body(arguments, day), repeat, 2000),
        "a dict comprehension over the arguments", median_time(lambda: {k: v for k, v in arguments.items() if v is not None}, repeat, 2000),
        note="per call",
    ))
    rows += import_rows(work, repeat)
    rows += async_rows(repeat)
    return rows


def parse_rows(endpoint: str, result: type, theirs: Any, items: int, repeat: int) -> list[Row]:
    """Parsing one large response into models, against json.loads and the official models."""
    from aisa_dataforseo import Response
    from aisa_dataforseo._json import _orjson_loads, loads

    decoder = "json (orjson is not installed)" if _orjson_loads is None else "orjson (the package's orjson extra)"

    body = cases.payload(endpoint, items)
    text = json.dumps(body)
    raw = text.encode()
    # As the client parses a body: decoded by its own decoder (orjson, when the package's extra
    # is installed), and the JSON it decoded handed over to the models (copy=False).
    floor, ours, stdlib, copying = median_alternating([
        lambda: json.loads(raw),
        lambda: Response.parse(loads(raw), result, copy=False),
        lambda: Response.parse(json.loads(raw), result, copy=False),
        # A caller's own dict, left untouched: the models copy each object they keep.
        lambda: Response.parse(json.loads(raw), result),
    ], repeat * 3)
    label = f"parse {items} items, {endpoint}"
    rows = [
        Row("client", label, ours, "json.loads of the same bytes", floor, 1.5, note=f"decoded by {decoder}"),
        Row("client", f"{label}, decoded by json (no orjson extra)", stdlib, "json.loads of the same bytes", floor),
        Row("client", f"{label}, decoded by json, copying the caller's dicts", copying, "json.loads of the same bytes", floor),
    ]
    unknown = json.dumps(cases.with_unknown_keys(body))
    kept = "x_new_metric" in json.dumps(Response.parse(loads(unknown.encode()), result).to_dict())
    if theirs is None:
        rows.append(Row("client", label, ours, "dataforseo-client models", None, 0.33, note=peers.OFFICIAL_CLIENT.missing()))
    else:
        official_time = median_time(lambda: theirs.from_json(text), repeat)
        their_kept = "x_new_metric" in json.dumps(theirs.from_json(unknown).to_dict())
        rows.append(Row(
            "client", label, ours, "dataforseo-client models", official_time, 0.33,
            note=f"decoded by {decoder}; official: {official_time / floor:.2f}× json.loads; unknown keys kept by to_dict: ours {yes(kept)}, official {yes(their_kept)}",
        ))
        rows.append(Row("client", f"{label}, decoded by json (no orjson extra)", stdlib, "dataforseo-client models", official_time))
        # The official from_json is json.loads and then pydantic's model_validate: with the same
        # decoder on both sides, what each side's models add to it, compared.
        rows.append(Row(
            "client", f"{label}: the models' own work, json.loads taken off both sides", stdlib - floor,
            "dataforseo-client models, json.loads taken off", official_time - floor,
        ))
    rows.append(memory_row(endpoint, text, result))
    parsed: Any = Response.parse(json.loads(text), result)
    rows.append(Row(
        "client", f"to_dict + json.dumps, {endpoint}", median_time(lambda: json.dumps(parsed.to_dict()), repeat * 3),
        "json.dumps of the decoded dict", median_time(lambda: json.dumps(body), repeat * 3),
    ))
    return rows


def memory_row(endpoint: str, text: str, result: type) -> Row:
    """Memory the parsed models hold beyond the decoded dict they came from."""
    import tracemalloc

    from aisa_dataforseo import Response

    tracemalloc.start()
    data = json.loads(text)
    decoded = tracemalloc.get_traced_memory()[0]
    parsed: Any = Response.parse(data, result, copy=False)
    models = tracemalloc.get_traced_memory()[0] - decoded
    tracemalloc.stop()
    del parsed
    return Row("client", f"memory of the parsed models, {endpoint}", models, "the decoded dict", decoded, 1.5, unit="bytes")


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def official_models() -> dict[str, object]:
    if not peers.OFFICIAL_CLIENT.available:
        return {}
    from dataforseo_client.models.backlinks_bulk_pages_summary_live_response_info import (
        BacklinksBulkPagesSummaryLiveResponseInfo,
    )
    from dataforseo_client.models.on_page_links_response_info import OnPageLinksResponseInfo

    return {"bulk": BacklinksBulkPagesSummaryLiveResponseInfo, "links": OnPageLinksResponseInfo}


def import_rows(work: Path, repeat: int) -> list[Row]:
    """A fresh interpreter importing the package and making one call, against the official import,
    and against httpx alone doing the same: the floor our one runtime dependency sets.

    Each side runs as its users have it, with only its own required dependencies importable
    (isolated.py); the same two commands in the benchmark environment, where the peers' extras
    are installed too, are shown beside them.
    """
    body = (cases.RESPONSES / "backlinks_index.json").read_bytes()
    official = "from dataforseo_client.api.backlinks_api import BacklinksApi"
    # Bytecode writes allowed: the warm-up round then leaves generated/ with fresh .pyc (after a
    # regenerate it holds stale ones), so that our package is read from bytecode like the installed
    # official one instead of being recompiled from source on every run.
    ours_path = f"{ROOT / 'generated'}{os.pathsep}{isolated.isolated_path('httpx', work / 'httpx-only')}"
    ours_env = {"PYTHONPATH": ours_path, "NO_PROXY": "*"}
    shared_env = {"PYTHONPATH": str(ROOT / "generated"), "NO_PROXY": "*"}
    with CannedServer(body) as server:
        url = server.base_url
        first_call = (
            "import aisa_dataforseo\n"
            f"with aisa_dataforseo.Client('key', base_url={url!r}, max_retries=0) as client:\n"
            "    client.backlinks.index()\n"
        )
        post = f"    client.post({url + '/dataforseo/backlinks/index'!r}, json=[{{}}]).json()\n"
        httpx_call = "import httpx\nwith httpx.Client() as client:\n" + post
        # As our client connects to an http:// base URL: without reading a CA bundle it cannot use.
        httpx_plain = (
            "import ssl\nimport httpx\n"
            "with httpx.Client(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)) as client:\n" + post
        )
        commands = {
            "ours": ([PYTHON, "-S", "-c", first_call], ours_env),
            "bare": ([PYTHON, "-S", "-c", "pass"], ours_env),
            "httpx client": ([PYTHON, "-S", "-c", "import httpx\nhttpx.Client().close()\n"], ours_env),
            "httpx call": ([PYTHON, "-S", "-c", httpx_call], ours_env),
            "httpx call, no CA bundle": ([PYTHON, "-S", "-c", httpx_plain], ours_env),
            "ours, shared": ([PYTHON, "-c", first_call], shared_env),
        }
        if peers.OFFICIAL_CLIENT.available:
            official_path = isolated.isolated_path("dataforseo-client", work / "official-only")
            commands["official"] = ([PYTHON, "-S", "-c", official], {"PYTHONPATH": str(official_path)})
            commands["official, shared"] = ([PYTHON, "-c", official], shared_env)
        times = median_commands(commands, repeat * 2)
    ours, theirs = times["ours"], times.get("official")
    missing = peers.OFFICIAL_CLIENT.missing() if theirs is None else ""
    official_name = "import the official BacklinksApi"
    floor_note = missing or f"httpx alone (import, Client, one POST) is {times['httpx call'] / theirs:.3f}× the official import"  # type: ignore[operator]
    first = "import aisa_dataforseo + first call"
    return [
        Row("client", first, ours, "python -S -c pass", times["bare"]),
        Row("client", first, ours, official_name, theirs, 0.2, note=floor_note),
        Row("client", first, ours, "import httpx + Client + one POST", times["httpx call"], note="our cost above the floor httpx sets"),
        Row("client", first, ours, "the same, no CA bundle read (as ours connects to http://)", times["httpx call, no CA bundle"],
            note="our own modules and work: the rest is httpx's"),
        Row("client", "floor: import httpx + Client().close()", times["httpx client"], official_name, theirs, note=missing),
        Row("client", "floor: import httpx + Client + one POST", times["httpx call"], official_name, theirs, note=missing),
        Row("client", "floor: import httpx + Client + one POST, no CA bundle read", times["httpx call, no CA bundle"], official_name,
            theirs, note=missing),
        Row("client", f"{first}, benchmark environment", times["ours, shared"], f"{official_name}, benchmark environment",
            times.get("official, shared"), note=missing or "the peers' extras installed: httpx then imports its CLI (rich, click)"),
    ]


CONCURRENT = 30
CALLS = 300


def async_rows(repeat: int) -> list[Row]:
    """30 calls in flight at once through AsyncClient, against bare httpx posting the same bodies."""
    import httpx
    from aisa_dataforseo import AsyncClient

    body = (cases.RESPONSES / "backlinks_bulk_pages_summary_live.json").read_bytes()

    async def ours(url: str) -> None:
        async with AsyncClient("key", base_url=url, max_retries=0, max_concurrency=CONCURRENT) as client:
            await asyncio.gather(*(client.backlinks.bulk_pages_summary_live(targets=["example.com"]) for _ in range(CALLS)))

    async def bare(url: str) -> None:
        limit = asyncio.Semaphore(CONCURRENT)
        limits = httpx.Limits(max_connections=CONCURRENT)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def one() -> None:
                async with limit:
                    response = await client.post(f"{url}/dataforseo/backlinks/bulk_pages_summary/live", json=[{"targets": ["example.com"]}])
                    response.json()

            await asyncio.gather(*(one() for _ in range(CALLS)))

    def timed(run: Callable[[str], object], url: str) -> float:
        return median_time(lambda: asyncio.run(run(url)), repeat) / CALLS  # type: ignore[arg-type]

    with CannedServer(body) as server:
        per_call = timed(ours, server.base_url)
        per_bare = timed(bare, server.base_url)
    return [Row("client", f"AsyncClient, {CONCURRENT} concurrent, per call", per_call, "bare httpx.AsyncClient, per call", per_bare,
                note=f"{1 / per_call:,.0f} calls/s against {1 / per_bare:,.0f}")]


def write_results(path: Path, text: str, options: argparse.Namespace, still_to_run: list[str]) -> None:
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    partial = f"**Partial: still running: {', '.join(still_to_run)}.**\n\n" if still_to_run else ""
    path.write_text(
        "# dfsgen benchmarks\n\n"
        f"{partial}Written by `{command.strip()}` on {dt.date.today().isoformat()}.\n"
        f"Machine: {machine()}.\n\n"
        f"Medians of {options.repeat} runs (parsing: {options.repeat * 3}); ratios are ours / baseline, measured in the same run; "
        "`met` says whether the ratio is within its ceiling. Generation runs ours and the peers in turn, round after round. "
        f"{COLD}.\n\n"
        f"{text}\n{analysis()}",
        encoding="utf-8",
    )


ANALYSIS = HERE / "where_the_time_goes.md"


def analysis() -> str:
    """The hand-written reading of the figures (profiles of the missed targets), kept after the table."""
    return f"\n{ANALYSIS.read_text(encoding='utf-8')}" if ANALYSIS.is_file() else ""


if __name__ == "__main__":
    sys.exit(main())
