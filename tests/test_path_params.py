"""Path parameters (``in: path``), object-typed request parameters and array-of-array response
fields, end to end: spec → IR → generated client → HTTP → export → mock server → importer.

A small spec directory is generated once into a temporary package (``pathdemo``, so it cannot
clash with the committed ``aisa_dataforseo``) and imported in this process.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from conftest import SPEC_DIR, TESTS_DIR
from loopback import LoopbackServer

from generator.importers.openapi import import_document, write_drafts
from generator.output import write_tree
from generator.pipeline import build_files, build_ir

TASK_GET = """\
name: task_get
title: Task Get
method: GET
path: /backlinks/task_get/{id}
docs_url: https://docs.example.com/task_get/
description: The results of one task.
body: none
params:
  - name: id
    in: path
    type: string
    description: task identifier
response:
  - name: tasks.result.rows
    type: array[]
    description: rows of any values
"""

PAGES = """\
name: pages
title: Pages
method: POST
path: /backlinks/pages/{page}/live
docs_url: https://docs.example.com/pages/
description: Pages by number, with free-form options.
body: array
params:
  - name: page
    in: path
    type: integer
    description: page number
  - name: pages
    type: object
    required: true
    description: any JSON object
  - name: chain
    type: array
    items: {type: object}
    max_items: 2
    description: a list of JSON objects
response:
  - name: tasks.result.total
    type: integer
    description: total count
"""

PREFIX = "/dataforseo/backlinks/task_get/"
SENT = "/apis/v1" + PREFIX  # what the loopback server sees: its base_url's path, then the route
HOSTILE = ["a/b", "../etc", "?q=1#frag", "ünï cødé", "%2F", "{id}", "a b+c&d=e", "x" * 300]


def _spec_dir(root: Path) -> Path:
    spec = root / "spec"
    (spec / "backlinks").mkdir(parents=True)
    api_text = (SPEC_DIR / "api.yaml").read_text(encoding="utf-8")
    (spec / "api.yaml").write_text(api_text.replace("name: aisa_dataforseo", "name: pathdemo"), encoding="utf-8")
    (spec / "backlinks" / "task_get.yaml").write_text(TASK_GET, encoding="utf-8")
    (spec / "backlinks" / "pages.yaml").write_text(PAGES, encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    root = tmp_path_factory.mktemp("pathdemo")
    files = build_files(_spec_dir(root))
    write_tree(files, root / "out")
    sys.path.insert(0, str(root / "out"))
    try:
        yield root, files
    finally:
        sys.path.remove(str(root / "out"))
        for name in [name for name in sys.modules if name == "pathdemo" or name.startswith("pathdemo.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def pkg(generated: tuple[Path, dict[str, str]]) -> ModuleType:
    return importlib.import_module("pathdemo")


def client(pkg: ModuleType, server: LoopbackServer) -> Any:
    return pkg.Client(api_key="k", base_url=server.base_url, max_retries=0)


def envelope(result: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    task = {"id": "t", "status_code": 20000, "status_message": "Ok.", "result": result}
    return {"version": "0.1", "status_code": 20000, "status_message": "Ok.", "tasks_count": 1, "tasks": [task]}


# -- the IR -----------------------------------------------------------------------------------


def test_a_path_parameter_is_required_and_kept_out_of_the_body(tmp_path: Path) -> None:
    api = build_ir(_spec_dir(tmp_path))
    pages = next(e for e in api.endpoints if e.name == "pages")
    assert [(p.name, p.location, p.required) for p in pages.path_params] == [("page", "path", True)]
    assert [p.name for p in pages.body_params] == ["pages", "chain"]
    assert [(p.type, p.item_type) for p in pages.body_params] == [("object", None), ("array", "object")]


# -- the client fills the path ------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_each_path_value_is_one_percent_encoded_segment(pkg: ModuleType, server: LoopbackServer, value: str) -> None:
    server.reply_json(envelope())
    client(pkg, server).backlinks.task_get(id=value)
    (request,) = server.requests
    assert request.method == "GET" and request.body == b""
    assert request.path == SENT + quote(value, safe="")
    segment = request.path.removeprefix(SENT)
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert unquote(segment) == value


def test_async_client_fills_the_path_too(pkg: ModuleType, server: LoopbackServer) -> None:
    import asyncio

    async def call() -> None:
        async with pkg.AsyncClient(api_key="k", base_url=server.base_url, max_retries=0) as async_client:
            await async_client.backlinks.task_get(id="a/b")

    server.reply_json(envelope())
    asyncio.run(call())
    assert server.requests[0].path == SENT + "a%2Fb"


@pytest.mark.parametrize(
    ("value", "rule"), [(None, "required"), ("", "path"), (".", "path"), ("..", "path"), (7, "type")]
)
def test_a_bad_path_value_is_refused_before_any_request(pkg: ModuleType, server: LoopbackServer, value: Any, rule: str) -> None:
    with pytest.raises(pkg.RequestValidationError) as caught:
        client(pkg, server).backlinks.task_get(id=value)
    assert [(issue.param, issue.rule) for issue in caught.value.errors] == [("id", rule)]
    assert server.requests == []


def test_path_integer_and_object_parameters_go_where_they_belong(pkg: ModuleType, server: LoopbackServer) -> None:
    server.reply_json(envelope([{"total": 3}]))
    response = client(pkg, server).backlinks.pages(page=-2, pages={"a": [1, {"b": None}]}, chain=({"x": 1}, {}))
    (request,) = server.requests
    assert request.path == "/apis/v1/dataforseo/backlinks/pages/-2/live"
    assert request.json() == [{"pages": {"a": [1, {"b": None}]}, "chain": [{"x": 1}, {}]}]
    assert response.tasks[0].result[0].total == 3


def test_object_parameters_are_checked_as_mappings(pkg: ModuleType, server: LoopbackServer) -> None:
    with pytest.raises(pkg.RequestValidationError) as caught:
        client(pkg, server).backlinks.pages(page=True, pages=["a"], chain=[{"x": 1}, "y", {1: 2}])
    found = [(issue.param, issue.rule) for issue in caught.value.errors]
    assert found == [("page", "type"), ("pages", "type"), ("chain", "max_items"), ("chain[1]", "type"), ("chain[2]", "type")]
    assert server.requests == []


def test_signatures_name_path_and_object_parameters_as_plain_keywords(generated: tuple[Path, dict[str, str]]) -> None:
    _, files = generated
    resource = files["pathdemo/resources/backlinks.py"]
    assert "id: str," in resource
    assert "page: int," in resource
    assert "pages: Mapping[str, Any]," in resource
    assert "chain: Sequence[Mapping[str, Any]] | None = None," in resource


# -- arrays of arrays in a response -----------------------------------------------------------


def test_rows_of_any_values_parse_and_round_trip(pkg: ModuleType) -> None:
    from pathdemo.endpoints.backlinks_task_get import BacklinksTaskGetResult

    rows = [[1, "a", None, {"k": [2.5]}], [], [[True]]]
    body = envelope([{"rows": rows}])
    response = pkg.Response.parse(body, BacklinksTaskGetResult)
    assert response.tasks[0].result[0].rows == rows
    assert response.to_dict() == body
    with pytest.raises(pkg.ResponseParseError, match="expected an array"):
        pkg.Response.parse(envelope([{"rows": [[1], "not a row"]}]), BacklinksTaskGetResult)


# -- the export and the mock server -----------------------------------------------------------


def test_the_export_declares_path_parameters_and_keeps_them_out_of_the_body(generated: tuple[Path, dict[str, str]]) -> None:
    _, files = generated
    document = json.loads(files["openapi.json"])
    get = document["paths"]["/dataforseo/backlinks/task_get/{id}"]["get"]
    assert get["parameters"] == [
        {"name": "id", "in": "path", "required": True, "description": "task identifier",
         "schema": {"type": "string", "not": {"enum": ["", ".", ".."]}}},
    ]  # fmt: skip
    assert "requestBody" not in get
    post = document["paths"]["/dataforseo/backlinks/pages/{page}/live"]["post"]
    assert [(p["name"], p["schema"]["type"]) for p in post["parameters"]] == [("page", "integer")]
    task = document["components"]["schemas"]["BacklinksPagesTasks"]["items"]
    assert list(task["properties"]) == ["pages", "chain"] and task["required"] == ["pages"]
    assert task["properties"]["chain"]["items"] == {"type": "object"}


def test_the_mock_routes_templated_paths(pkg: ModuleType) -> None:
    from pathdemo.testing import MockServer

    with MockServer(seed=1) as mock:
        mock_client = mock.client(max_retries=0)
        response = mock_client.backlinks.task_get(id="a/b c")
        assert response.status_code == 20000
        assert mock.requests[-1].path.endswith(PREFIX + "a%2Fb%20c")
        mock_client.backlinks.pages(page=3, pages={})
        headers = {"Authorization": f"Bearer {mock.api_key}"}
        base = mock.base_url
        # httpx itself drops a literal ".." segment; encoded, it reaches the server, which refuses it.
        assert httpx.get(base + PREFIX + "%2E%2E", headers=headers).status_code == 400
        assert httpx.get(base + "/dataforseo/backlinks/task_get", headers=headers).status_code == 404
        wrong = httpx.post(base + "/dataforseo/backlinks/pages/x/live", headers=headers, json=[{"pages": {}}])
        assert wrong.status_code == 400 and "page" in wrong.json()["status_message"]


# -- the importer -----------------------------------------------------------------------------


def test_imported_path_and_object_parameters_validate_and_generate(tmp_path: Path) -> None:
    ok = {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"tasks": {"type": "array", "items": {"type": "object", "properties": {"result": {"type": "array", "items": {"type": "object", "properties": {"matrix": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}}}}}}}}}}}}}
    uuid_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": "task identifier\nunique task identifier in our system in the UUID format"}
    body = {"type": "array", "items": {"type": "object", "properties": {
        "pages": {"type": "object", "additionalProperties": {"type": "string"}, "description": "pages\nrequired field"},
        "chain": {"type": "array", "items": {"type": "object"}, "description": "message chain\noptional field"},
    }}}
    document = {"openapi": "3.0.1", "paths": {
        "/v3/demo/task_get/{id}": {"get": {"operationId": "DemoTaskGet", "parameters": [uuid_id], "responses": ok}},
        "/v3/demo/live": {"post": {"operationId": "DemoLive", "requestBody": {"content": {"application/json": {"schema": body}}}, "responses": ok}},
    }}  # fmt: skip
    imported = import_document(document)
    assert imported.skipped == []
    drafts = {draft.file: draft.spec for draft in imported.drafts}
    task_get = drafts["demo/task_get.yaml"]
    assert (task_get["path"], task_get["body"]) == ("/demo/task_get/{id}", "none")
    assert task_get["params"] == [{"name": "id", "in": "path", "type": "string", "format": "uuid", "description": uuid_id["description"].replace("\n", " ")}]
    assert [field["type"] for field in task_get["response"]] == ["array[]"]
    live = drafts["demo/live.yaml"]
    assert [(p["name"], p["type"], p.get("items"), p.get("required")) for p in live["params"]] == [
        ("pages", "object", None, True), ("chain", "array", {"type": "object"}, None),
    ]  # fmt: skip
    write_drafts(imported, tmp_path / "spec", TESTS_DIR / "spec_minimal" / "spec" / "api.yaml")
    files = build_files(tmp_path / "spec")
    assert "id: str," in files["demo/resources/demo.py"]


# -- the testing strategies -------------------------------------------------------------------


@pytest.mark.parametrize("module", ["backlinks_task_get", "backlinks_pages"])
def test_drawn_requests_meet_every_check_of_path_and_object_parameters(pkg: ModuleType, module: str) -> None:
    """Path values the path check refuses ("", ".", "..") and object parameters (a mapping, or a list
    of them) must come out of the strategies already valid, as every other parameter does."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    strategies = importlib.import_module("pathdemo.testing.strategies")
    endpoint = importlib.import_module(f"pathdemo.endpoints.{module}").ENDPOINT
    today = dt.date(2024, 2, 29)
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=200, deadline=None)
    @given(strategies.requests(endpoint, today=today), st.just(None))
    def build(arguments: dict[str, Any], _: None) -> None:
        endpoint.build_request(arguments, today)
        drawn.append(arguments)

    build()
    for param in endpoint.params:
        kinds = {type(arguments[param.name]) for arguments in drawn if param.name in arguments}
        expected = {"object": {dict}, "array": {list, tuple}, "integer": {int}, "string": {str}}[param.type]
        assert kinds and kinds <= expected, (param.name, kinds)
    chains = [arguments["chain"] for arguments in drawn if arguments.get("chain")]
    assert all(isinstance(item, dict) for chain in chains for item in chain)
    assert bool(chains) == (module == "backlinks_pages")
