"""What the benchmarks run on: response payloads of any size, and the spec sets to generate from.

Payloads are the recorded responses in ``tests/responses/`` with their items repeated (and their
numbers varied) up to the size asked for, so they have the keys, nulls and nesting a live server
sends. Spec sets: the five real endpoints, all 548 operations of the upstream OpenAPI document
imported into specs (``dfsgen import-openapi``), and synthetic directories (synthetic.py).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = ROOT / "tests" / "responses"
SPEC_DIR = ROOT / "spec"
REFERENCE = ROOT / "docs" / "reference" / "dataforseo-openapi.json"


def payload(endpoint: str, items: int) -> dict[str, Any]:
    """The recorded response of ``endpoint`` (``backlinks_bulk_pages_summary_live``) with ``items`` items."""
    body: dict[str, Any] = json.loads((RESPONSES / f"{endpoint}.json").read_text(encoding="utf-8"))
    result = body["tasks"][0]["result"][0]
    recorded = result["items"]
    grown = []
    for index in range(items):
        item = copy.deepcopy(recorded[index % len(recorded)])
        for key, value in item.items():
            if isinstance(value, int) and not isinstance(value, bool):
                item[key] = value + index  # distinct numbers, as a real page has
        grown.append(item)
    result["items"] = grown
    result["items_count"] = items
    return body


def with_unknown_keys(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with an undocumented key on every item: what a newer API version would send."""
    body = copy.deepcopy(body)
    for item in body["tasks"][0]["result"][0]["items"]:
        item["x_new_metric"] = {"value": 1}
    return body


LINKS_ARGUMENTS = {
    "id": "07131248-1535-0216-1000-17384017ad04",
    "page_from": "/a",
    "limit": 100,
    "offset": 10,
    "filters": [["direction", "=", "external"], "and", ["link_from", "not_like", "%blog%"]],
    "tag": "t",
}
"""A full on_page/links call, for the cost of validating one request."""


def import_openapi_available() -> bool:
    done = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True, check=False)
    return "import-openapi" in done.stdout


def imported_specs(target: Path) -> Path | None:
    """Every operation of the upstream OpenAPI document as spec files, or None without the importer."""
    if not import_openapi_available():
        return None
    subprocess.run(
        [sys.executable, "-m", "generator", "import-openapi", str(REFERENCE), "-o", str(target)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    return target
