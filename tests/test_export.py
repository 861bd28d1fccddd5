"""The OpenAPI 3.1 / JSON Schema export: valid documents, every constraint stated or annotated,
deterministic text, part of the generated tree, and in agreement with the client's validation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import GENERATED_DIR, SPEC_DIR
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from generator import ir
from generator.export import OPENAPI_FILE, export_files
from generator.export.jsonschema import _EXTENSIONS, _KEYWORDS, STATED_FORMATS, WHITESPACE, _choices
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
        responses = openapi["paths"][endpoint.path][endpoint.method.lower()]["responses"]
        schemas = {status: answer["content"]["application/json"]["schema"] for status, answer in responses.items()}
        assert schemas.pop("200") == {"$ref": f"#/components/schemas/{endpoint.class_prefix}Response"}
        assert set(map(json.dumps, schemas.values())) == {'{"$ref": "#/components/schemas/Envelope"}'}


def test_each_response_types_its_results_layer_by_layer(openapi: dict[str, Any], api: Api) -> None:
    # Each layer down to the result slot is its shared base and the one field leading down.
    for endpoint in api.endpoints:
        filled = schema_of(openapi, f"{endpoint.class_prefix}Response")
        assert filled["allOf"][0] == {"$ref": "#/components/schemas/EnvelopeBase"}
        task = resolve(openapi, filled["allOf"][1]["properties"]["tasks"]["items"])
        assert task["allOf"][0] == {"$ref": "#/components/schemas/EnvelopeTaskBase"}
        slot = task["allOf"][1]["properties"]["result"]["items"]
        assert slot == {"$ref": f"#/components/schemas/{endpoint.result.model}"}
    opened = resolve(openapi, schema_of(openapi, "Envelope")["allOf"][1]["properties"]["tasks"]["items"])
    assert opened["title"] == "Task" and opened["allOf"][1]["properties"]["result"]["items"] == {}
    bases = [schema_of(openapi, name)["properties"] for name in ("EnvelopeBase", "EnvelopeTaskBase")]
    assert "tasks" not in bases[0] and "result" not in bases[1]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or what its ``$ref`` (into ``document``) names."""
    if "$ref" not in schema:
        return schema
    node: Any = document
    for part in schema["$ref"].removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def test_no_allof_defines_a_property_twice(openapi: dict[str, Any], exported: dict[str, str]) -> None:
    # Code generators merge allOf one property at a time and keep the first definition of a
    # property two parts share: a per-endpoint result narrowed that way would be lost.
    documents = [openapi] + [json.loads(text) for path, text in exported.items() if path.startswith("schemas/")]
    seen = 0
    for document in documents:
        for schema in subschemas(document):
            if "allOf" in schema:
                names = [key for part in schema["allOf"] for key in resolve(document, part).get("properties", {})]
                assert len(names) == len(set(names)), names
                seen += 1
    assert seen


def subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON document, depth first: each schema, and more."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from subschemas(value)


def test_every_array_schema_names_its_items(openapi: dict[str, Any], exported: dict[str, str]) -> None:
    # An array without ``items`` is valid JSON Schema, but openapi-python-client drops every
    # schema holding one, and with it the operation (on_page/links's ``filters`` did).
    documents = [openapi] + [json.loads(text) for path, text in exported.items() if path.startswith("schemas/")]
    arrays = [schema for document in documents for schema in subschemas(document) if "array" in _types(schema)]
    assert arrays
    assert [schema for schema in arrays if "items" not in schema] == []


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    return [kind] if isinstance(kind, str) else list(kind or [])


def test_a_response_field_may_be_null_by_a_type_list(openapi: dict[str, Any], api: Api) -> None:
    names = ["EnvelopeBase", "EnvelopeTaskBase"] + [str(endpoint.result.model) for endpoint in api.endpoints]
    names += [f"{endpoint.class_prefix}Response{suffix}" for endpoint in api.endpoints for suffix in ("", "Task")]
    fields = [
        field
        for name in names
        for schema in subschemas(schema_of(openapi, name))
        for field in schema.get("properties", {}).values()
    ]
    assert fields
    for field in fields:
        assert len(_types(field)) == 2 and _types(field)[1] == "null", field


def test_the_layers_mean_what_one_envelope_would(openapi: dict[str, Any], api: Api, exported: dict[str, str]) -> None:
    def body(result: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"status_code": 20000, **(extra or {}), "tasks": [{"id": "x", **(extra or {}), "result": result}]}

    envelope = Draft202012Validator({"$ref": "#/components/schemas/Envelope", "components": openapi["components"]})
    assert all(envelope.is_valid(body(result)) for result in ([1, "a", None], [{}], None))
    assert not envelope.is_valid(body([], {"status_code": "20000"}))
    for endpoint in api.endpoints:
        response = Draft202012Validator(json.loads(exported[f"schemas/{module_name(endpoint)}.response.json"]))
        assert response.is_valid(body([{}], {"unknown": [1]})) and response.is_valid({"tasks": None})
        assert not response.is_valid(body([1])), endpoint.name
        assert not response.is_valid(body([{}], {"id": 1})), endpoint.name


def test_a_result_slot_inside_an_object_is_reached_the_same_way(api: Api) -> None:
    from dataclasses import replace

    tasks = next(child for child in api.envelope.children if child.key == "tasks")
    children = tuple(replace(tasks, kind="object") if child is tasks else child for child in api.envelope.children)
    one_task = replace(api, envelope=replace(api.envelope, children=children))
    endpoint = api.endpoints[0]
    schema = json.loads(export_files(one_task)[f"schemas/{module_name(endpoint)}.response.json"])
    response = Draft202012Validator(schema)
    assert response.is_valid({"tasks": {"result": [{}]}}) and response.is_valid({"tasks": None})
    assert not response.is_valid({"tasks": {"result": [1]}})
    assert not response.is_valid({"tasks": [{"result": [{}]}]})


@pytest.mark.parametrize(
    "values", [("a", "b"), (1, 2), (3.5, 4, 4.5), (1, "1"), (True, False), (0, False, 0.5)]
)
def test_choices_are_an_enum_or_the_same_values_as_consts(values: tuple[Any, ...]) -> None:
    # openapi-python-client reads string and integer enums only; other choices become consts.
    schema = _choices(values)
    kinds = {type(value) for value in values}
    assert ("enum" in schema) == (kinds in ({str}, {int}))
    enum = Draft202012Validator({"enum": list(values)})
    candidates = [*values, 4.0, 1.0, 0, 1, "a", "1", None, True, False, 2.5, [1]]
    assert [Draft202012Validator(schema).is_valid(c) for c in candidates] == [enum.is_valid(c) for c in candidates]


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
