"""Cut the five documented operations, and every schema they reference, out of the upstream
OpenAPI document: ``python docs/reference/extract.py path/to/dataforseo-openapi.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PATHS = (
    "/v3/backlinks/index",
    "/v3/backlinks/history/live",
    "/v3/backlinks/bulk_pages_summary/live",
    "/v3/backlinks/bulk_new_lost_backlinks/live",
    "/v3/on_page/links",
)
OUT = Path(__file__).with_name("dataforseo-openapi-excerpt.json")


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [r for k, v in node.items() for r in ([v.rsplit("/", 1)[1]] if k == "$ref" else references(v))]
    if isinstance(node, list):
        return [r for item in node for r in references(item)]
    return []


def main(source: Path) -> None:
    document = json.loads(source.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    paths = {path: document["paths"][path] for path in PATHS}
    # The on_page link items are polymorphic upstream; keep every variant the page's fields come from.
    todo = references(paths) + [name for name in schemas if name.startswith("OnPage") and name.endswith("LinkItem")]
    kept: dict[str, Any] = {}
    while todo:
        name = todo.pop()
        if name not in kept:
            kept[name] = schemas[name]
            todo.extend(references(schemas[name]))
    excerpt = {
        "openapi": document["openapi"],
        "info": document["info"],
        "servers": document["servers"],
        "paths": paths,
        "components": {"schemas": dict(sorted(kept.items()))},
    }
    OUT.write_text(json.dumps(excerpt, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
