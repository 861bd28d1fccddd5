"""``dfsgen import-openapi``: OpenAPI 3.0 operations → spec drafts the pipeline accepts.

Small hand-made documents pin each rule of the walk (references, composition, variants, cycles,
odd names, what cannot be stated); the reference document (548 operations) goes the whole way:
import, validate, generate into a temporary directory, import the generated package.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, SPEC_DIR

from generator.cli import main
from generator.errors import GenerationError
from generator.importers.openapi import (
    Imported,
    constraint_counts,
    import_document,
    load_document,
    write_drafts,
)
from generator.ir import Api
from generator.output import write_tree
from generator.pipeline import build_files, build_ir

REFERENCE = ROOT / "docs" / "reference" / "dataforseo-openapi.json"


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def envelope(result: str) -> dict[str, Any]:
    """The upstream response shape: tasks[].result[] of the named result schema."""
    return {
        "type": "object",
        "properties": {
            "tasks": {"type": "array", "items": {"type": "object", "properties": {
                "result": {"type": "array", "items": {"type": "object", "oneOf": [schema_ref(result)]}},
            }}},
        },
    }  # fmt: skip


def operation(request: str | None, result: str) -> dict[str, Any]:
    op: dict[str, Any] = {
        "tags": ["Demo"],
        "operationId": "DemoLive",
        "description": "Demo data.\nfor more info please visit 'https://docs.dataforseo.com/v3/demo/live/?bash'",
        "responses": {"200": {"content": {"application/json": {"schema": envelope(result)}}}},
    }
    if request is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "oneOf": [schema_ref(request)]}}}}}
    return op


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.1",
    "paths": {
        "/v3/demo/live": {"post": operation("Request", "Result")},
        "/v3/demo/index": {"get": operation(None, "Result")},
        "/v3/demo/task_get/{id}": {"get": operation(None, "Result")},
    },
    "components": {"schemas": {
        "Request": {"type": "object", "properties": {
            "target": {"type": "string", "description": "domain\nrequired field\na domain should be specified without https:// and www."},
            "keyword": {"type": "string", "description": "keyword\nrequired field if you don't specify target"},
            "limit": {"type": "integer", "description": "the maximum number of returned items\noptional field\ndefault value: 100\nmaximum value: 1000"},
            "date_from": {"type": "string", "description": "starting date\noptional field\nminimum value 2019-01-01\ndate format: \"yyyy-mm-dd\""},
            "mode": {"type": "string", "description": "mode\noptional field\npossible values: fast, slow\ndefault value: medium"},
            "tags": {"type": "array", "items": {"type": "string"}, "description": "tags\noptional field\nyou can specify up to 10 tags"},
            "filters": {"type": "array", "items": {"type": "object"}, "description": "array of results filtering parameters\noptional field\nyou can add several filters at once (8 filters maximum)\nyou should set a logical operator and, or between the conditions\nthe following operators are supported:\n=, <>, in\nexample: [\"rank\",\">\",\"80\"]"},
            "pages": {"type": "object", "additionalProperties": {"type": "string"}, "description": "pages\nrequired field"},
            "class": {"type": "boolean"},
        }},
        "Base": {"type": "object", "properties": {"type": {"type": "string", "description": "type of element"}}, "discriminator": {"propertyName": "type", "mapping": {"a": "#/components/schemas/VariantA", "b": "#/components/schemas/VariantB"}}},
        "VariantA": {"allOf": [schema_ref("Base"), {"type": "object", "properties": {"alpha": {"type": "integer", "description": "only on a"}}}]},
        "VariantB": {"allOf": [schema_ref("Base"), {"type": "object", "properties": {"beta": {"type": "number"}}}]},
        "Node": {"type": "object", "properties": {"name": {"type": "string"}, "child": schema_ref("Node")}},
        "Result": {"allOf": [
            {"type": "object", "properties": {"total": {"type": "integer", "description": "total", "format": "int64"}}},
            {"type": "object", "properties": {
                "items": {"type": "array", "items": {"type": "object", "oneOf": [schema_ref("Base")]}},
                "link": {"type": "object", "properties": {"url": {"type": "string"}}},
                "links": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string"}}}},
                "tree": schema_ref("Node"),
                "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
                "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                "from": {"type": "string", "description": "a keyword"},
                "2xx-rate": {"type": "number"},
            }},
        ]},
    }},
}  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> Imported:
    return import_document(copy.deepcopy(DOCUMENT))


def spec_of(imported: Imported, file: str) -> dict[str, Any]:
    return next(draft.spec for draft in imported.drafts if draft.file == file)


def param(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in spec["params"] if p["name"] == name)
    return found


def test_operations_are_named_by_path_and_placed_by_group(demo: Imported) -> None:
    assert [draft.file for draft in demo.drafts] == ["demo/index.yaml", "demo/live.yaml", "demo/task_get.yaml"]
    live = spec_of(demo, "demo/live.yaml")
    assert (live["name"], live["method"], live["path"], live["body"]) == ("live", "POST", "/demo/live", "object")
    assert live["docs_url"] == "https://docs.dataforseo.com/v3/demo/live/"
    assert live["description"] == "Demo data."
    assert spec_of(demo, "demo/index.yaml")["body"] == "none"


def test_an_operation_with_path_parameters_keeps_them_in_its_path(demo: Imported) -> None:
    assert demo.skipped == []
    task_get = spec_of(demo, "demo/task_get.yaml")
    assert (task_get["path"], task_get["body"]) == ("/demo/task_get/{id}", "none")
    assert [(p["name"], p["in"], p["type"]) for p in task_get["params"]] == [("id", "path", "string")]


def test_request_constraints_come_from_the_prose(demo: Imported) -> None:
    live = spec_of(demo, "demo/live.yaml")
    assert param(live, "target") == {"name": "target", "type": "string", "required": True, "format": "domain", "description": param(live, "target")["description"]}
    assert "required" not in param(live, "keyword")  # "required field if ..." depends on another one
    assert (param(live, "limit")["maximum"], param(live, "limit")["default"]) == (1000, {"value": 100, "applied_by": "server"})
    assert (param(live, "date_from")["type"], param(live, "date_from")["min_date"]) == ("date", "2019-01-01")
    assert param(live, "tags")["items"] == {"type": "string"}
    assert param(live, "tags")["max_items"] == 10
    assert param(live, "filters")["filter"] == {"max_conditions": 8, "operators": ["=", "<>", "in"], "connectives": ["and", "or"]}
    assert param(live, "class")["description"] == ""


def test_a_constraint_the_checker_would_reject_is_dropped_with_a_note(demo: Imported) -> None:
    mode = param(spec_of(demo, "demo/live.yaml"), "mode")
    assert mode["enum"] == ["fast", "slow"]
    assert "default" not in mode
    assert mode["#"] == ['dropped default {"value": "medium", "applied_by": "server"}: \'medium\' is not one of [\'fast\', \'slow\']']


def test_an_object_parameter_is_kept_as_any_json_object(demo: Imported) -> None:
    live = spec_of(demo, "demo/live.yaml")
    assert param(live, "pages") == {"name": "pages", "type": "object", "required": True, "description": "pages required field"}
    assert "#params" not in live


def test_response_fields_flatten_refs_composition_variants_and_cycles(demo: Imported) -> None:
    fields = {field["name"].removeprefix("tasks.result."): field for field in spec_of(demo, "demo/live.yaml")["response"]}
    assert list(fields) == [
        "total", "items", "items.type", "items.alpha", "items.beta", "link", "link.url", "links", "links.url",
        "tree", "tree.name", "tree.child", "matrix", "meta", "from", "2xx-rate",
    ]  # fmt: skip
    assert {name: field["type"] for name, field in fields.items()} == {
        "total": "integer", "items": "object[]", "items.type": "string", "items.alpha": "integer", "items.beta": "number",
        "link": "object", "link.url": "string", "links": "object[]", "links.url": "string", "tree": "object",
        "tree.name": "string", "tree.child": "object", "matrix": "array[]", "meta": "object", "from": "string", "2xx-rate": "number",
    }  # fmt: skip
    assert fields["items.alpha"]["description"] == "only on a"
    assert fields["items.beta"]["description"] == ""


def test_the_demo_drafts_validate_and_name_every_model_once(demo: Imported, tmp_path: Path) -> None:
    write_drafts(demo, tmp_path / "spec", SPEC_DIR / "api.yaml")
    api = build_ir(tmp_path / "spec")
    live = next(e for e in api.endpoints if e.name == "live")
    models = {node.path.removeprefix("tasks.result."): node.model for node in live.result.walk() if node.model}
    assert models["link"] == "DemoLiveLink" and models["links"] == "DemoLiveLinks"
    attrs = {node.key: node.attr for node in live.result.walk()}
    assert (attrs["from"], attrs["2xx-rate"]) == ("from_", "n2xx_rate")


def test_path_selects_operations_by_glob_or_regex() -> None:
    assert [d.file for d in import_document(DOCUMENT, "/demo/l*").drafts] == ["demo/live.yaml"]
    assert [d.file for d in import_document(DOCUMENT, "/v3/demo/*").drafts] == ["demo/index.yaml", "demo/live.yaml", "demo/task_get.yaml"]
    assert [d.file for d in import_document(DOCUMENT, r"re:/demo/(index|nothing)").drafts] == ["demo/index.yaml"]
    assert import_document(DOCUMENT, "/backlinks/*").drafts == []


def test_existing_specs_are_replaced_only_when_asked(demo: Imported, tmp_path: Path) -> None:
    write_drafts(demo, tmp_path, SPEC_DIR / "api.yaml")
    (tmp_path / "demo" / "live.yaml").write_text("# edited by hand\n", encoding="utf-8")
    with pytest.raises(GenerationError, match="3 spec file"):
        write_drafts(demo, tmp_path, SPEC_DIR / "api.yaml")
    assert (tmp_path / "demo" / "live.yaml").read_text(encoding="utf-8") == "# edited by hand\n"
    write_drafts(demo, tmp_path, SPEC_DIR / "api.yaml", overwrite=True)
    assert yaml.safe_load((tmp_path / "demo" / "live.yaml").read_text(encoding="utf-8"))["name"] == "live"


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json", "Expecting property name"), ('{"swagger": "2.0"}', "not an OpenAPI 3 document"), ('{"openapi": "3.0.1"}', "no 'paths'")],
)
def test_a_document_that_is_not_openapi_3_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GenerationError, match=message):
        load_document(path)


def test_cli_writes_a_spec_directory_and_exits_2_on_a_bad_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "doc.json"
    document.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    assert main(["import-openapi", str(document), "-o", str(tmp_path / "spec")]) == 0
    out, err = capsys.readouterr()
    assert "3 endpoints, 2 notes to review, 0 operations not imported" in out
    assert "demo/task_get.yaml: parameter 'id': upstream does not declare this path parameter" in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "spec").rglob("*.yaml")) == [
        "spec/api.yaml", "spec/demo/index.yaml", "spec/demo/live.yaml", "spec/demo/task_get.yaml",
    ]  # fmt: skip
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    assert main(["import-openapi", str(tmp_path / "bad.json"), "-o", str(tmp_path / "other")]) == 2
    assert not (tmp_path / "other").exists()


def test_the_hand_checked_endpoints_get_their_constraints_back() -> None:
    """The upstream text of backlinks/history/live states the constraints spec/ holds."""
    (draft,) = import_document(load_document(REFERENCE), "/backlinks/history/live").drafts
    hand = yaml.safe_load((SPEC_DIR / "backlinks" / "history_live.yaml").read_text(encoding="utf-8"))
    keys = ("type", "required", "format", "min_date", "max_length", "enum")
    for name in ("target", "date_from", "rank_scale", "tag"):
        imported, kept = param(draft.spec, name), param(hand, name)
        # YAML reads the hand spec's dates as dates; the draft holds them as the text it writes.
        assert {k: str(imported.get(k)) for k in keys} == {k: str(kept.get(k)) for k in keys}, name


@pytest.mark.slow
def test_the_whole_reference_document_imports_validates_generates_and_imports(tmp_path: Path) -> None:
    """All 548 operations become endpoints, the 115 with path parameters among them.

    Formatting ~1,150 generated files with black, cold, takes minutes on a shared 2-core machine:
    hence ``slow`` (which the default run still includes).
    """
    imported = import_document(load_document(REFERENCE))
    assert imported.skipped == []
    assert len(imported.drafts) == 548
    write_drafts(imported, tmp_path / "spec", SPEC_DIR / "api.yaml")
    api = build_ir(tmp_path / "spec")
    assert len(api.endpoints) == 548
    assert sum(1 for endpoint in api.endpoints if endpoint.path_params) == 115
    files = build_files(tmp_path / "spec", tmp_path / "cache")
    write_tree(files, tmp_path / "out")
    probe = (
        "import importlib, pkgutil, aisa_dataforseo, aisa_dataforseo.endpoints as e\n"
        "names = [m.name for m in pkgutil.iter_modules(e.__path__)]\n"
        "for name in names: importlib.import_module('aisa_dataforseo.endpoints.' + name)\n"
        "client = aisa_dataforseo.Client(api_key='k')\n"
        "print(len(names), callable(client.backlinks.history_live), callable(client.serp.google_organic_task_get_regular))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path / "out", capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["548", "True", "True"]
    # The whole API's client is held to the same standard as the five endpoints' (mypy --strict
    # too, by hand: 18 s for 577 modules; left out here to keep the suite's time down).
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=tmp_path / "out", capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout
    assert readme_counts() == counted(imported)


def readme_counts() -> dict[str, int]:
    """The per-key table in the README's import-openapi section, as {row label: parameters}."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("| constraint from prose | parameters |", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("|").split("|") for line in table.strip().splitlines()[1:]]
    return {label.strip(): int(number.strip().replace(",", "")) for label, number in rows}


def counted(imported: Imported) -> dict[str, int]:
    total, constrained, per_key = constraint_counts(imported)
    labels = {"default": "`default` (server-side)"}
    return {
        "parameters in all": total,
        "at least one (any key below but `required`/`default`)": constrained,
        **{labels.get(key, f"`{key}`"): count for key, count in per_key.most_common()},
    }


# Operations whose names and enums run past the line: long model names (a class line to split),
# long field annotations, Literal parameters, docstrings one quote-mark from the limit.
LONG_LINES = r"re:/v3/(dataforseo_labs/google/domain_intersection/live|app_data/apple/app_list/task_post|ai_optimization/chat_gpt/llm_responses/live|content_analysis/sentiment_analysis/live)"


@pytest.fixture(scope="module")
def long_named(tmp_path_factory: pytest.TempPathFactory) -> Api:
    imported = import_document(load_document(REFERENCE), LONG_LINES)
    assert len(imported.drafts) == 4
    spec = tmp_path_factory.mktemp("long_named") / "spec"
    write_drafts(imported, spec, SPEC_DIR / "api.yaml")
    return build_ir(spec)


def test_rendered_modules_of_long_named_operations_are_black_stable(long_named: Api) -> None:
    """black's first pass finds nothing to change (a second pass doubles its time on the file)."""
    import black

    from generator.format import black_mode
    from generator.render import render_package

    rendered = render_package(long_named)
    modules = {path: text for path, text in rendered.items() if path.endswith(".py")}
    every = "\n".join(modules.values())
    # The shapes black gives the long lines are there: split class bases, a parenthesised
    # annotation, a Literal parameter one value a line.
    assert "(\n    Model\n):" in every and ") = None\n" in every and ": Literal[\n" in every
    unstable = sorted(path for path, text in modules.items() if black.format_str(text, mode=black_mode()) != text)
    assert unstable == []


def test_the_long_lines_black_lays_out_are_remembered_in_its_cache(
    long_named: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build whose files black's cache answers does not run black on their long lines either."""
    import black

    from generator import layout
    from generator.render import Renderer, plan

    cache = tmp_path / "cache"

    def rendered() -> dict[str, str]:
        layout._black_between.cache_clear()  # this process's memory of them, as in a new run
        renderer = Renderer(cache_dir=cache)
        return {job.path: renderer.render(job) for job in plan(long_named)}

    first = rendered()
    assert any(cache.rglob("*")), "no long line was laid out by black"

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("black ran on a line its cache holds")

    monkeypatch.setattr(black, "format_str", refuse)
    assert rendered() == first
