"""Benchmarks: each figure is printed as a ratio to a baseline measured in the same run.

    python bench/run.py        (or `nox -s bench`)

A target is a ceiling on a ratio; the run exits 1 when one is missed. Ratios rather than seconds,
so the numbers mean the same on a slow CI machine and a fast laptop.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

from aisa_dataforseo import BacklinksHistoryLiveResult, Response
from aisa_dataforseo.endpoints.on_page_links import ENDPOINT as LINKS

from generator.format import format_files
from generator.output import compare
from generator.pipeline import build_ir
from generator.render import render_package


def best(run: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """The best of ``repeat`` timings of ``number`` calls, in seconds per call."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            run()
        timings.append((time.perf_counter() - start) / number)
    return min(timings)


def history_payload(items: int) -> dict[str, object]:
    item = {
        "type": "backlinks_history", "date": "2024-01-01 00:00:00 +00:00", "rank": 512, "backlinks": 123456,
        "new_backlinks": 1200, "lost_backlinks": 900, "new_referring_domains": 40, "lost_referring_domains": 31,
        "crawled_pages": 9876, "info": {"server": "nginx", "cms": None, "platform_type": ["cms", "blogs"],
        "ip_address": "203.0.113.7", "country": "US", "is_ip": False, "target_spam_score": 3},
        "internal_links_count": 5000, "external_links_count": 700, "broken_backlinks": 12, "broken_pages": 3,
        "referring_domains": 800, "referring_domains_nofollow": 90, "referring_main_domains": 700,
        "referring_main_domains_nofollow": 80, "referring_ips": 650, "referring_subnets": 600,
        "referring_pages": 40000, "referring_links_tld": {"com": 100, "org": 20},
        "referring_links_types": {"anchor": 90}, "referring_links_attributes": {"nofollow": 10},
        "referring_links_platform_types": {"cms": 5}, "referring_links_semantic_locations": {"article": 9},
        "referring_links_countries": {"US": 50}, "referring_pages_nofollow": 400,
    }
    result = {"target": "example.com", "date_from": "2019-01-01", "date_to": "2024-01-01",
              "items_count": items, "items": [dict(item) for _ in range(items)]}
    task = {"id": "11111111-2222-3333-4444-555555555555", "status_code": 20000, "status_message": "Ok.",
            "time": "0.5 sec.", "cost": 0.02, "result_count": 1, "path": ["v3", "backlinks", "history", "live"],
            "data": {"target": "example.com"}, "result": [result]}
    return {"version": "0.1", "status_code": 20000, "status_message": "Ok.", "time": "0.6 sec.", "cost": 0.02,
            "tasks_count": 1, "tasks_error": 0, "tasks": [task]}


def main() -> int:
    rows: list[tuple[str, float, float, str]] = []  # name, ratio, ceiling, what the baseline is

    # 1. `dfsgen check` with a warm format cache, against rendering + black from scratch.
    api = build_ir(ROOT / "spec")
    with tempfile.TemporaryDirectory() as cache:
        cold = best(lambda: format_files(render_package(api), None), repeat=3)
        format_files(render_package(api), Path(cache))
        warm = best(lambda: compare(format_files(render_package(build_ir(ROOT / "spec")), Path(cache)), ROOT / "generated", "generated"), repeat=5)
    rows.append(("check, warm cache / render+black cold", warm / cold, 0.5, f"cold {cold * 1000:.0f} ms"))

    # 2. Parsing a 1,000-item response into models, against json.loads of the same bytes.
    payload = history_payload(1000)
    text = json.dumps(payload)
    decode = best(lambda: json.loads(text), repeat=5, number=3)
    parse = best(lambda: Response.parse(json.loads(text), BacklinksHistoryLiveResult), repeat=5, number=3)
    rows.append(("parse 1,000 items / json.loads", parse / decode, 20.0, f"json.loads {decode * 1000:.1f} ms"))
    model = Response.parse(payload, BacklinksHistoryLiveResult)
    dump = best(lambda: json.dumps(model.to_dict()), repeat=5, number=3)
    plain = best(lambda: json.dumps(payload), repeat=5, number=3)
    rows.append(("to_dict+dumps / json.dumps of the dict", dump / plain, 6.0, f"json.dumps {plain * 1000:.1f} ms"))

    # 3. Memory held by the parsed models, against the decoded dict they came from.
    tracemalloc.start()
    data = json.loads(text)
    dict_bytes = tracemalloc.get_traced_memory()[0]
    parsed = Response.parse(data, BacklinksHistoryLiveResult)
    model_bytes = tracemalloc.get_traced_memory()[0] - dict_bytes
    tracemalloc.stop()
    del parsed
    rows.append(("model memory / decoded dict memory", model_bytes / dict_bytes, 1.5, f"dict {dict_bytes / 1e6:.1f} MB"))

    # 4. Validating a full on_page/links call, against building the same dict by hand.
    arguments = {"id": "07131248-1535-0216-1000-17384017ad04", "page_from": "/a", "limit": 100, "offset": 10,
                 "filters": [["direction", "=", "external"], "and", ["link_from", "not_like", "%blog%"]], "tag": "t"}
    day = dt.date(*time.gmtime()[:3])
    validate = best(lambda: LINKS.build_body(arguments, day), repeat=5, number=2000)
    by_hand = best(lambda: {k: v for k, v in arguments.items() if v is not None}, repeat=5, number=2000)
    rows.append(("validate a links call / dict comprehension", validate / by_hand, 200.0, f"validate {validate * 1e6:.1f} µs"))

    # 5. `import aisa_dataforseo` in a fresh interpreter, against the interpreter starting alone.
    def interpreter(code: str) -> float:
        env = {"PYTHONPATH": str(ROOT / "generated"), "PYTHONDONTWRITEBYTECODE": "1"}
        return best(lambda: subprocess.run([sys.executable, "-S", "-c", code], check=True, env=env), repeat=7)

    bare = interpreter("pass")
    package = interpreter("import aisa_dataforseo")
    rows.append(("python -c 'import aisa_dataforseo' / python -c pass", package / bare, 1.5, f"bare {bare * 1000:.0f} ms"))

    missed = 0
    print(f"{'benchmark':52} {'ratio':>8} {'ceiling':>8}  baseline")
    for name, ratio, ceiling, baseline in rows:
        status = "ok" if ratio <= ceiling else "MISSED"
        missed += status != "ok"
        print(f"{name:52} {ratio:8.2f} {ceiling:8.2f}  {baseline}  {status}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
