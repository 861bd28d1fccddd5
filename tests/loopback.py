"""A real HTTP server on 127.0.0.1 for the client tests, answering from a script.

``LoopbackServer`` runs the stdlib ``ThreadingHTTPServer`` on an ephemeral port in a background
thread. Every request is recorded (method, path, headers, body bytes) and answered by the next
scripted :class:`Reply` — a status, headers and a JSON or raw body, optionally after a delay (to
provoke client timeouts), or by dropping the connection without a word. A request that finds the
script empty gets HTTP 418, which the client does not retry, so a test that sends more than it
scripted fails loudly instead of hanging.

The server is a context manager; leaving it stops the serving thread, cuts every open connection
(so keep-alive handler threads end) and joins them, so nothing outlives the test. Each test module
wraps it in a ``server`` fixture (and calls ``without_proxies``, so a proxy in the environment
cannot route a call anywhere but 127.0.0.1).

``call`` makes one call through a fresh ``Client`` or ``AsyncClient`` (under ``asyncio.run``, no
plugin), so one test body covers both.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from aisa_dataforseo import AsyncClient, Client

if TYPE_CHECKING:
    from typing_extensions import Self

API_KEY = "test-key-0123456789"
FLAVOURS = ("sync", "async")
NO_REPLY_STATUS = 418  # not retried by the client: an unscripted request ends the call at once

_NO_JSON = object()


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``json`` wins over ``body``; ``drop`` answers nothing at all."""

    status: int = 200
    json: Any = _NO_JSON
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without sending a response

    def payload(self) -> tuple[bytes, str | None]:
        """The body bytes and the content type they imply (None: the headers say it, or nothing)."""
        if self.json is not _NO_JSON:
            return json.dumps(self.json).encode(), "application/json"
        data = self.body.encode() if isinstance(self.body, str) else self.body
        return data, None


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str  # with the query string, as on the request line
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real gateway
    # Headers and body go out in two writes; without TCP_NODELAY the second waits ~40 ms for a
    # delayed ACK on every keep-alive request.
    disable_nagle_algorithm = True
    timeout = 10  # a backstop: no handler blocks on its socket for longer than this
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.server.owner._record(Recorded(self.command, self.path, headers, body))
        if reply.delay and self.server.owner._stopping.wait(reply.delay):
            self.close_connection = True  # the server is stopping: give up on this answer
            return
        if reply.drop:
            self.close_connection = True
            return
        data, content_type = reply.payload()
        try:
            self.send_response(reply.status)
            if content_type and not any(k.lower() == "content-type" for k in reply.headers):
                self.send_header("Content-Type", content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timed out) before the answer: nothing to do
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._track(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._untrack(request)
        super().shutdown_request(request)


class LoopbackServer:
    """A scripted HTTP server on 127.0.0.1; use it as a context manager."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self._requests: list[Recorded] = []
        self._arrived = threading.Condition(self._lock)
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    # -- the test's side --------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/apis/v1"

    def reply(self, *replies: Reply) -> Self:
        """Queue answers, used in order, one per request."""
        with self._lock:
            self._script.extend(replies)
        return self

    def reply_json(self, payload: Any, status: int = 200, **options: Any) -> Self:
        return self.reply(Reply(status=status, json=payload, **options))

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def unused_replies(self) -> int:
        with self._lock:
            return len(self._script)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[Recorded]:
        """The requests once at least ``count`` arrived (a timed-out client may outrun the log)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
            return list(self._requests)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers that are delaying an answer
        if self._thread.is_alive():  # shutdown() waits for serve_forever, so only if it runs
            self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # end keep-alive handlers blocked on the next request
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()  # joins the handler threads
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            raise RuntimeError("the loopback server did not stop")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the handlers' side -----------------------------------------------------------------

    def _record(self, request: Recorded) -> Reply:
        with self._arrived:
            self._requests.append(request)
            self._arrived.notify_all()
            if self._script:
                return self._script.popleft()
        return Reply(
            status=NO_REPLY_STATUS,
            json={"status_code": 0, "status_message": "loopback: no reply scripted"},
        )

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def without_proxies(monkeypatch: Any) -> None:
    """Unset proxy settings (any case) so httpx talks to 127.0.0.1 directly, not via a proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def unused_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def resolve(root: object, dotted: str) -> Any:
    """``resolve(client, "with_raw_response.backlinks.index")`` → that bound method."""
    target: Any = root
    for name in dotted.split("."):
        target = getattr(target, name)
    return target


def call(
    flavour: str,
    server: LoopbackServer | str,
    method: str,
    /,
    *,
    client_options: dict[str, Any] | None = None,
    **arguments: Any,
) -> Any:
    """Make one call through a fresh ``Client`` (``"sync"``) or ``AsyncClient`` (``"async"``).

    ``server`` is a loopback server or a base URL; ``method`` is dotted from the client
    (``"backlinks.history_live"``); the client is closed afterwards either way.
    """
    options: dict[str, Any] = {"timeout": 5.0}  # a test that goes wrong fails, not hangs
    options.update(client_options or {})
    options.setdefault("api_key", API_KEY)
    base_url = server if isinstance(server, str) else server.base_url
    if flavour == "sync":
        with Client(base_url=base_url, **options) as client:
            return resolve(client, method)(**arguments)
    if flavour != "async":
        raise ValueError(f"unknown flavour {flavour!r}")

    async def main() -> Any:
        async with AsyncClient(base_url=base_url, **options) as client:
            return await resolve(client, method)(**arguments)

    return asyncio.run(main())
