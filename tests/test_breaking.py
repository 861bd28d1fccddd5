"""``dfsgen breaking``: every category of change, in both directions.

Each case edits a copy of one endpoint spec (covering every constraint kind) and compares the
two IRs both ways: the edit must give exactly the expected breaking rule, and undoing it must give
only non-breaking changes (or, for a retyping, the breaking change back).
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TESTS_DIR

from generator.cli import main
from generator.drift.breaking import Change, compare
from generator.pipeline import build_ir

MINIMAL_API = TESTS_DIR / "spec_minimal" / "spec" / "api.yaml"
TODAY = dt.date(2024, 2, 29)

BASE: dict[str, Any] = {
    "name": "demo",
    "title": "Demo",
    "method": "POST",
    "path": "/backlinks/demo",
    "docs_url": "https://docs.example.com/demo/",
    "description": "A demo endpoint.",
    "body": "object",
    "params": [
        {"name": "target", "type": "string", "required": True, "format": "domain", "description": "domain"},
        {"name": "targets", "type": "array", "items": {"type": "string", "max_length": 200}, "max_items": 1000, "distinct_domains": 100, "description": "targets"},
        {"name": "limit", "type": "integer", "minimum": 1, "maximum": 1000, "description": "how many"},
        {"name": "date_from", "type": "date", "min_date": "2019-01-01", "description": "from"},
        {"name": "date_to", "type": "date", "max_date": "today", "description": "to"},
        {"name": "rank_scale", "type": "string", "enum": ["one_hundred", "one_thousand"], "description": "scale"},
        {"name": "tag", "type": "string", "max_length": 255, "description": "tag"},
        {"name": "filters", "type": "array", "filter": {"max_conditions": 8, "operators": ["=", "<>", "like"], "connectives": ["and", "or"]}, "description": "filters"},
    ],
    "rules": [],
    "response": [
        {"name": "tasks.result.total", "type": "integer", "description": "total"},
        {"name": "tasks.result.items", "type": "string[]", "description": "items"},
        {"name": "tasks.result.items.url", "type": "string", "description": "url"},
        {"name": "tasks.result.items.info", "type": "object", "description": "info"},
        {"name": "tasks.result.items.info.server", "type": "string", "description": "server"},
    ],
}

Edit = Callable[[dict[str, Any]], None]


def write_spec(directory: Path, endpoint: dict[str, Any] | None) -> Path:
    directory.mkdir(parents=True)
    shutil.copy(MINIMAL_API, directory / "api.yaml")
    if endpoint is not None:
        (directory / "backlinks").mkdir()
        (directory / "backlinks" / "demo.yaml").write_text(yaml.safe_dump(endpoint, sort_keys=False), encoding="utf-8")
    return directory


def param(endpoint: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in endpoint["params"] if p["name"] == name)
    return found


def edited(edit: Edit) -> dict[str, Any]:
    endpoint = copy.deepcopy(BASE)
    edit(endpoint)
    return endpoint


def changes_between(tmp_path: Path, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    before = build_ir(write_spec(tmp_path / "old", old))
    after = build_ir(write_spec(tmp_path / "new", new))
    shutil.rmtree(tmp_path / "old")
    shutil.rmtree(tmp_path / "new")
    return compare(before, after, TODAY)


def rules(changes: list[Change], breaking: bool) -> list[str]:
    return [change.rule for change in changes if change.breaking == breaking]


def set_key(name: str, key: str, value: object) -> Edit:
    return lambda endpoint: param(endpoint, name).__setitem__(key, value)


def drop_key(name: str, key: str) -> Edit:
    return lambda endpoint: param(endpoint, name).pop(key)


def drop_param(name: str) -> Edit:
    return lambda endpoint: endpoint["params"].remove(param(endpoint, name))


def drop_field(name: str) -> Edit:
    return lambda endpoint: endpoint.__setitem__(
        "response", [field for field in endpoint["response"] if not field["name"].startswith(name)]
    )


def retype_field(name: str, doc_type: str) -> Edit:
    return lambda endpoint: next(f for f in endpoint["response"] if f["name"] == name).__setitem__("type", doc_type)


def add_param(spec: dict[str, Any]) -> Edit:
    return lambda endpoint: endpoint["params"].append(spec)


B, I = "breaking", "info"

# (id, edit, what the edit gives, what undoing it gives), each as (severity, rule) in report order
CASES: list[tuple[str, Edit, list[tuple[str, str]], list[tuple[str, str]]]] = [
    ("parameter removed", drop_param("tag"), [(B, "parameter-removed")], [(I, "optional-parameter-added")]),
    ("required parameter added", add_param({"name": "mode", "type": "string", "required": True, "description": "m"}), [(B, "required-parameter-added")], [(B, "parameter-removed")]),
    ("parameter made required", set_key("tag", "required", True), [(B, "parameter-made-required")], [(I, "parameter-made-optional")]),
    ("maximum lowered", set_key("limit", "maximum", 500), [(B, "maximum-tightened")], [(I, "maximum-loosened")]),
    ("minimum raised", set_key("limit", "minimum", 10), [(B, "minimum-tightened")], [(I, "minimum-loosened")]),
    ("max_length lowered", set_key("tag", "max_length", 100), [(B, "max_length-tightened")], [(I, "max_length-loosened")]),
    ("max_items lowered", set_key("targets", "max_items", 100), [(B, "max_items-tightened")], [(I, "max_items-loosened")]),
    ("distinct_domains lowered", set_key("targets", "distinct_domains", 10), [(B, "distinct_domains-tightened")], [(I, "distinct_domains-loosened")]),
    ("min_date later", set_key("date_from", "min_date", "2020-06-01"), [(B, "min_date-tightened")], [(I, "min_date-loosened")]),
    ("min_date made relative", set_key("date_from", "min_date", "today - 1 year"), [(B, "min_date-tightened")], [(I, "min_date-loosened")]),
    ("max_date earlier", set_key("date_to", "max_date", "today - 3 days"), [(B, "max_date-tightened")], [(I, "max_date-loosened")]),
    ("item max_length lowered", lambda e: param(e, "targets")["items"].__setitem__("max_length", 20), [(B, "max_length-tightened")], [(I, "max_length-loosened")]),
    ("bound added", set_key("tag", "min_length", 1), [(B, "min_length-added")], [(I, "min_length-removed")]),
    ("format added", set_key("tag", "format", "uuid"), [(B, "format-added")], [(I, "format-removed")]),
    ("format changed", set_key("target", "format", "target"), [(B, "format-changed")], [(B, "format-changed")]),
    ("enum narrowed", set_key("rank_scale", "enum", ["one_thousand"]), [(B, "enum-narrowed")], [(I, "enum-widened")]),
    ("enum added", lambda e: param(e, "tag").__setitem__("enum", ["a", "b"]), [(B, "enum-added")], [(I, "enum-removed")]),
    ("filter operator removed", set_key("filters", "filter", {"max_conditions": 8, "operators": ["="], "connectives": ["and", "or"]}), [(B, "filter-narrowed")], [(I, "filter-widened")]),
    ("filter conditions lowered", set_key("filters", "filter", {"max_conditions": 2, "operators": ["=", "<>", "like"], "connectives": ["and", "or"]}), [(B, "filter-tightened")], [(I, "filter-loosened")]),
    ("cross-field rule added", lambda e: e["rules"].append({"left": "date_from", "op": "<=", "right": "date_to", "description": "ordered"}), [(B, "rule-added")], [(I, "rule-removed")]),
    ("parameter type changed", set_key("limit", "type", "number"), [(B, "parameter-type-changed")], [(B, "parameter-type-changed")]),
    ("array item type changed", lambda e: param(e, "targets")["items"].update(type="integer") or param(e, "targets")["items"].pop("max_length"), [(B, "parameter-type-changed")], [(B, "parameter-type-changed")]),
    ("response field removed", drop_field("tasks.result.total"), [(B, "response-field-removed")], [(I, "response-field-added")]),
    ("response field retyped", retype_field("tasks.result.total", "string"), [(B, "response-field-type-changed")], [(B, "response-field-type-changed")]),
    ("response model made a scalar", lambda e: (drop_field("tasks.result.items.info.")(e), retype_field("tasks.result.items.info", "string")(e)), [(B, "response-field-type-changed")], [(B, "response-field-type-changed"), (I, "response-field-added")]),
]


@pytest.mark.parametrize(("edit", "forward", "backward"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_change_in_both_directions(
    tmp_path: Path, edit: Edit, forward: list[tuple[str, str]], backward: list[tuple[str, str]]
) -> None:
    new = edited(edit)
    assert [(c.severity, c.rule) for c in changes_between(tmp_path, BASE, new)] == forward
    assert [(c.severity, c.rule) for c in changes_between(tmp_path, new, BASE)] == backward


def test_an_endpoint_removed_breaks_and_one_added_does_not(tmp_path: Path) -> None:
    removed = changes_between(tmp_path, BASE, None)
    assert [(c.severity, c.rule, c.subject) for c in removed] == [("breaking", "endpoint-removed", "endpoint backlinks.demo")]
    added = changes_between(tmp_path, None, BASE)
    assert [(c.severity, c.rule) for c in added] == [("info", "endpoint-added")]


def test_a_removed_object_is_reported_once_not_once_per_child(tmp_path: Path) -> None:
    changes = changes_between(tmp_path, BASE, edited(drop_field("tasks.result.items")))
    assert [(c.rule, c.subject) for c in changes] == [
        ("response-field-removed", "backlinks.demo response field 'tasks.result.items'")
    ]


def test_an_object_gaining_children_becomes_a_model_which_breaks_dict_access(tmp_path: Path) -> None:
    flat = edited(drop_field("tasks.result.items.info.server"))
    changes = changes_between(tmp_path, flat, BASE)
    assert [(c.rule, c.message) for c in changes if c.breaking] == [
        ("response-field-type-changed", "object (free mapping) → object (model BacklinksDemoItemInfo)")
    ]


def test_identical_specs_have_no_changes(tmp_path: Path) -> None:
    assert changes_between(tmp_path, BASE, copy.deepcopy(BASE)) == []


def test_a_change_reads_as_file_line_severity_rule_subject_message(tmp_path: Path) -> None:
    (change,) = changes_between(tmp_path, BASE, edited(set_key("limit", "maximum", 500)))
    # The line is where the parameter starts in the new spec.
    assert str(change) == "new/backlinks/demo.yaml:22: breaking [maximum-tightened] backlinks.demo parameter 'limit': maximum lowered 1000 → 500"


def test_relative_dates_are_shown_with_the_day_they_stand_for(tmp_path: Path) -> None:
    (change,) = changes_between(tmp_path, BASE, edited(set_key("date_from", "min_date", "today - 1 year")))
    assert change.message == "min_date raised 2019-01-01 → 'today - 1 year' (2023-02-28 on 2024-02-29)"


# -- the command ------------------------------------------------------------------------------


def test_cli_exits_1_on_a_breaking_change_listing_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_spec(tmp_path / "a", BASE)
    new = write_spec(tmp_path / "b", edited(drop_param("tag")))
    assert main(["breaking", str(old), str(new)]) == 1
    out, err = capsys.readouterr()
    assert "breaking [parameter-removed] backlinks.demo parameter 'tag': removed" in out
    assert "1 breaking change(s), 0 non-breaking" in err


def test_cli_exits_0_when_changes_only_add_or_loosen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_spec(tmp_path / "a", BASE)
    new = write_spec(tmp_path / "b", edited(set_key("limit", "maximum", 5000)))
    assert main(["breaking", str(old), str(new)]) == 0
    out, err = capsys.readouterr()
    assert "info [maximum-loosened] backlinks.demo parameter 'limit': maximum raised 1000 → 5000" in out
    assert "0 breaking change(s), 1 non-breaking" in err


def test_cli_exits_2_naming_the_broken_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_spec(tmp_path / "a", BASE)
    new = write_spec(tmp_path / "b", edited(set_key("limit", "minimum", 5000)))
    assert main(["breaking", str(old), str(new)]) == 2
    assert "b/backlinks/demo.yaml:" in capsys.readouterr().err
