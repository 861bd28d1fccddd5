"""What the clients do when a call goes wrong, sync and async alike, against a loopback server.

Every test counts the attempts the server saw and the exact waits between them: the clients
take a ``sleep`` function, so the waits are recorded rather than slept, and jitter is pinned
(``random.random() == 0``) so backoff is exactly 0.5 s, 1 s, 2 s, ... capped by the spec.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from aisa_dataforseo import (
    APIResponse,
    APIStatusError,
    AsyncClient,
    Client,
    RateLimitCodeError,
    RequestValidationError,
    Response,
    ResponseParseError,
    ResponseStatusError,
    ServerCodeError,
    ServerError,
    _base_client,
    _constants,
)
from aisa_dataforseo._errors import code_error_class
from loopback import API_KEY, LoopbackServer, Reply

RESPONSES = Path(__file__).parent / "responses"
HISTORY_ARGUMENTS = {"target": "techcrunch.com"}


def payload(name: str = "backlinks_history_live") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def refused(code: int, message: str = "Refused.") -> dict[str, Any]:
    """A 200 whose top-level status code refuses the whole call."""
    return {**payload(), "status_code": code, "status_message": message, "tasks": None}


def task_failed(code: int, message: str = "Task failed.") -> dict[str, Any]:
    """A 200 whose only task failed."""
    body = payload()
    body["tasks"][0].update(status_code=code, status_message=message, result=None)
    body["tasks_error"] = 1
    return body


@pytest.fixture(autouse=True)
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_base_client, "random", SimpleNamespace(random=lambda: 0.0))


class Harness:
    """One client of the flavour under test, with its waits recorded instead of slept."""

    def __init__(self, flavour: str, server: LoopbackServer) -> None:
        self.flavour = flavour
        self.server = server
        self.waits: list[float] = []

    def options(self, **options: Any) -> dict[str, Any]:
        async def async_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        sleep = self.waits.append if self.flavour == "sync" else async_sleep
        return {
            "api_key": API_KEY,
            "base_url": self.server.base_url,
            "timeout": 5.0,
            "sleep": sleep,
            **options,
        }

    def run(self, action: Callable[[Any], Any], **options: Any) -> Any:
        """``action(client)``: its result, awaited for the async client."""
        if self.flavour == "sync":
            with Client(**self.options(**options)) as client:
                return action(client)

        async def main() -> Any:
            async with AsyncClient(**self.options(**options)) as client:
                return await action(client)

        return asyncio.run(main())

    def history(self, **options: Any) -> Any:
        return self.run(
            lambda client: client.backlinks.history_live(**HISTORY_ARGUMENTS), **options
        )

    @property
    def attempts(self) -> int:
        return len(self.server.requests)


@pytest.fixture
def harness(flavour: str, server: LoopbackServer) -> Harness:
    return Harness(flavour, server)


# -- the API's own retryable codes inside a 200 ------------------------------------------------


@pytest.mark.parametrize("code", [40202, 40209, 50000, 50301])
@pytest.mark.parametrize("where", ["top level", "task"])
def test_a_retryable_code_in_the_body_is_retried(harness: Harness, code: int, where: str) -> None:
    body = refused(code) if where == "top level" else task_failed(code)
    harness.server.reply_json(body).reply_json(payload())
    response = harness.history()
    assert response.tasks[0].status_code == 20000
    assert harness.attempts == 2 and harness.waits == [0.5]
    first, second = harness.server.requests
    assert first.body == second.body


@pytest.mark.parametrize(
    ("code", "error_class"), [(40202, RateLimitCodeError), (50000, ServerCodeError)]
)
def test_exhausted_retries_on_a_body_code_raise_its_typed_error(
    harness: Harness, code: int, error_class: type[ResponseStatusError]
) -> None:
    harness.server.reply(*[Reply(json=task_failed(code, "Too many requests."))] * 3)
    with pytest.raises(error_class) as caught:
        harness.history()
    error = caught.value
    assert (error.status_code, error.status_message) == (code, "Too many requests.")
    assert error.task_id == payload()["tasks"][0]["id"]
    assert isinstance(error.response, Response)
    assert harness.attempts == 3 and harness.waits == [0.5, 1.0]


@pytest.mark.parametrize("code", [40100, 40200, 40210, 40400, 40501, 30000])
def test_a_code_that_is_not_retryable_is_raised_at_once(harness: Harness, code: int) -> None:
    harness.server.reply_json(refused(code, "No."))
    with pytest.raises(ResponseStatusError) as caught:
        harness.history()
    assert type(caught.value) is code_error_class(code)
    assert (caught.value.status_code, caught.value.task_id) == (code, None)
    assert harness.attempts == 1 and harness.waits == []


def test_each_code_becomes_the_error_the_spec_names(api: Any) -> None:
    for entry in api.api_codes:
        for code in (entry.low, entry.high):
            first = next(
                e for e in api.api_codes if e.low <= code <= e.high
            )  # the first match wins
            assert code_error_class(code).__name__ == first.error_class
    assert code_error_class(30000) is ResponseStatusError  # a code no entry covers
    assert code_error_class(40202) is code_error_class(40209) is RateLimitCodeError


def test_retryable_codes_come_from_the_spec(api: Any) -> None:
    assert _constants.RETRY_CODES == api.retry.api_codes
    assert (40202, 40202) in api.retry.api_codes and (40209, 40209) in api.retry.api_codes


# -- HTTP failures: attempts, waits, Retry-After, no retry on client errors --------------------


def test_backoff_doubles_up_to_the_spec_maximum(harness: Harness) -> None:
    harness.server.reply(*[Reply(status=502, json={})] * 7)
    with pytest.raises(ServerError):
        harness.history(max_retries=6)
    assert harness.attempts == 7
    assert harness.waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_jitter_shortens_a_wait_by_at_most_a_quarter(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_base_client, "random", SimpleNamespace(random=lambda: 1.0))
    harness.server.reply(
        Reply(status=504, json={}), Reply(status=504, json={}), Reply(json=payload())
    )
    harness.history()
    assert harness.waits == [0.375, 0.75]


def test_retry_after_is_honoured_on_a_429_and_on_a_200_with_a_rate_limit_code(
    harness: Harness,
) -> None:
    harness.server.reply(
        Reply(status=429, json={}, headers={"Retry-After": "3"}),
        Reply(json=refused(40202), headers={"Retry-After": "1.5"}),
        Reply(json=payload()),
    )
    harness.history()
    assert harness.attempts == 3 and harness.waits == [3.0, 1.5]


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 422])
def test_a_client_error_status_is_never_retried(harness: Harness, status: int) -> None:
    harness.server.reply(
        Reply(status=status, json=refused(status * 100), headers={"Retry-After": "0"})
    )
    with pytest.raises(APIStatusError):
        harness.history()
    assert harness.attempts == 1 and harness.waits == []


def test_a_request_the_docs_forbid_is_refused_before_the_network(harness: Harness) -> None:
    with pytest.raises(RequestValidationError):
        harness.run(lambda client: client.backlinks.history_live(target="https://techcrunch.com"))
    assert harness.attempts == 0 and harness.waits == []


def test_a_dropped_connection_is_retried_with_backoff(harness: Harness) -> None:
    harness.server.reply(Reply(drop=True), Reply(drop=True), Reply(json=payload()))
    assert harness.history().status_code == 20000
    assert harness.attempts == 3 and harness.waits == [0.5, 1.0]


def test_a_timeout_is_retried_with_backoff(harness: Harness) -> None:
    harness.server.reply(Reply(json=payload(), delay=2.0), Reply(json=payload()))
    assert harness.history(timeout=0.1).status_code == 20000
    assert len(harness.server.wait_for_requests(2)) == 2 and harness.waits == [0.5]


# -- per-call overrides ------------------------------------------------------------------------


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_with_options_rebinds_the_resources_of_a_subclass(client_class: type[Any]) -> None:
    # The resources are cached properties of Client, two classes below with_options' own; a
    # clone that kept the original's would send through the original's settings.
    class Subclass(client_class):  # type: ignore[misc, valid-type]
        pass

    client = Subclass("test-key")
    client.backlinks  # cached on the original before the clone is made
    clone = client.with_options(max_retries=0)
    assert clone.backlinks._client is clone and client.backlinks._client is client
    assert clone.with_raw_response._client is clone


@pytest.mark.parametrize("max_retries", [0, 4])
def test_with_options_overrides_max_retries_for_some_calls(
    harness: Harness, max_retries: int
) -> None:
    harness.server.reply(*[Reply(status=503, json={})] * (max_retries + 1)).reply_json(payload())

    def action(client: Any) -> Any:
        patient = client.with_options(max_retries=max_retries)
        assert (patient.max_retries, client.max_retries) == (max_retries, 2)
        assert patient._http is client._http  # the same connections
        assert patient.backlinks._client is patient and client.backlinks._client is client
        return patient.backlinks.history_live(**HISTORY_ARGUMENTS)

    with pytest.raises(ServerError):
        harness.run(action)
    assert harness.attempts == max_retries + 1
    assert harness.waits == [0.5, 1.0, 2.0, 4.0][:max_retries]


def test_with_options_leaves_the_connections_to_the_original(server: LoopbackServer) -> None:
    with Client(API_KEY, base_url=server.base_url) as client:
        client.with_options(timeout=1.0).close()
        assert not client._http.is_closed
    assert client._http.is_closed


def test_with_options_refuses_negative_retries() -> None:
    with Client(API_KEY) as client, pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)


# -- opting out of status errors ---------------------------------------------------------------


def test_raise_on_status_false_returns_the_response_with_its_failed_tasks(harness: Harness) -> None:
    body = task_failed(40501, "Invalid Field: 'target'.")
    harness.server.reply_json(body)
    response = harness.history(raise_on_status=False)
    [task] = response.failed_tasks()
    assert (task.id, task.status_code) == (body["tasks"][0]["id"], 40501)
    assert response.to_dict() == body
    assert harness.attempts == 1


def test_raise_on_status_false_still_retries_a_retryable_code(harness: Harness) -> None:
    harness.server.reply(*[Reply(json=refused(40209))] * 3)
    response = harness.run(
        lambda client: client.with_options(raise_on_status=False).backlinks.history_live(
            **HISTORY_ARGUMENTS
        )
    )
    assert response.status_code == 40209 and response.failed_tasks() == []
    assert harness.attempts == 3 and harness.waits == [0.5, 1.0]


def test_a_raw_call_retries_a_retryable_code_then_hands_back_the_answer(harness: Harness) -> None:
    harness.server.reply_json(refused(40202)).reply_json(refused(40100))
    raw = harness.run(
        lambda client: client.with_raw_response.backlinks.history_live(**HISTORY_ARGUMENTS)
    )
    assert isinstance(raw, APIResponse) and raw.json()["status_code"] == 40100
    assert harness.attempts == 2 and harness.waits == [0.5]
    with pytest.raises(ResponseStatusError):
        raw.parse()


# -- bodies that are not the API's answer ------------------------------------------------------

MALFORMED = {
    "truncated JSON": (
        b'{"version": "0.1.2024", "status_code": 200',
        "application/json",
        "not valid JSON",
    ),
    "HTML error page": (
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        "text/html",
        "text/html, not JSON",
    ),
    "empty body": (b"", "application/json", "empty body"),
    "JSON as text/plain": (
        json.dumps(payload()).encode(),
        "text/plain; charset=utf-8",
        "text/plain, not JSON",
    ),
    "not UTF-8": (b'{"status_code": "\xff\xfe"}', "application/json", "not valid JSON"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_body_raises_a_parse_error_that_keeps_it(harness: Harness, case: str) -> None:
    body, content_type, says = MALFORMED[case]
    harness.server.reply(Reply(body=body, headers={"Content-Type": content_type}))
    with pytest.raises(ResponseParseError) as caught:
        harness.history()
    error = caught.value
    assert says in str(error)
    assert isinstance(error.http_response, httpx.Response)
    assert error.http_response.content == body  # the bytes as they arrived
    assert error.body == error.http_response.text
    assert harness.attempts == 1 and harness.waits == []


def test_a_body_of_the_wrong_shape_keeps_the_decoded_json(harness: Harness) -> None:
    harness.server.reply_json({"status_code": 20000, "tasks": "none today"})
    with pytest.raises(ResponseParseError) as caught:
        harness.history()
    assert caught.value.path == "tasks"
    assert caught.value.body == {"status_code": 20000, "tasks": "none today"}
    assert caught.value.http_response is not None


def test_timeouts_are_on_by_default(api: Any, harness: Harness) -> None:
    harness.server.reply_json(payload())
    raw = harness.run(
        lambda client: client.with_raw_response.backlinks.history_live(**HISTORY_ARGUMENTS),
        timeout=_constants.DEFAULT_TIMEOUT,
    )
    timeouts = raw.http_response.request.extensions["timeout"]
    assert set(timeouts) == {"connect", "read", "write", "pool"}
    assert all(value == api.timeout for value in timeouts.values())
