"""The API key goes out in the Authorization header and nowhere else a person might read.

Each scenario makes real calls against a loopback server — some succeed, some are retried, some
fail in every way the client knows — with every logger captured at DEBUG. Then the key is
searched for in the log records, the reprs of the clients, and each error's message and
traceback, chained causes and the local variables of every frame included. The server must
have received the key, or the search would prove nothing.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from aisa_dataforseo import APIError, AsyncClient, Client
from loopback import LoopbackServer, Reply, unused_port

KEY = "sk-live-7f3a9c-REDACT-ME-0d41"
ARGUMENTS = {"target": "techcrunch.com"}


def envelope(code: int, message: str) -> dict[str, Any]:
    return {"version": "0.1", "status_code": code, "status_message": message, "tasks": None}


# Each scenario: what the server answers; the server echoes the key wherever a careless gateway
# might (an error message, a body), so redaction is tested, not just the absence of the key.
SCENARIOS: dict[str, list[Reply]] = {
    "success after a retry": [
        Reply(status=503, json=envelope(50300, f"busy, {KEY}"), headers={"Retry-After": "0"}),
        Reply(json=envelope(20000, "Ok.") | {"tasks": []}),
    ],
    "HTTP 401 echoing the key": [Reply(status=401, json=envelope(40100, f"bad key {KEY}"))],
    "API code echoing the key": [Reply(json=envelope(40100, f"key {KEY} is not authorized"))],
    "HTML page echoing the key": [
        Reply(body=f"<html>{KEY}</html>", headers={"Content-Type": "text/html"})
    ],
    "dropped connections": [Reply(drop=True)] * 3,
}


def exercise(
    flavour: str, base_url: str, scenario_calls: int = 1
) -> tuple[list[str], list[BaseException]]:
    """Make calls through a fresh client; the reprs seen and the errors raised."""
    reprs: list[str] = []
    errors: list[BaseException] = []

    def record(client: Any) -> None:
        reprs.extend(
            [
                repr(client),
                str(client),
                repr(vars(client)),
                repr(client.with_options(max_retries=1)),
            ]
        )

    async def no_wait(seconds: float) -> None:
        pass

    # The key is passed inline, never held in a local of this frame, which the search would find.
    if flavour == "sync":
        with Client(KEY, base_url=base_url, timeout=5.0, sleep=lambda seconds: None) as client:
            record(client)
            for _ in range(scenario_calls):
                try:
                    client.backlinks.history_live(**ARGUMENTS)
                except APIError as error:
                    errors.append(error)
        return reprs, errors

    async def main() -> None:
        async with AsyncClient(KEY, base_url=base_url, timeout=5.0, sleep=no_wait) as client:
            record(client)
            for _ in range(scenario_calls):
                try:
                    await client.backlinks.history_live(**ARGUMENTS)
                except APIError as error:
                    errors.append(error)

    asyncio.run(main())
    return reprs, errors


def error_texts(error: BaseException) -> list[str]:
    """Everything a traceback of ``error`` can show: messages, chained causes, frame locals."""
    plain = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    with_locals = "".join(
        traceback.TracebackException.from_exception(error, capture_locals=True).format()
    )
    return [str(error), repr(error), plain, with_locals]


def assert_no_key(texts: list[str], where: str) -> None:
    leaks = [line for text in texts for line in text.splitlines() if KEY in line]
    assert not leaks, f"the API key appears in {where}: {leaks}"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_key_never_appears_in_logs_reprs_or_errors(
    flavour: str, server: LoopbackServer, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    server.reply(*SCENARIOS[scenario])
    with caplog.at_level(logging.DEBUG):
        reprs, errors = exercise(flavour, server.base_url)

    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    logged = [record.getMessage() for record in caplog.records]
    # The records exist: requests, responses and retries are logged, so the search means something.
    assert any(text.startswith("request POST") and "<redacted>" in text for text in logged)
    assert_no_key(logged, "the log")
    assert_no_key(reprs, "a repr")
    for error in errors:
        assert_no_key(error_texts(error), f"{type(error).__name__}")
    if scenario != "success after a retry":
        assert errors, "the scenario should have failed"


def test_the_key_never_appears_when_the_connection_is_refused(
    flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        _, errors = exercise(flavour, f"http://127.0.0.1:{unused_port()}/apis/v1")
    [error] = errors
    assert error.__cause__ is not None  # the transport error is chained, and searched too
    assert_no_key(error_texts(error), type(error).__name__)
    assert_no_key([record.getMessage() for record in caplog.records], "the log")


def test_debug_logging_shows_each_exchange_and_each_retry(
    flavour: str, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.reply(*SCENARIOS["success after a retry"])
    with caplog.at_level(logging.DEBUG, logger="aisa_dataforseo"):
        exercise(flavour, server.base_url)
    ours = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "aisa_dataforseo"]
    kinds = [(level, text.split(" ", 1)[0]) for level, text in ours]
    assert kinds == [
        (logging.DEBUG, "request"),
        (logging.DEBUG, "response"),
        (logging.INFO, "retrying"),
        (logging.DEBUG, "request"),
        (logging.DEBUG, "response"),
    ]
    request_text = ours[0][1]
    assert "(attempt 1 of 3)" in request_text and '"target":"techcrunch.com"' in request_text
    assert "'authorization': '<redacted>'" in request_text
    assert "response 503" in ours[1][1] and "busy, <redacted>" in ours[1][1]
    assert "in 0.00 s (attempt 2 of 3) after ServerError" in ours[2][1]


def test_nothing_is_logged_below_the_configured_level(
    flavour: str, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.reply(Reply(json=envelope(20000, "Ok.") | {"tasks": []}))
    with caplog.at_level(logging.INFO, logger="aisa_dataforseo"):
        exercise(flavour, server.base_url)
    assert [r for r in caplog.records if r.name == "aisa_dataforseo"] == []


@pytest.mark.parametrize("make", [Client, AsyncClient], ids=["Client", "AsyncClient"])
def test_the_key_is_still_available_to_the_program(make: Callable[..., Any]) -> None:
    client = make(KEY)
    assert client.api_key == KEY
    assert KEY not in repr(client)
