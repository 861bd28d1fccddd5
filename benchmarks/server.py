"""A loopback HTTP server answering every request with one canned JSON body, for the client timings.

The stdlib ``ThreadingHTTPServer`` on an ephemeral port of 127.0.0.1, keep-alive like the real
gateway, in a background thread; a context manager, so it never outlives the benchmark.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # 30 clients connecting at once overflow the default backlog of 5
    daemon_threads = True


class CannedServer:
    def __init__(self, body: bytes) -> None:
        canned = body

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else a delayed ACK costs ~40 ms per keep-alive reply

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(canned)))
                self.end_headers()
                self.wfile.write(canned)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
