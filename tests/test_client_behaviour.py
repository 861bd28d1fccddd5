"""How the clients behave around the call: credentials, lifecycle, timeouts, retries, and what
each kind of failure becomes — checked against a real loopback server, sync and async alike.

Pauses between attempts are recorded instead of slept (the ``sleeps`` fixture), so the retry
tests are fast and can assert the schedule itself.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from aisa_dataforseo import (
    APIConnectionError,
    APIError,
    APIResponse,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    AuthenticationCodeError,
    AuthenticationError,
    BacklinksHistoryLiveResult,
    BacklinksIndexResult,
    BadRequestCodeError,
    BadRequestError,
    Client,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    Response,
    ResponseParseError,
    ResponseStatusError,
    ServerError,
    _base_client,
)
from aisa_dataforseo._errors import status_error_class
from loopback import API_KEY, LoopbackServer, Reply, call, unused_port

RESPONSES = Path(__file__).parent / "responses"
INDEX = "backlinks.index"
HISTORY = "backlinks.history_live"
RETRY_NOW = {"Retry-After": "0"}


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def error_body(status_code: int, message: str) -> dict[str, Any]:
    """What the gateway sends with an HTTP error: the envelope with no tasks."""
    return {
        "version": "0.1.20240801",
        "status_code": status_code,
        "status_message": message,
        "time": "0 sec.",
        "cost": 0,
        "tasks_count": 0,
        "tasks_error": 0,
        "tasks": None,
    }


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's pauses between attempts, recorded instead of slept (sync and async)."""
    slept: list[float] = []

    async def async_sleep(seconds: float) -> None:
        slept.append(seconds)

    # The client module pauses with time.sleep / its own _async_sleep; swap in recorders there only.
    monkeypatch.setattr(_base_client, "time", SimpleNamespace(sleep=slept.append, time=time.time))
    monkeypatch.setattr(_base_client, "_async_sleep", async_sleep)
    return slept


def index(flavour: str, server: LoopbackServer | str, **client_options: Any) -> Any:
    return call(flavour, server, INDEX, client_options=client_options)


# -- the API key ------------------------------------------------------------------------------


def test_api_key_from_the_argument(
    flavour: str, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AISA_API_KEY", "from-the-environment")
    server.reply_json(recorded("backlinks_index"))
    index(flavour, server, api_key="from-the-argument")
    assert server.requests[0].headers["authorization"] == "Bearer from-the-argument"


def test_api_key_from_the_environment(
    flavour: str, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AISA_API_KEY", "from-the-environment")
    server.reply_json(recorded("backlinks_index"))
    index(flavour, server, api_key=None)
    assert server.requests[0].headers["authorization"] == "Bearer from-the-environment"


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
@pytest.mark.parametrize("environment", [None, ""], ids=["unset", "empty"])
def test_no_api_key_is_an_error(
    monkeypatch: pytest.MonkeyPatch, client_class: type, environment: str | None
) -> None:
    if environment is None:
        monkeypatch.delenv("AISA_API_KEY", raising=False)
    else:
        monkeypatch.setenv("AISA_API_KEY", environment)
    with pytest.raises(APIError, match="AISA_API_KEY"):
        client_class(base_url="http://127.0.0.1:9/apis/v1")


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_negative_max_retries_is_refused(client_class: type) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        client_class(API_KEY, max_retries=-1)


def test_defaults_match_the_spec(api: Any) -> None:
    client = Client(API_KEY)
    try:
        assert client.base_url == api.base_url == "https://api.aisa.one/apis/v1"
        assert client.max_retries == api.retry.max_retries == 2
        assert client.timeout == api.timeout
    finally:
        client.close()


def test_a_trailing_slash_on_the_base_url_is_harmless(flavour: str, server: LoopbackServer) -> None:
    server.reply_json(recorded("backlinks_index"))
    index(flavour, server.base_url + "/")
    assert server.requests[0].path == "/apis/v1/dataforseo/backlinks/index"


# -- lifecycle --------------------------------------------------------------------------------


def test_sync_context_manager_closes_the_client(server: LoopbackServer) -> None:
    server.reply_json(recorded("backlinks_index"))
    with Client(API_KEY, base_url=server.base_url) as client:
        client.backlinks.index()
        assert not client._http.is_closed
    assert client._http.is_closed


def test_async_context_manager_closes_the_client(server: LoopbackServer) -> None:
    server.reply_json(recorded("backlinks_index"))

    async def main() -> AsyncClient:
        async with AsyncClient(API_KEY, base_url=server.base_url) as client:
            await client.backlinks.index()
            assert not client._http.is_closed
        return client

    assert asyncio.run(main())._http.is_closed


def test_a_given_http_client_is_used_and_left_open(server: LoopbackServer) -> None:
    server.reply_json(recorded("backlinks_index"))
    with httpx.Client(headers={"X-Trace": "abc"}) as http:
        with Client(API_KEY, base_url=server.base_url, http_client=http) as client:
            client.backlinks.index()
        assert not http.is_closed
    assert server.requests[0].headers["x-trace"] == "abc"


def test_a_given_async_http_client_is_used_and_left_open(server: LoopbackServer) -> None:
    server.reply_json(recorded("backlinks_index"))

    async def main() -> None:
        async with httpx.AsyncClient(headers={"X-Trace": "abc"}) as http:
            async with AsyncClient(API_KEY, base_url=server.base_url, http_client=http) as client:
                await client.backlinks.index()
            assert not http.is_closed

    asyncio.run(main())
    assert server.requests[0].headers["x-trace"] == "abc"


# -- timeouts ---------------------------------------------------------------------------------


def test_a_per_call_timeout_overrides_a_short_client_timeout(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply(Reply(json=recorded("backlinks_index"), delay=0.3))
    response = call(
        flavour, server, INDEX, timeout=5.0, client_options={"timeout": 0.05, "max_retries": 0}
    )
    assert response.status_code == 20000


def test_a_per_call_timeout_overrides_a_long_client_timeout(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply(Reply(json=recorded("backlinks_index"), delay=2.0))
    with pytest.raises(APITimeoutError):
        call(
            flavour, server, INDEX, timeout=0.05, client_options={"timeout": 5.0, "max_retries": 0}
        )
    assert len(server.wait_for_requests(1)) == 1


def test_a_timeout_is_retried_then_raised(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.reply(*[Reply(json=recorded("backlinks_index"), delay=2.0)] * 3)
    with pytest.raises(APITimeoutError) as caught:
        index(flavour, server, timeout=0.05)
    assert isinstance(caught.value, APIConnectionError)
    assert isinstance(caught.value.request, httpx.Request)
    assert caught.value.request.url.path == "/apis/v1/dataforseo/backlinks/index"
    assert len(server.wait_for_requests(3)) == 3
    assert len(sleeps) == 2


def test_a_timeout_then_an_answer_succeeds(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.reply(Reply(json={}, delay=2.0), Reply(json=recorded("backlinks_index")))
    response = index(flavour, server, timeout=0.5)
    assert isinstance(response.tasks[0].result[0], BacklinksIndexResult)
    assert len(server.requests) == 2


# -- connection failures ----------------------------------------------------------------------


def test_connection_refused(flavour: str, sleeps: list[float]) -> None:
    with pytest.raises(APIConnectionError) as caught:
        index(flavour, f"http://127.0.0.1:{unused_port()}/apis/v1")
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(sleeps) == 2  # retried max_retries times


def test_a_dropped_connection_is_retried_then_raised(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.reply(*[Reply(drop=True)] * 3)
    with pytest.raises(APIConnectionError):
        index(flavour, server)
    assert len(server.requests) == 3


def test_a_dropped_connection_then_an_answer_succeeds(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.reply(Reply(drop=True), Reply(json=recorded("backlinks_index")))
    assert index(flavour, server).status_code == 20000
    assert len(server.requests) == 2


# -- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_a_retryable_status_then_success(
    flavour: str, server: LoopbackServer, sleeps: list[float], status: int
) -> None:
    server.reply(
        Reply(status=status, json=error_body(50000, "Internal Error."), headers=RETRY_NOW),
        Reply(json=recorded("backlinks_history_live")),
    )
    response = call(flavour, server, HISTORY, target="techcrunch.com")
    assert isinstance(response.tasks[0].result[0], BacklinksHistoryLiveResult)
    first, second = server.requests
    assert (first.path, first.body) == (second.path, second.body)
    assert first.json() == {"target": "techcrunch.com"}
    assert sleeps == [0.0]  # Retry-After: 0 means no wait


def test_503_then_200_without_real_sleeping(flavour: str, server: LoopbackServer) -> None:
    """Nothing patched: with Retry-After: 0 the retry really does not wait."""
    server.reply(
        Reply(status=503, json=error_body(50300, "Service Unavailable."), headers=RETRY_NOW),
        Reply(json=recorded("backlinks_index")),
    )
    started = time.monotonic()
    assert index(flavour, server).status_code == 20000
    assert time.monotonic() - started < 1.0
    assert len(server.requests) == 2


def test_429_with_retry_after_zero(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.reply(
        Reply(status=429, json=error_body(40202, "Rate limit exceeded."), headers=RETRY_NOW),
        Reply(json=recorded("backlinks_index")),
    )
    assert index(flavour, server).tasks[0].status_code == 20000
    assert len(server.requests) == 2
    assert sleeps == [0.0]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 503, 599])
def test_exhausted_retries_raise_the_mapped_error(
    api: Any, flavour: str, server: LoopbackServer, sleeps: list[float], status: int
) -> None:
    body = error_body(50000, "Internal Error.")
    server.reply(*[Reply(status=status, json=body, headers=RETRY_NOW)] * 3)
    with pytest.raises(APIStatusError) as caught:
        index(flavour, server)
    expected = next(
        (s.error_class for s in api.http_statuses if s.low <= status <= s.high), "APIStatusError"
    )
    assert type(caught.value).__name__ == expected
    assert (caught.value.status_code, caught.value.body) == (status, body)
    assert len(server.requests) == 3  # max_retries (2) + 1
    assert server.unused_replies == 0


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_attempts_are_max_retries_plus_one(
    flavour: str, server: LoopbackServer, sleeps: list[float], max_retries: int
) -> None:
    server.reply(*[Reply(status=503, json={}, headers=RETRY_NOW)] * (max_retries + 1))
    with pytest.raises(ServerError):
        index(flavour, server, max_retries=max_retries)
    assert len(server.requests) == max_retries + 1
    assert len(sleeps) == max_retries


def test_backoff_without_retry_after(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    server.reply(*[Reply(status=500, json={})] * 4)
    with pytest.raises(ServerError):
        index(flavour, server, max_retries=3)
    # 0.5 s doubling per attempt, less up to a quarter of jitter.
    assert len(sleeps) == 3
    for slept, full in zip(sleeps, [0.5, 1.0, 2.0]):
        assert 0.75 * full <= slept <= full


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("1.5", 1.5), ("0", 0.0), ("in a while", None), ("3600", None), ("-1", None)],
)
def test_retry_after_seconds(
    flavour: str, server: LoopbackServer, sleeps: list[float], header: str, expected: float | None
) -> None:
    server.reply(
        Reply(status=429, json={}, headers={"Retry-After": header}),
        Reply(json=recorded("backlinks_index")),
    )
    index(flavour, server)
    [slept] = sleeps
    if expected is None:  # unusable or beyond the 60 s cap: ordinary backoff instead
        assert 0.375 <= slept <= 0.5
    else:
        assert slept == expected


def test_retry_after_as_an_http_date(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    server.reply(
        Reply(status=503, json={}, headers={"Retry-After": when}),
        Reply(json=recorded("backlinks_index")),
    )
    index(flavour, server)
    [slept] = sleeps
    assert 25 <= slept <= 31


ERROR_CLASSES = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
    500: ServerError,
}


def test_error_classes_match_the_spec(api: Any) -> None:
    for status in api.http_statuses:
        for code in (status.low, status.high):
            assert status_error_class(code).__name__ == status.error_class
            if code in ERROR_CLASSES:
                assert ERROR_CLASSES[code].__name__ == status.error_class


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
def test_a_client_error_is_raised_at_once(
    flavour: str, server: LoopbackServer, sleeps: list[float], status: int
) -> None:
    body = error_body(status * 100, "You are not allowed.")
    # Retry-After is no reason to retry a status that is not retryable.
    server.reply(Reply(status=status, json=body, headers=RETRY_NOW))
    with pytest.raises(APIStatusError) as caught:
        index(flavour, server)
    error = caught.value
    assert type(error) is ERROR_CLASSES[status]
    assert isinstance(error, APIError)
    assert (error.status_code, error.body) == (status, body)
    assert error.response.status_code == status
    assert "You are not allowed." in str(error)
    assert len(server.requests) == 1 and sleeps == []


def test_an_error_body_that_is_not_json_is_kept_as_text(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply(
        Reply(status=401, body="<html>Unauthorized</html>", headers={"Content-Type": "text/html"})
    )
    with pytest.raises(AuthenticationError) as caught:
        index(flavour, server)
    assert caught.value.body == "<html>Unauthorized</html>"
    assert "Unauthorized" in str(caught.value)


# -- answers that are not a success ----------------------------------------------------------


def test_a_refused_call_in_a_200(flavour: str, server: LoopbackServer, sleeps: list[float]) -> None:
    body = error_body(40100, "You are not authorized to access this resource.")
    server.reply_json(body)
    with pytest.raises(ResponseStatusError) as caught:
        index(flavour, server)
    error = caught.value
    assert type(error) is AuthenticationCodeError
    assert (error.status_code, error.task_id, error.tasks) == (40100, None, ())
    assert isinstance(error.response, Response)
    assert error.response.status_message == "You are not authorized to access this resource."
    assert error.response.to_dict() == body
    assert "40100" in str(error)
    assert len(server.requests) == 1 and sleeps == []


def test_a_failed_task_in_a_200(flavour: str, server: LoopbackServer) -> None:
    payload = recorded("backlinks_history_live")
    good = payload["tasks"][0]
    bad = {
        **good,
        "id": "08191532-1535-0475-0000-000000000002",
        "status_code": 40501,
        "status_message": "Invalid Field: 'target'.",
        "result_count": 0,
        "result": None,
    }
    payload.update(tasks_count=2, tasks_error=1, tasks=[good, bad])
    server.reply_json(payload)
    with pytest.raises(ResponseStatusError) as caught:
        call(flavour, server, HISTORY, target="techcrunch.com")
    error = caught.value
    assert type(error) is BadRequestCodeError  # 40501: invalid field
    assert (error.status_code, error.task_id) == (40501, bad["id"])
    assert error.status_message == "Invalid Field: 'target'."
    [task] = error.tasks
    assert (task.id, task.status_code, task.status_message) == (
        bad["id"],
        40501,
        "Invalid Field: 'target'.",
    )
    assert isinstance(error.response, Response)
    assert error.response.to_dict() == payload
    assert bad["id"] in str(error) and "40501" in str(error)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "body",
    ["<html><body>Bad Gateway</body></html>", "", '{"version": "0.1.'],
    ids=["html", "empty", "cut"],
)
def test_a_200_that_is_not_json(flavour: str, server: LoopbackServer, body: str) -> None:
    server.reply(Reply(body=body, headers={"Content-Type": "text/html"}))
    with pytest.raises(ResponseParseError) as caught:
        index(flavour, server)
    assert caught.value.body == body
    assert isinstance(caught.value, ValueError)  # and so an APIError that is also a ValueError
    assert len(server.requests) == 1


WRONG_TYPES = [  # (where, a value of the wrong type for it)
    ("tasks[0].result[0].items[0].rank", "high"),
    ("tasks[0].result[0].items[0].rank", True),  # a boolean is no integer
    ("tasks[0].result[0].items[1].info.is_ip", "no"),
    ("tasks[0].result[0].items_count", 2.5),
    ("tasks[0].result[0].items", {"type": "backlinks_history"}),
    ("tasks[0].path", "v3/backlinks/history/live"),
    ("tasks[0].status_code", "20000"),
    ("cost", "0.02"),
]


def set_at(data: Any, where: str, value: object) -> None:
    """``set_at(payload, "tasks[0].result[0].rank", 5)``."""
    keys: list[Any] = []
    for part in where.split("."):
        name, *indexes = part.replace("]", "").split("[")
        keys += [name, *map(int, indexes)]
    for key in keys[:-1]:
        data = data[key]
    data[keys[-1]] = value


@pytest.mark.parametrize(
    ("where", "value"), WRONG_TYPES, ids=[f"{w}={v!r}" for w, v in WRONG_TYPES]
)
def test_a_200_with_a_wrongly_typed_field(
    flavour: str, server: LoopbackServer, where: str, value: object
) -> None:
    payload = recorded("backlinks_history_live")
    set_at(payload, where, value)
    server.reply_json(payload)
    with pytest.raises(ResponseParseError) as caught:
        call(flavour, server, HISTORY, target="techcrunch.com")
    assert caught.value.path == where
    assert caught.value.body == payload
    assert where in str(caught.value)


def test_a_200_whose_body_is_not_an_object(flavour: str, server: LoopbackServer) -> None:
    server.reply_json([{"status_code": 20000}])
    with pytest.raises(ResponseParseError) as caught:
        index(flavour, server)
    assert caught.value.body == [{"status_code": 20000}]


def test_a_huge_integer_in_a_number_field(flavour: str, server: LoopbackServer) -> None:
    payload = recorded("backlinks_index")
    # A valid JSON number, and finite; _validation._is_number accepts such ints on purpose.
    payload["cost"] = 10**400
    server.reply(Reply(body=json.dumps(payload), headers={"Content-Type": "application/json"}))
    response = index(flavour, server)
    assert response.cost == 10**400


@pytest.mark.parametrize(
    ("status", "reply"),
    [
        (302, {"json": {"version": "0.1.20240801", "status_code": 20000, "tasks": []}}),
        (301, {"body": "<html>Moved Permanently</html>", "headers": {"Content-Type": "text/html"}}),
    ],
    ids=["302-json", "301-html"],
)
def test_a_redirect_is_not_taken_for_the_answer(
    flavour: str, server: LoopbackServer, status: int, reply: dict[str, Any]
) -> None:
    headers = {"Location": f"{server.base_url}/elsewhere", **reply.pop("headers", {})}
    server.reply(Reply(status=status, headers=headers, **reply))
    with pytest.raises(APIStatusError) as caught:
        index(flavour, server)
    assert caught.value.status_code == status
    assert len(server.requests) == 1


def test_an_unsendable_api_key_is_not_a_connection_failure(
    flavour: str, server: LoopbackServer, sleeps: list[float]
) -> None:
    with pytest.raises(APIError) as caught:
        index(flavour, server, api_key="sk-0123456789\n")
    assert not isinstance(caught.value, APIConnectionError)
    assert sleeps == []  # nothing worth retrying


# -- with_raw_response ------------------------------------------------------------------------

RAW_CALLS = [
    ("backlinks.index", {}, "backlinks_index"),
    ("backlinks.history_live", {"target": "techcrunch.com"}, "backlinks_history_live"),
    (
        "backlinks.bulk_pages_summary_live",
        {"targets": ["forbes.com"]},
        "backlinks_bulk_pages_summary_live",
    ),
    (
        "backlinks.bulk_new_lost_backlinks_live",
        {"targets": ["forbes.com"]},
        "backlinks_bulk_new_lost_backlinks_live",
    ),
    ("on_page.links", {"id": "07131248-1535-0216-1000-17384017ad04"}, "on_page_links"),
]


@pytest.mark.parametrize(
    ("method", "arguments", "recording"), RAW_CALLS, ids=[c[0] for c in RAW_CALLS]
)
def test_with_raw_response(
    flavour: str, server: LoopbackServer, method: str, arguments: dict[str, Any], recording: str
) -> None:
    payload = recorded(recording)
    server.reply_json(payload, headers={"X-Request-Id": "req-42"}).reply_json(payload)

    raw = call(flavour, server, f"with_raw_response.{method}", **arguments)
    plain = call(flavour, server, method, **arguments)

    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-42"
    assert raw.headers["content-type"] == "application/json"
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.json() == payload
    parsed = raw.parse()
    assert isinstance(parsed, Response)
    assert parsed == plain
    assert parsed.to_dict() == payload
    first, second = server.requests
    assert (first.method, first.path, first.body) == (second.method, second.path, second.body)


def test_raw_response_parse_raises_what_a_plain_call_raises(
    flavour: str, server: LoopbackServer
) -> None:
    server.reply_json(error_body(40100, "You are not authorized to access this resource."))
    raw = call(flavour, server, "with_raw_response.backlinks.index")
    assert raw.status_code == 200
    assert raw.json()["status_code"] == 40100
    with pytest.raises(ResponseStatusError):
        raw.parse()


@pytest.mark.parametrize(("status", "error_class"), [(404, NotFoundError), (503, ServerError)])
def test_an_http_error_in_raw_mode_still_raises(
    flavour: str, server: LoopbackServer, sleeps: list[float], status: int, error_class: type
) -> None:
    server.reply(
        *[Reply(status=status, json=error_body(status * 100, "Nope."), headers=RETRY_NOW)] * 3
    )
    with pytest.raises(error_class):
        call(flavour, server, "with_raw_response.backlinks.index")


def test_raw_mode_validates_before_sending(flavour: str, server: LoopbackServer) -> None:
    with pytest.raises(RequestValidationError):
        call(flavour, server, "with_raw_response.backlinks.history_live", target="https://x.com")
    assert server.requests == []


def test_raw_mode_does_not_leak_into_plain_calls(server: LoopbackServer) -> None:
    server.reply_json(recorded("backlinks_index")).reply_json(recorded("backlinks_index"))
    with Client(API_KEY, base_url=server.base_url) as client:
        assert isinstance(client.with_raw_response.backlinks.index(), APIResponse)
        assert isinstance(client.backlinks.index(), Response)


def test_raw_mode_is_per_call_when_async_calls_overlap(server: LoopbackServer) -> None:
    server.reply(*[Reply(json=recorded("backlinks_index"), delay=0.05)] * 4)

    async def main() -> list[Any]:
        async with AsyncClient(API_KEY, base_url=server.base_url) as client:
            return await asyncio.gather(
                client.with_raw_response.backlinks.index(),
                client.backlinks.index(),
                client.with_raw_response.backlinks.index(),
                client.backlinks.index(),
            )

    kinds = [type(result) for result in asyncio.run(main())]
    assert kinds == [APIResponse, Response, APIResponse, Response]
