"""Many calls at once: ``AsyncClient``'s cap on requests in flight, connection reuse,
``AsyncClient.gather`` and ``batches``, against a loopback server that echoes each request.

The number of requests in flight is counted at the client's transport (the real one, wrapped),
and the connections the server accepted at its socket; the server holds each answer briefly so
that calls overlap.
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from aisa_dataforseo import AsyncClient, Client, NotFoundError, RequestValidationError, batches
from aisa_dataforseo.endpoints.backlinks_bulk_pages_summary_live import ENDPOINT as BULK
from loopback import API_KEY, LoopbackServer, Recorded, Reply

RESPONSES = Path(__file__).parent / "responses"
PAYLOAD = json.loads(
    (RESPONSES / "backlinks_bulk_pages_summary_live.json").read_text(encoding="utf-8")
)
HOLD = 0.1  # seconds each answer is held, so concurrent calls overlap


class EchoServer(LoopbackServer):
    """Answers every request with the recorded payload, its ``tasks[0].data`` the request body.

    A body whose tag is ``"missing"`` gets a 404; ``hold`` maps a tag to its answer's delay.
    """

    def __init__(self, hold: dict[str, float] | None = None) -> None:
        super().__init__()
        self.hold = hold or {}
        self.connections = 0

    def _record(self, request: Recorded) -> Reply:
        super()._record(request)  # keeps the log; the script is not used
        body = request.json() if request.body else {}
        tag = body.get("tag", "")
        if tag == "missing":
            return Reply(status=404, json={"status_code": 40400, "status_message": "Not Found."})
        payload = copy.deepcopy(PAYLOAD)
        payload["tasks"][0]["data"] = body
        return Reply(json=payload, delay=self.hold.get(tag, HOLD))

    def _track(self, connection: Any) -> None:
        super()._track(connection)
        with self._lock:
            self.connections += 1


@pytest.fixture
def echo() -> Any:
    with EchoServer() as running:
        yield running


class CountingTransport(httpx.AsyncBaseTransport):
    """The real transport, counting the requests in flight through it."""

    def __init__(self, **options: Any) -> None:
        self.inner = httpx.AsyncHTTPTransport(**options)
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


def summary(client: AsyncClient, tag: str, targets: list[str] | None = None) -> Any:
    return client.backlinks.bulk_pages_summary_live(targets=targets or ["forbes.com"], tag=tag)


async def counted(server: LoopbackServer, calls: int, **options: Any) -> CountingTransport:
    """Make ``calls`` overlapping calls through a client over a counting transport."""
    transport = CountingTransport()
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncClient(API_KEY, base_url=server.base_url, http_client=http, **options) as client,
    ):
        await asyncio.gather(*(summary(client, f"call-{n}") for n in range(calls)))
    return transport


def test_the_default_cap_is_the_documented_limit(api: Any, echo: EchoServer) -> None:
    assert api.max_concurrency == 30
    assert AsyncClient(API_KEY).max_concurrency == 30
    transport = asyncio.run(counted(echo, 45))
    assert transport.peak == 30
    assert len(echo.requests) == 45


@pytest.mark.parametrize("cap", [1, 5])
def test_a_chosen_cap_holds(echo: EchoServer, cap: int) -> None:
    transport = asyncio.run(counted(echo, 12, max_concurrency=cap))
    assert transport.peak == cap


def test_no_cap_lets_every_call_go(echo: EchoServer) -> None:
    transport = asyncio.run(counted(echo, 12, max_concurrency=None))
    assert transport.peak == 12


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        AsyncClient(API_KEY, max_concurrency=0)


def test_copies_from_with_options_share_the_cap(echo: EchoServer) -> None:
    async def main() -> CountingTransport:
        transport = CountingTransport()
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncClient(
                API_KEY, base_url=echo.base_url, http_client=http, max_concurrency=3
            ) as client,
        ):
            other = client.with_options(max_retries=0)
            await asyncio.gather(
                *(summary(c, f"call-{n}") for n in range(6) for c in (client, other))
            )
        return transport

    assert asyncio.run(main()).peak == 3


def test_the_async_client_reuses_its_connections(echo: EchoServer) -> None:
    async def main() -> None:
        async with AsyncClient(API_KEY, base_url=echo.base_url, max_concurrency=4) as client:
            for n in range(5):  # one after another: one connection
                await summary(client, f"one-{n}")
            await asyncio.gather(*(summary(client, f"many-{n}") for n in range(16)))

    echo.hold = {f"one-{n}": 0.0 for n in range(5)}
    asyncio.run(main())
    assert len(echo.requests) == 21
    assert echo.connections <= 4  # the pool never opens more than the cap


def test_the_sync_client_reuses_its_connection(echo: EchoServer) -> None:
    echo.hold = {f"one-{n}": 0.0 for n in range(5)}
    with Client(API_KEY, base_url=echo.base_url) as client:
        for n in range(5):
            client.backlinks.bulk_pages_summary_live(targets=["forbes.com"], tag=f"one-{n}")
    assert echo.connections == 1


# -- gather -------------------------------------------------------------------------------------


def run_gather(
    server: EchoServer, tags: list[str], **options: Any
) -> tuple[list[Any], list[tuple[int, int]]]:
    progress: list[tuple[int, int]] = []

    async def main() -> list[Any]:
        async with AsyncClient(
            API_KEY, base_url=server.base_url, max_concurrency=3, max_retries=0
        ) as client:
            return await client.gather(
                (summary(client, tag) for tag in tags),
                progress=lambda done, total: progress.append((done, total)),
                **options,
            )

    return asyncio.run(main()), progress


def test_gather_keeps_input_order_and_reports_progress(echo: EchoServer) -> None:
    tags = [f"call-{n}" for n in range(8)]
    echo.hold = {tag: 0.02 * (8 - n) for n, tag in enumerate(tags)}  # early calls finish last
    results, progress = run_gather(echo, tags)
    assert [r.tasks[0].data["tag"] for r in results] == tags
    assert progress == [(n, 8) for n in range(1, 9)]
    arrived = [r.json()["tag"] for r in echo.requests]
    assert sorted(arrived[:3]) == tags[:3]  # three workers start with the first three calls


def test_gather_raises_the_first_failure_and_stops(echo: EchoServer) -> None:
    tags = ["call-0", "missing"] + [f"call-{n}" for n in range(2, 20)]
    with pytest.raises(NotFoundError):
        run_gather(echo, tags)
    assert len(echo.requests) < len(tags)  # the calls not yet started never went out


def test_gather_can_return_failures_in_place(echo: EchoServer) -> None:
    tags = ["call-0", "missing", "call-2"]
    results, progress = run_gather(echo, tags, return_exceptions=True)
    assert isinstance(results[1], NotFoundError)
    assert [r.tasks[0].data["tag"] for r in (results[0], results[2])] == ["call-0", "call-2"]
    assert progress[-1] == (3, 3)


def test_gather_of_nothing(echo: EchoServer) -> None:
    assert run_gather(echo, []) == ([], [])


# -- batches --------------------------------------------------------------------------------------


def test_batches_respect_the_item_limit_in_order() -> None:
    targets = [f"https://site{n % 3}.com/page-{n}" for n in range(2500)]
    chunks = batches(BULK, "targets", targets)
    assert [len(chunk) for chunk in chunks] == [1000, 1000, 500]
    assert [t for chunk in chunks for t in chunk] == targets


def test_batches_respect_the_domain_limit() -> None:
    # 250 domains, two targets each, written domain by domain: 100 domains fill a chunk.
    targets = [f"https://www.site{n}.com/{page}" for n in range(250) for page in ("a", "b")]
    chunks = batches(BULK, "targets", targets)
    assert [len(chunk) for chunk in chunks] == [200, 200, 100]
    for chunk in chunks:
        BULK.build_body({"targets": chunk}, today=None)  # type: ignore[arg-type]  # no date rules


def test_batches_count_www_and_case_as_the_same_domain() -> None:
    targets = [
        f"{prefix}Site{n}.com" for n in range(100) for prefix in ("", "www.", "https://WWW.")
    ]
    assert len(batches(BULK, "targets", targets)) == 1


def test_batches_need_a_limited_parameter() -> None:
    with pytest.raises(ValueError, match="not a parameter"):
        batches(BULK, "nope", ["a.com"])
    with pytest.raises(ValueError, match="no limit"):
        batches(BULK, "tag", ["a.com"])


def test_batches_through_gather_end_to_end(echo: EchoServer) -> None:
    targets = [f"site{n}.com" for n in range(250)]
    chunks = batches(BULK, "targets", targets)
    with pytest.raises(RequestValidationError):  # unsplit, the call breaks the domain rule
        asyncio.run(_bulk(echo, [targets]))
    results = asyncio.run(_bulk(echo, chunks))
    assert (
        [r.tasks[0].data["targets"] for r in results]
        == chunks
        == [targets[:100], targets[100:200], targets[200:]]
    )


async def _bulk(server: LoopbackServer, chunks: list[list[str]]) -> list[Any]:
    async with AsyncClient(API_KEY, base_url=server.base_url) as client:
        return await client.gather(
            client.backlinks.bulk_pages_summary_live(targets=chunk) for chunk in chunks
        )
