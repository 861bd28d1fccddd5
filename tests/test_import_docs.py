"""import-docs: the prose pattern table, the page importer and the YAML emitter."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import EXIT_OK, EXIT_SPEC, main
from generator.drift.annotations import annotated_locations, is_annotated
from generator.errors import SpecErrors
from generator.importers.docs_page import import_page
from generator.importers.emit import emit_spec
from generator.importers.prose import constraints_from_prose, param_type
from generator.load import load_file, load_text
from generator.pipeline import build_ir

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "api-pages"
API = ROOT / "spec" / "api.yaml"
HAND_SPECS = sorted(path for path in (ROOT / "spec").rglob("*.yaml") if path.name != "api.yaml")
CONSTRAINTS = ("type", "items", "required", "format", "min_items", "max_items", "distinct_domains", "min_length", "max_length", "min_date", "max_date", "minimum", "maximum", "enum", "filter", "default")


@pytest.mark.parametrize(
    ("prose", "type_name", "expected"),
    [
        ("the maximum number of returned links optional field default value: 100 maximum value: 1000", "integer", {"maximum": 1000, "default": {"value": 100, "applied_by": "server"}}),
        ("starting date optional field minimum value 2019-01-01 date format: \"yyyy-mm-dd\"", "string", {"min_date": "2019-01-01"}),
        ("minimum value equals today’s date -(minus) one year; e.g. ...", "date", {"min_date": "today - 1 year"}),
        ("minimum value: two years back from today’s date", "date", {"min_date": "today - 2 years"}),
        ("default value: today’s date -(minus) one month; e.g.", "date", {"default": {"value": "today - 1 month", "applied_by": "server"}}),
        ("if you don’t specify this field, the today’s date will be used by default", "date", {"default": {"value": "today", "applied_by": "server"}}),
        ("minimum value 2019-01-01 if you don’t specify this field, the minimum value will be used by default", "date", {"min_date": "2019-01-01", "default": {"value": "2019-01-01", "applied_by": "server"}}),
        ("user-defined task identifier optional field the character limit is 255 you can use", "string", {"max_length": 255}),
        ("the keyword\nyou can specify up to 700 characters in the keyword field", "string", {"max_length": 700}),
        ("possible values: desktop, mobile", "string", {"enum": ["desktop", "mobile"]}),
        ("possible values: one_hundred — on a 0–100 scale one_thousand — on a 0–1000 scale default value: one_thousand", "string", {"enum": ["one_hundred", "one_thousand"], "default": {"value": "one_thousand", "applied_by": "server"}}),
        ("possible values: 1, 2, 3", "integer", {"enum": [1, 2, 3]}),
        ("if set to false, the subdomains will be ignored default value: true", "boolean", {"default": {"value": True, "applied_by": "server"}}),
        ("required field you can specify up to 1000 pages, domains, or subdomains in each request. note that the URLs you set in a single request cannot belong to more than 100 different domains.", "array", {"min_items": 1, "max_items": 1000, "distinct_domains": 100}),
        ("up to 10 targets maximum", "array", {"max_items": 10}),
        ("a domain should be specified without https:// and www.", "string", {"format": "domain"}),
        ("a domain should be specified without https:// and www. a page should be specified with absolute URL", "array", {"items": {"format": "target"}}),
        ("note that in this field you can specify relative URLs only", "string", {"format": "relative_url"}),
        ("ID of the task example: “07131248-1535-0216-1000-17384017ad04”", "string", {"format": "uuid"}),
        ("offset in the results array optional field default value: 0", "integer", {"minimum": 0, "default": {"value": 0, "applied_by": "server"}}),
        ("you can add several filters at once (8 filters maximum) you should set a logical operator and, or between the conditions the following operators are supported: regex, =, <>, in you can use", "array", {"filter": {"max_conditions": 8, "operators": ["regex", "=", "<>", "in"], "connectives": ["and", "or"]}}),
        # bounds that do not fit the type are not read: a date has no numeric minimum, text has no maximum
        ("minimum value 2019-01-01", "date", {"min_date": "2019-01-01"}),
        ("maximum value: 1000", "string", {}),
        ("use this parameter to avoid timeouts while trying to obtain over 20,000 results", "string", {}),
        ("default value: many", "integer", {}),
    ],
)
def test_prose_patterns(prose: str, type_name: str, expected: dict[str, Any]) -> None:
    assert constraints_from_prose(prose, type_name) == expected


def test_a_lost_operator_is_noted_not_invented() -> None:
    found = constraints_from_prose("(8 filters maximum) a logical operator and, or between; the following operators are supported: regex, =, , in you can", "array")
    assert found["filter"]["operators"] == ["regex", "=", "in"]
    assert "1 empty operator" in found["#filter"]


@pytest.mark.parametrize(("prose", "expected"), [('date format: "yyyy-mm-dd" example: "2019-01-15"', "date"), ("in the UTC format: “yyyy-mm-dd hh-mm-ss +00:00”", "string")])
def test_a_string_with_a_date_format_is_a_date(prose: str, expected: str) -> None:
    assert param_type(prose, "string") == expected


# -- the five pages -----------------------------------------------------------------------

# What the hand specs know and the pages only imply; each carries a comment in its spec.
INFERRED = {
    ("backlinks/history_live.yaml", "date_from", "max_date"),
    ("backlinks/history_live.yaml", "date_to", "max_date"),
    ("on_page/links.yaml", "limit", "minimum"),
    ("on_page/links.yaml", "filters", "filter"),  # the page lost the "<>" operator
}


@pytest.mark.parametrize("spec_path", HAND_SPECS, ids=lambda path: path.stem)
def test_import_reproduces_the_hand_checked_constraints(spec_path: Path) -> None:
    hand = load_file(spec_path, spec_path.name).data
    annotated = annotated_locations(spec_path.read_text(encoding="utf-8"))
    draft = import_page(PAGES / hand["page"], API).spec
    assert len(draft["params"]) == len(hand["params"])
    differing = set()
    for index, (drafted, held) in enumerate(zip(draft["params"], hand["params"])):
        assert drafted["name"] in (held["name"], None)
        for key in CONSTRAINTS:
            if drafted.get(key) != held.get(key):
                assert is_annotated(annotated, ("params", index, key)), (held["name"], key, drafted.get(key), held.get(key))
                differing.add((spec_path.relative_to(ROOT / "spec").as_posix(), held["name"], key))
        # the spec restores what the copy lost to HTML (the "<>" operator), nothing else
        assert " ".join(re.sub("<[^<>]*>", "", held["description"]).split()) == drafted["description"]
    assert differing == {case for case in INFERRED if case[0] == spec_path.relative_to(ROOT / "spec").as_posix()}


@pytest.mark.parametrize("spec_path", HAND_SPECS, ids=lambda path: path.stem)
def test_import_recovers_response_names_from_the_json_example(spec_path: Path) -> None:
    hand = load_file(spec_path, spec_path.name).data
    draft = import_page(PAGES / hand["page"], API).spec
    drafted = {field["name"]: field for field in draft["response"]}
    for held in hand["response"]:
        if held.get("recovered") in (None, "example"):
            assert drafted[held["name"]] == {key: held[key] for key in ("name", "type", "description", "recovered") if key in held} | (
                {"#recovered": drafted[held["name"]].get("#recovered")} if "recovered" in held else {}
            )


def test_what_cannot_be_recovered_is_marked_never_dropped() -> None:
    page = PAGES / "backlinks_bulk_new_lost_backlinks_live.txt"
    draft = import_page(page, API)
    text = emit_spec(draft.spec)
    descriptions = page.read_text(encoding="utf-8").split("Successful response")[1].strip().splitlines()
    assert len(draft.envelope) + len(draft.spec["response"]) == len([line for line in descriptions if line.strip()])
    assert [field["name"] for field in draft.spec["response"]] == [None] * 5
    assert text.count("# the page lost this field's name and type; fill them in") == 5
    assert text.count("# the page lost this parameter's name and type") == 2
    assert "# the page lost its header (method, URL and examples); give method and path" in text
    assert draft.spec["params"][0]["name"] == "targets" and draft.spec["params"][0]["recovered"] == "description"


@pytest.mark.parametrize("page", ["backlinks_index.txt", "backlinks_history_live.txt", "backlinks_bulk_pages_summary_live.txt", "on_page_links.txt"])
def test_a_draft_of_an_intact_page_passes_the_pipeline(page: str, tmp_path: Path) -> None:
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    shutil.copy(API, spec_dir / "api.yaml")
    (spec_dir / "draft.yaml").write_text(emit_spec(import_page(PAGES / page, API).spec), encoding="utf-8")
    api = build_ir(spec_dir)
    assert len(api.endpoints) == 1 and api.endpoints[0].page == page


def test_a_draft_with_lost_names_does_not_pass_the_pipeline(tmp_path: Path) -> None:
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    shutil.copy(API, spec_dir / "api.yaml")
    (spec_dir / "draft.yaml").write_text(emit_spec(import_page(PAGES / "backlinks_bulk_new_lost_backlinks_live.txt", API).spec), encoding="utf-8")
    with pytest.raises(SpecErrors) as failure:
        build_ir(spec_dir)
    fields = {error.field for error in failure.value.errors}
    assert {"params[1].name", "params[2].name", "response[0].name", "response[0].type", "method", "path"} <= fields


# -- the command --------------------------------------------------------------------------


def test_import_docs_prints_writes_and_will_not_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = str(PAGES / "on_page_links.txt")
    assert main(["import-docs", page]) == EXIT_OK
    printed = capsys.readouterr().out
    assert printed == emit_spec(import_page(PAGES / "on_page_links.txt", API).spec)
    out = tmp_path / "links.yaml"
    assert main(["import-docs", page, "-o", str(out)]) == EXIT_OK
    assert out.read_text(encoding="utf-8") == printed
    out.write_text("hand-checked\n", encoding="utf-8")
    assert main(["import-docs", page, "-o", str(out)]) == EXIT_SPEC
    assert "already exists; pass --force to replace it" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "hand-checked\n"
    assert main(["import-docs", page, "-o", str(out), "--force"]) == EXIT_OK
    assert out.read_text(encoding="utf-8") == printed


def test_import_docs_on_a_missing_page_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-docs", "no/such/page.txt"]) == EXIT_SPEC
    assert "no/such/page.txt:0: cannot read the page" in capsys.readouterr().err


# -- emit ---------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(["2019-01-01", "today - 1 year", "=", "<>", "yes", "null", "1.5", "- x", "a: b", "#x", " lead", "'q'"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["name", "type", "description", "enum", "x-y", "value"]), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.sampled_from(["name", "title", "description", "params", "other"]), _values, min_size=1, max_size=5))
def test_emit_reads_back_as_the_draft(draft: dict[str, Any]) -> None:
    text = emit_spec(draft)
    assert load_text(text, "draft.yaml").data == draft
    assert emit_spec(draft) == text  # deterministic


def test_emit_writes_comments_where_the_draft_asks() -> None:
    text = emit_spec({"#": "header", "name": "x", "params": [{"#": "lost", "name": None, "#max_length": "why", "max_length": 3, "type": "string"}]})
    assert text == "# header\nname: x\nparams:\n  # lost\n  - name: null\n    type: string\n    # why\n    max_length: 3\n"
