"""Where parsing one on_page/links item goes, step by step (µs per item, GC off, best of 7).

Run: ``python benchmarks/parse_breakdown.py`` (with ``generated/`` importable). It times each
piece of the parse on its own over the same 1,000 decoded items the parse benchmark uses,
so ``where_the_time_goes.md`` can show what eager, type-checked parsing costs beside json.loads.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "generated")]

from aisa_dataforseo import _model
from aisa_dataforseo.endpoints.on_page_links import OnPageLinksItem

from benchmarks import cases


def per_item(run: Any, items: list[dict[str, Any]]) -> float:
    best = min(timeit.repeat(lambda: [run(item) for item in items], number=20, repeat=7))
    return best / 20 / len(items) * 1e6


def batch(run: Any, items: list[dict[str, Any]]) -> float:
    best = min(timeit.repeat(run, number=20, repeat=7))
    return best / 20 / len(items) * 1e6


def main() -> None:
    text = json.dumps(cases.payload("on_page_links", 1000))
    items = json.loads(text)["tasks"][0]["result"][0]["items"]
    # Copied: the same dicts are parsed again and again, and a handed-over dict is changed.
    context = _model.Context({}, owned=False)
    OnPageLinksItem.from_dict(items[0])
    plans = _model._schema_of(OnPageLinksItem).plans
    loads = min(timeit.repeat(lambda: json.loads(text), number=20, repeat=7)) / 20 / len(items) * 1e6
    rows = {
        "json.loads, per item (the floor)": loads,
        "the loop alone": per_item(lambda item: item, items),
        "keys tuple": per_item(lambda item: tuple(item), items),
        "JSON types tuple": per_item(lambda item: tuple(map(type, item.values())), items),
        "both, and the plan lookup": per_item(lambda item: plans.get((tuple(item), tuple(map(type, item.values())))), items),
        "a new instance taking the dict": per_item(lambda item: _new(OnPageLinksItem, item), items),
        "Model._parse_many over the whole batch (copying the dicts)": batch(lambda: OnPageLinksItem._parse_many(items, str, context), items),
    }
    for name, micro in rows.items():
        print(f"{micro:6.2f} µs  {name}")


def _new(cls: type, state: dict[str, Any]) -> object:
    model = cls.__new__(cls)
    model.__dict__ = state
    return model


if __name__ == "__main__":
    main()
