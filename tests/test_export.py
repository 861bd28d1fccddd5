"""The OpenAPI 3.1 / JSON Schema export: valid documents, every constraint stated or annotated,
deterministic text, part of the generated tree, and in agreement with the client's validation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import GENERATED_DIR, SPEC_DIR
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from generator import ir
from generator.export import OPENAPI_FILE, export_files
from generator.export.jsonschema import _EXTENSIONS, _KEYWORDS, STATED_FORMATS, WHITESPACE
from generator.ir import Api
from generator.pipeline import build_files
from generator.render import HEADER_MARK, module_name


@pytest.fixture(scope="module")
def exported(api: Api) -> dict[str, str]:
    return export_files(api)


@pytest.fixture(scope="module")
def openapi(exported: dict[str, str]) -> dict[str, Any]:
    return json.loads(exported[OPENAPI_FILE])  # type: ignore[no-any-return]


def schema_of(openapi: dict[str, Any], title: str) -> dict[str, Any]:
    return openapi["components"]["schemas"][title]  # type: ignore[no-any-return]


def test_the_openapi_document_passes_the_openapi_3_1_validator(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"] == "3.1.0"
    validate_openapi(openapi)


def test_every_schema_file_is_a_valid_draft_2020_12_schema(exported: dict[str, str]) -> None:
    schemas = {path: json.loads(text) for path, text in exported.items() if path.startswith("schemas/")}
    assert schemas
    for path, schema in schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", path
        Draft202012Validator.check_schema(schema)


def test_there_is_a_response_schema_per_endpoint_and_a_request_schema_per_body(
    exported: dict[str, str], api: Api
) -> None:
    expected = {OPENAPI_FILE}
    for endpoint in api.endpoints:
        expected.add(f"schemas/{module_name(endpoint)}.response.json")
        if endpoint.body != "none":
            expected.add(f"schemas/{module_name(endpoint)}.request.json")
    assert set(exported) == expected


def test_each_operation_has_its_method_body_responses_and_bearer_auth(openapi: dict[str, Any], api: Api) -> None:
    assert openapi["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": openapi["components"]["securitySchemes"]["bearer"]["description"],
    }
    assert openapi["security"] == [{"bearer": []}]
    assert openapi["servers"] == [{"url": api.base_url}]
    for endpoint in api.endpoints:
        operations = openapi["paths"][endpoint.path]
        assert list(operations) == [endpoint.method.lower()]
        operation = operations[endpoint.method.lower()]
        assert ("requestBody" in operation) == (endpoint.body != "none")
        assert {"200", "400", "401", "402", "403", "404", "429", "5XX"} == set(operation["responses"])


def test_the_envelope_is_defined_once_and_each_response_references_it(openapi: dict[str, Any], api: Api) -> None:
    text = json.dumps(openapi)
    assert text.count('"title": "Response"') == 1  # the envelope's model, in components only
    for endpoint in api.endpoints:
        response = openapi["paths"][endpoint.path][endpoint.method.lower()]["responses"]["200"]
        ref = response["content"]["application/json"]["schema"]["$ref"]
        filled = schema_of(openapi, ref.rsplit("/", 1)[1])
        assert filled["allOf"][0] == {"$ref": "#/components/schemas/Envelope"}
        slot = filled["allOf"][1]["properties"]["tasks"]["items"]["properties"]["result"]["items"]
        assert slot == {"$ref": f"#/components/schemas/{endpoint.result.model}"}


def test_an_array_body_is_the_task_array(api: Api) -> None:
    endpoint = next(e for e in api.endpoints if e.body == "object")
    array = export_files(_with(api, endpoint, body="array"))
    schema = json.loads(array[f"schemas/{module_name(endpoint)}.request.json"])
    assert schema["type"] == "array" and schema["minItems"] == 1
    assert schema["items"]["properties"].keys() == {p.name for p in endpoint.params}


def _with(api: Api, endpoint: ir.Endpoint, **changes: Any) -> Api:
    from dataclasses import replace

    changed = replace(endpoint, **changes)
    return replace(api, endpoints=tuple(changed if e is endpoint else e for e in api.endpoints))


# -- constraints ------------------------------------------------------------------------------


def test_every_constraint_kind_is_either_stated_or_annotated() -> None:
    kinds = set(ir.Constraint.__subclasses__())
    assert kinds == set(_KEYWORDS) | set(_EXTENSIONS)


def param_schema(openapi: dict[str, Any], endpoint: ir.Endpoint, name: str) -> dict[str, Any]:
    task = schema_of(openapi, f"{endpoint.class_prefix}Task")
    return task["properties"][name]  # type: ignore[no-any-return]


def test_stated_constraints_become_json_schema_keywords(openapi: dict[str, Any], api: Api) -> None:
    links = next(e for e in api.endpoints if e.qualified_name == "on_page.links")
    limit = param_schema(openapi, links, "limit")
    assert (limit["type"], limit["minimum"], limit["maximum"], limit["default"]) == ("integer", 1, 1000, 100)
    assert param_schema(openapi, links, "tag")["maxLength"] == 255
    assert param_schema(openapi, links, "id")["format"] == "uuid"
    task = schema_of(openapi, f"{links.class_prefix}Task")
    assert task["required"] == ["id"] and task["additionalProperties"] is False
    bulk = next(e for e in api.endpoints if e.qualified_name == "backlinks.bulk_pages_summary_live")
    targets = param_schema(openapi, bulk, "targets")
    assert (targets["minItems"], targets["maxItems"], targets["items"]["type"]) == (1, 1000, "string")
    assert param_schema(openapi, bulk, "rank_scale")["enum"] == ["one_hundred", "one_thousand"]


def test_what_json_schema_cannot_state_is_an_extension_and_a_sentence(openapi: dict[str, Any], api: Api) -> None:
    history = next(e for e in api.endpoints if e.qualified_name == "backlinks.history_live")
    date_from = param_schema(openapi, history, "date_from")
    assert (date_from["format"], date_from["x-dfsgen-min-date"], date_from["x-dfsgen-max-date"]) == (
        "date",
        "2019-01-01",
        "today",
    )
    assert "on or before today (UTC)" in date_from["description"]
    target = param_schema(openapi, history, "target")
    assert target["x-dfsgen-format"] == "domain" and "format" not in target and "pattern" not in target
    task = schema_of(openapi, f"{history.class_prefix}Task")
    assert task["x-dfsgen-rules"] == [
        {"left": "date_from", "op": "<=", "right": "date_to", "description": "the time range starts no later than it ends"}
    ]
    assert "date_from <= date_to" in task["description"]
    bulk = next(e for e in api.endpoints if e.qualified_name == "backlinks.bulk_pages_summary_live")
    assert param_schema(openapi, bulk, "targets")["x-dfsgen-distinct-domains"] == 100
    links = next(e for e in api.endpoints if e.qualified_name == "on_page.links")
    assert param_schema(openapi, links, "filters")["x-dfsgen-filter"]["max_conditions"] == 8


def test_relative_dates_are_exported_as_words_never_as_a_day(openapi: dict[str, Any], api: Api) -> None:
    new_lost = next(e for e in api.endpoints if e.qualified_name == "backlinks.bulk_new_lost_backlinks_live")
    date_from = param_schema(openapi, new_lost, "date_from")
    assert date_from["x-dfsgen-min-date"] == "today - 1 year"
    assert date_from["x-dfsgen-default"] == "today - 1 month" and "default" not in date_from
    # No yyyy-mm-dd appears in the export but the spec's own fixed dates and doc examples.
    spec_text = "".join(path.read_text(encoding="utf-8") for path in SPEC_DIR.rglob("*.yaml"))
    for day in set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b", json.dumps(openapi))):
        assert day in spec_text, day


def test_the_whitespace_class_is_exactly_what_the_client_calls_whitespace() -> None:
    pattern = re.compile(WHITESPACE)
    for code in range(0x110000):
        assert bool(pattern.fullmatch(chr(code))) == chr(code).isspace(), hex(code)


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("uuid", ["07131248-1535-0216-1000-17384017ad04", "A" * 8 + "-AAAA-AAAA-AAAA-" + "a" * 12],
         ["07131248-1535-0216-1000-17384017ad04\n", "{07131248-1535-0216-1000-17384017ad04}", ""]),
        ("relative_url", ["/", "/a/b?c=d", "/ä"], ["//host/x", "x/", "/a b", "/a\n", "/\x1e", ""]),
    ],
)  # fmt: skip
def test_stated_format_patterns_match_exactly_the_client_formats(name: str, good: list[str], bad: list[str]) -> None:
    validator = Draft202012Validator(
        {"type": "string", **STATED_FORMATS[name]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert all(validator.is_valid(text) for text in good)
    assert not any(validator.is_valid(text) for text in bad)


# -- the generated tree -----------------------------------------------------------------------


def test_the_export_is_deterministic_and_ends_with_a_newline(api: Api, exported: dict[str, str]) -> None:
    assert export_files(api) == exported
    for path, text in exported.items():
        assert text.endswith("}\n"), path
        assert json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n" == text, path


def test_each_file_names_its_spec_files_near_the_top(exported: dict[str, str], api: Api) -> None:
    for path, text in exported.items():
        assert HEADER_MARK in text[:400], path
        assert api.spec_file in text[:400], path


def test_the_pipeline_writes_the_export_beside_the_package(tmp_path: Path, exported: dict[str, str]) -> None:
    files = build_files(SPEC_DIR, tmp_path / "cache")
    assert {path: files[path] for path in exported} == exported


def test_the_committed_export_is_current(exported: dict[str, str]) -> None:
    for path, text in exported.items():
        assert (GENERATED_DIR / path).read_text(encoding="utf-8") == text, path
