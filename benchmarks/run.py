"""dfsgen's benchmarks against its peers: every figure a median, every target a ratio from one run.

    python benchmarks/run.py                  (or `nox -s bench`, which installs the peers)
    python benchmarks/run.py --items 1000 --scales 5,50,500,2000 --repeat 5
    python benchmarks/run.py --only client    (generation | scaling | client)

1. Generation: ``dfsgen generate`` cold (a fresh cache) and ``dfsgen check`` warm, against
   openapi-python-client (default ruff hooks, and black hooks) and ``datamodel-codegen --check``,
   each fed the OpenAPI export dfsgen writes for the same endpoints: the five real endpoints, and
   the 548 operations of the upstream document imported with ``dfsgen import-openapi``.
2. Scaling: generate and check for synthetic spec directories of growing size; the time per
   endpoint must not grow from one size to the next (a step above the ceiling is a miss).
3. Client: parsing a large response into models against ``json.loads`` of the same bytes and
   against the official client's models; import plus a first call against importing the
   official client's BacklinksApi; validating a call; 30 concurrent async calls.

The table is printed and written to ``benchmarks/results.md`` with the machine it ran on. The
run exits 1 when a target is missed; a comparison whose peer is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
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
import peers
import synthetic
from measure import Row, machine, median_command, median_pair, median_time, table
from server import CannedServer

PYTHON = sys.executable
DFSGEN = [PYTHON, "-m", "generator"]


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    for message in peers.report_missing():
        print(f"peer missing: {message}", file=sys.stderr)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dfsgen-bench-") as scratch:
        work = Path(scratch)
        if "generation" in options.only:
            rows += generation_rows(work, options.repeat, options.imported)
        if "scaling" in options.only:
            rows += scaling_rows(work, options.scales, options.repeat)
        if "client" in options.only:
            rows += client_rows(options.items, options.repeat)
    text = table(rows)
    print(text)
    if options.write:
        write_results(options.write, text, options)
    return 1 if any(row.met == "NO" for row in rows) else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="items in each parsed response (default 1000)")
    parser.add_argument("--scales", default="5,50,500,2000", help="endpoint counts for the scaling runs")
    parser.add_argument("--repeat", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--only", default="generation,scaling,client", help="sections to run, comma-separated")
    parser.add_argument("--no-imported", dest="imported", action="store_false", help="skip the 548-operation case (it takes many minutes)")
    parser.add_argument("--write", type=Path, default=HERE / "results.md", help="where the results table goes")
    parser.add_argument("--no-write", dest="write", action="store_const", const=None)
    options = parser.parse_args(argv)
    options.scales = [int(n) for n in options.scales.split(",") if n]
    options.only = set(options.only.split(","))
    return options


# -- 1. generation against peers --------------------------------------------------------------


def generation_rows(work: Path, repeat: int, with_imported: bool) -> list[Row]:
    rows = generation_case("five endpoints", cases.SPEC_DIR, work / "five", repeat)
    if not with_imported:
        rows.append(Row("generation", "548 operations", None, "—", None, 0.5, note="not run (--no-imported)"))
        return rows
    imported = cases.imported_specs(work / "imported-specs")
    if imported is None:
        note = "dfsgen import-openapi is not available: the 548-operation case needs it"
        rows.append(Row("generation", "548 operations", None, "—", None, 0.5, note=note))
    else:
        rows += generation_case("548 operations", imported, work / "all", max(1, repeat // 2))
    return rows


def generation_case(label: str, spec: Path, work: Path, repeat: int) -> list[Row]:
    out, cache = work / "out", work / "cache"
    generate = [*DFSGEN, "generate", "--spec", spec, "--out", out, "--cache", cache]
    cold = median_command(generate, repeat, before=lambda: shutil.rmtree(cache, ignore_errors=True), cwd=ROOT)
    subprocess.run([str(part) for part in generate], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    warm = median_command([*DFSGEN, "check", "--spec", spec, "--out", out, "--cache", cache], repeat, cwd=ROOT)
    export = out / "openapi.json"
    opc, opc_black, datamodel, notes = peer_generation(export, work, repeat)
    rows = [
        Row("generation", f"generate, cold, {label}", cold, "openapi-python-client, ruff hooks", opc, 0.5, note=notes.get("opc", "")),
        Row("generation", f"generate, cold, {label}", cold, "openapi-python-client, black hooks", opc_black,
            0.1 if label.startswith("548") else None, note=notes.get("opc", "")),
        Row("generation", f"check, warm, {label}", warm, "datamodel-codegen --check", datamodel, 0.25, note=notes.get("datamodel", "")),
    ]
    if label == "five endpoints":
        rows.append(Row("generation", "check, warm, five endpoints, wall", warm, "0.3 s on this machine", 0.3, 1.0))
    return rows


def peer_generation(export: Path, work: Path, repeat: int) -> tuple[float | None, float | None, float | None, dict[str, str]]:
    notes: dict[str, str] = {}
    opc = opc_black = datamodel = None
    env = peers.tool_env()
    tool = peers.OPENAPI_PYTHON_CLIENT.path()
    if tool is None:
        notes["opc"] = peers.OPENAPI_PYTHON_CLIENT.missing()
    else:
        base = [tool, "generate", "--path", export, "--output-path", work / "opc", "--overwrite"]
        black_config = work / "opc-black.yaml"
        black_config.write_text('post_hooks: ["black ."]\n', encoding="utf-8")
        try:
            opc = median_command(base, repeat, cwd=work, env=env)
            opc_black = median_command([*base, "--config", black_config], repeat, cwd=work, env=env)
        except subprocess.CalledProcessError as error:
            notes["opc"] = failure(error)
    tool = peers.DATAMODEL_CODEGEN.path()
    if tool is None:
        notes["datamodel"] = peers.DATAMODEL_CODEGEN.missing()
    else:
        # Without a timestamp in its header, so that --check compares like with like.
        command = [tool, "--input", export, "--input-file-type", "openapi", "--output", work / "models.py", "--disable-timestamp"]
        try:
            subprocess.run([str(part) for part in command], check=True, capture_output=True, env=env)
            datamodel = median_command([*command, "--check"], repeat, env=env)
        except subprocess.CalledProcessError as error:
            notes["datamodel"] = failure(error)
    return opc, opc_black, datamodel, notes


def failure(error: subprocess.CalledProcessError) -> str:
    """A failed command for the table: its exit status and the last line it wrote to stderr."""
    lines = (error.stderr or b"").decode(errors="replace").strip().splitlines()
    return f"failed (exit {error.returncode}): {lines[-1] if lines else 'no message'}".replace("|", "/")


# -- 2. scaling -------------------------------------------------------------------------------

STEP_CEILING = 1.25  # per-endpoint time may not grow by more than this (noise) from one size to the next


def scaling_rows(work: Path, scales: list[int], repeat: int) -> list[Row]:
    rows = []
    previous: dict[str, float] = {}
    for count in scales:
        spec = synthetic.write_specs(count, work / f"synthetic-{count}")
        out, cache = work / f"synthetic-{count}-out", work / f"synthetic-{count}-cache"
        runs = repeat if count <= 50 else 1  # a 2,000-endpoint cold run takes minutes
        generate = [*DFSGEN, "generate", "--spec", spec, "--out", out, "--cache", cache]
        try:
            timings = {
                "generate, cold": median_command(generate, runs, before=functools.partial(shutil.rmtree, cache, ignore_errors=True), cwd=ROOT),
                "check, warm": median_command([*DFSGEN, "check", "--spec", spec, "--out", out, "--cache", cache], max(runs, 3), cwd=ROOT),
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


def client_rows(items: int, repeat: int) -> list[Row]:
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
    rows += import_rows(repeat)
    rows += async_rows(repeat)
    return rows


def parse_rows(endpoint: str, result: type, theirs: Any, items: int, repeat: int) -> list[Row]:
    """Parsing one large response into models, against json.loads and the official models."""
    from aisa_dataforseo import Response

    body = cases.payload(endpoint, items)
    text = json.dumps(body)
    floor, ours = median_pair(lambda: json.loads(text), lambda: Response.parse(json.loads(text), result), repeat * 3)
    label = f"parse {items} items, {endpoint}"
    rows = [Row("client", label, ours, "json.loads of the same bytes", floor, 1.5)]
    unknown = json.dumps(cases.with_unknown_keys(body))
    kept = "x_new_metric" in json.dumps(Response.parse(json.loads(unknown), result).to_dict())
    if theirs is None:
        rows.append(Row("client", label, ours, "dataforseo-client models", None, 0.33, note=peers.OFFICIAL_CLIENT.missing()))
    else:
        official_time = median_time(lambda: theirs.from_json(text), repeat)
        their_kept = "x_new_metric" in json.dumps(theirs.from_json(unknown).to_dict())
        rows.append(Row(
            "client", label, ours, "dataforseo-client models", official_time, 0.33,
            note=f"official: {official_time / floor:.2f}× json.loads; unknown keys kept by to_dict: ours {yes(kept)}, official {yes(their_kept)}",
        ))
    rows.append(memory_row(endpoint, text, result))
    parsed = Response.parse(json.loads(text), result)
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
    parsed = Response.parse(data, result)
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


def import_rows(repeat: int) -> list[Row]:
    """A fresh interpreter importing the package and making one call, against the official import."""
    body = (cases.RESPONSES / "backlinks_index.json").read_bytes()
    env = {"PYTHONPATH": str(ROOT / "generated"), "PYTHONDONTWRITEBYTECODE": "1", "NO_PROXY": "*"}
    with CannedServer(body) as server:
        first_call = (
            "import aisa_dataforseo\n"
            f"with aisa_dataforseo.Client('key', base_url={server.base_url!r}, max_retries=0) as client:\n"
            "    client.backlinks.index()\n"
        )
        ours = median_command([PYTHON, "-c", first_call], repeat * 2, env=env)
    bare = median_command([PYTHON, "-c", "pass"], repeat * 2, env=env)
    rows = [Row("client", "import aisa_dataforseo + first call", ours, "python -c pass", bare)]
    if peers.OFFICIAL_CLIENT.available:
        theirs = median_command([PYTHON, "-c", "from dataforseo_client.api.backlinks_api import BacklinksApi"], repeat * 2)
        rows.append(Row("client", "import aisa_dataforseo + first call", ours, "import the official BacklinksApi", theirs, 0.2))
    else:
        rows.append(Row("client", "import aisa_dataforseo + first call", ours, "import the official BacklinksApi", None, 0.2,
                        note=peers.OFFICIAL_CLIENT.missing()))
    return rows


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


def write_results(path: Path, text: str, options: argparse.Namespace) -> None:
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    path.write_text(
        "# dfsgen benchmarks\n\n"
        f"Written by `{command.strip()}` on {dt.date.today().isoformat()}.\n"
        f"Machine: {machine()}.\n\n"
        f"Medians of {options.repeat} runs (parsing: {options.repeat * 3}); ratios are ours / baseline, measured in the same run; "
        "`met` says whether the ratio is within its ceiling.\n\n"
        f"{text}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
