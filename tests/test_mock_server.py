"""aisa_dataforseo.testing.MockServer: a real HTTP server that checks requests with the client's
rules, answers with reproducible responses of the documented shape, and plays the faults a test
queues."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aisa_dataforseo import APITimeoutError, Response
from aisa_dataforseo.endpoints import backlinks_history_live, backlinks_index, on_page_links
from aisa_dataforseo.testing import MockServer, Reply
from aisa_dataforseo.testing import strategies as strat
from aisa_dataforseo.testing._routes import ROUTES
from aisa_dataforseo.testing.pytest_plugin import dataforseo_mock  # noqa: F401  (the fixture)
from conftest import GENERATED_DIR
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

TODAY = dt.date(2024, 2, 29)
LINKS = on_page_links.ENDPOINT.path
HISTORY = backlinks_history_live.ENDPOINT.path
INDEX = backlinks_index.ENDPOINT.path
TASK_ID = "07131248-1535-0216-1000-17384017ad04"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(seed=5, today=TODAY) as server:
        yield server


def send(server: MockServer, path: str, body: Any = None, *, method: str | None = None, key: str | None = None) -> httpx.Response:
    endpoint = ROUTES[path][0]
    headers = {"Authorization": f"Bearer {key or server.api_key}"}
    return httpx.request(method or endpoint.method, server.base_url + path, json=body, headers=headers)


def exported(path: str, kind: str) -> dict[str, Any]:
    """The exported request or response schema of the endpoint at ``path``."""
    module = ROUTES[path][0].name.replace(".", "_")
    return json.loads((GENERATED_DIR / "schemas" / f"{module}.{kind}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def schema(path: str) -> Draft202012Validator:
    return Draft202012Validator(exported(path, "response"))


# -- answers by the rules ---------------------------------------------------------------------

VALID = {
    INDEX: None,
    LINKS: {"id": TASK_ID, "limit": 10},
    HISTORY: {"target": "example.com", "date_from": "2020-01-01"},
}


@pytest.mark.parametrize("path", sorted(VALID))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_valid_request_gets_a_drawn_response_the_models_parse_and_the_schema_accepts(path: str, seed: int) -> None:
    with MockServer(seed=seed, today=TODAY) as server:
        answer = send(server, path, VALID[path])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    schema(path).validate(body)
    parsed = Response.parse(body, ROUTES[path][1])
    assert parsed.to_dict() == body
    assert parsed.status_code == 20000 and parsed.tasks_error == 0
    (task,) = parsed.tasks or []
    assert task.status_code == 20000 and task.result and task.result_count == len(task.result)
    assert task.data == (VALID[path] or {}) and task.path == path.strip("/").split("/")


def test_the_same_seed_and_request_give_the_same_response_whatever_came_before() -> None:
    with MockServer(seed=9) as first, MockServer(seed=9) as second, MockServer(seed=10) as other:
        send(second, INDEX)  # an unrelated request first must not shift what follows
        bodies = [send(server, LINKS, VALID[LINKS]).json() for server in (first, second, other)]
    assert bodies[0] == bodies[1]
    assert bodies[0] != bodies[2]


def test_a_request_the_schema_refuses_gets_400_and_the_invalid_field_envelope(mock: MockServer) -> None:
    answer = send(mock, LINKS, {"id": "not-a-uuid", "limit": 0, "colour": "red"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["status_code"] == 40501 and body["tasks"] == []
    for name in ("'id'", "'limit'", "'colour'"):
        assert name in body["status_message"]


@pytest.mark.parametrize(
    "body",
    [{"target": "https://example.com"}, {"target": "example.com", "date_from": "2024-03-01"},
     {"target": "example.com", "date_from": "2023-01-01", "date_to": "2022-01-01"}],
    ids=["domain-format", "relative-date", "cross-field-rule"],
)  # fmt: skip
def test_a_request_only_the_docs_refuse_gets_a_failed_task_in_a_200(mock: MockServer, body: dict[str, Any]) -> None:
    answer = send(mock, HISTORY, body)
    assert answer.status_code == 200
    schema(HISTORY).validate(answer.json())
    parsed = Response.parse(answer.json(), backlinks_history_live.BacklinksHistoryLiveResult)
    (task,) = parsed.tasks or []
    assert (parsed.status_code, parsed.tasks_error, task.status_code, task.result) == (20000, 1, 40501, None)
    assert task.status_message and task.status_message.startswith("Invalid Field: ")


def test_a_null_and_a_body_that_is_not_json_are_malformed(mock: MockServer) -> None:
    assert send(mock, LINKS, {"id": TASK_ID, "tag": None}).status_code == 400
    raw = httpx.post(mock.base_url + LINKS, content=b"{", headers={"Authorization": f"Bearer {mock.api_key}"})
    assert raw.status_code == 400 and "not JSON" in raw.json()["status_message"]


def test_a_whole_float_is_the_integer_json_schema_says_it_is(mock: MockServer) -> None:
    assert send(mock, LINKS, {"id": TASK_ID, "limit": 10.0}).status_code == 200
    assert send(mock, LINKS, {"id": TASK_ID, "limit": 10.5}).status_code == 400


def test_wrong_key_wrong_method_and_unknown_path(mock: MockServer) -> None:
    assert send(mock, INDEX, key="wrong").status_code == 401
    assert httpx.get(mock.base_url + INDEX).status_code == 401
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "QUERY"):
        answer = send(mock, INDEX, method=method)
        assert (answer.status_code, answer.headers["allow"]) == (405, "GET"), method
    assert send(mock, LINKS, method="GET").headers["allow"] == "POST"
    assert httpx.get(mock.base_url + "/dataforseo/nothing/here").status_code == 404


def test_requests_are_recorded_as_received() -> None:
    with MockServer() as server:
        send(server, LINKS, VALID[LINKS])
        send(server, INDEX, key="wrong")
        first, second = server.requests
    assert (first.method, first.path, first.json) == ("POST", LINKS, VALID[LINKS])
    assert first.headers["authorization"] == f"Bearer {server.api_key}"
    assert (second.method, second.body, second.json) == ("GET", b"", None)


# -- request schema and mock agree: what the schema refuses is a 400, and nothing else is -------

ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)


@st.composite
def tasks(draw: st.DrawFn, path: str) -> dict[str, Any]:
    endpoint = ROUTES[path][0]
    task: dict[str, Any] = {}
    for param in endpoint.params:
        choice = draw(st.integers(0, 3))
        if choice == 1:
            task[param.name] = draw(strat.values(param, today=TODAY))
        elif choice == 2 and param.checks + param.item_checks:
            check = draw(st.sampled_from(param.checks + param.item_checks))
            task[param.name] = draw(strat.invalid_arguments(param, check, today=TODAY))
        elif choice == 3:
            task[param.name] = draw(ANY_JSON)
    if draw(st.integers(0, 7)) == 0:
        task[draw(st.text(min_size=1, max_size=8))] = draw(ANY_JSON)
    return json.loads(json.dumps(task, default=lambda day: day.isoformat()))


# Each example is an HTTP round trip (and a drawn response); 50 per endpoint keep it to seconds.
@settings(max_examples=50)
@given(data=st.data())
@pytest.mark.parametrize("path", sorted(path for path, (endpoint, _) in ROUTES.items() if endpoint.body != "none"))
def test_the_mock_answers_400_exactly_when_the_exported_request_schema_refuses(
    mock: MockServer, path: str, data: st.DataObject
) -> None:
    validator = Draft202012Validator(exported(path, "request"), format_checker=Draft202012Validator.FORMAT_CHECKER)
    task = data.draw(tasks(path))
    answer = send(mock, path, task)
    assert (answer.status_code == 400) == (not validator.is_valid(task)), answer.text


def test_the_mock_sorts_rules_as_the_export_states_them() -> None:
    from aisa_dataforseo.testing._mock_server import _SCHEMA_FORMATS, _SCHEMA_RULES

    from generator.export.jsonschema import _KEYWORDS, STATED_FORMATS

    assert _SCHEMA_FORMATS == set(STATED_FORMATS)
    # "path": the export states a path parameter's refused segments ("", ".", "..") with "not".
    assert _SCHEMA_RULES == {kind.kind for kind in _KEYWORDS} | {"unknown", "required", "type", "path"}


# -- canned answers and faults ----------------------------------------------------------------


def test_queued_replies_answer_in_order_then_the_rules_resume() -> None:
    with MockServer() as server:
        server.reply(INDEX, Reply.retry_after(2), Reply(status=503), Reply.api_error(40200, "Payment Required."))
        first, second, third, fourth = (send(server, INDEX) for _ in range(4))
    assert (first.status_code, first.headers["retry-after"], first.json()["status_code"]) == (429, "2", 42900)
    assert (second.status_code, second.json()["status_message"]) == (503, "Service Unavailable.")
    assert (third.status_code, third.json()["status_code"], third.json()["status_message"]) == (200, 40200, "Payment Required.")
    assert fourth.status_code == 200 and fourth.json()["status_code"] == 20000


def test_a_malformed_body_and_a_dropped_connection(mock: MockServer) -> None:
    mock.reply(INDEX, Reply.malformed(), Reply.disconnect())
    answer = send(mock, INDEX)
    with pytest.raises(ValueError):
        answer.json()
    with pytest.raises(httpx.RemoteProtocolError):
        send(mock, INDEX)


def test_a_delay_makes_the_client_time_out(mock: MockServer) -> None:
    mock.reply(INDEX, Reply(delay=1.0))
    with mock.client(max_retries=0, timeout=0.05) as client, pytest.raises(APITimeoutError):
        client.backlinks.index()


def test_a_reply_for_a_path_that_is_not_an_endpoint_is_refused(mock: MockServer) -> None:
    with pytest.raises(ValueError, match="not an endpoint"):
        mock.reply("/dataforseo/nothing", Reply(status=500))


def test_the_client_against_the_mock(mock: MockServer) -> None:
    with mock.client(max_retries=0) as client:
        response = client.on_page.links(id=TASK_ID, limit=5)
    assert response.tasks and response.tasks[0].status_code == 20000


# -- packaging --------------------------------------------------------------------------------


def test_the_fixture_serves_a_running_mock(dataforseo_mock: MockServer) -> None:  # noqa: F811
    assert send(dataforseo_mock, INDEX).status_code == 200


def test_the_pytest_plugin_is_registered_and_nothing_imports_the_mock_eagerly() -> None:
    pyproject = (GENERATED_DIR / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.pytest11]\naisa_dataforseo = "aisa_dataforseo.testing.pytest_plugin"' in pyproject
    code = (
        "import sys, aisa_dataforseo.testing, aisa_dataforseo.testing.pytest_plugin;"
        "print(sorted(m for m in sys.modules if m.endswith(('.mock', '.strategies', '._client'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=GENERATED_DIR, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
