"""What a program pays before its first call, beyond httpx's own import: the behaviour behind the
"import + first call" benchmark row (benchmarks/run.py), with no timing asserted here.

A client whose base URL is plain http loads no CA bundle (it never makes a TLS connection), while
an https client verifies exactly as httpx does by default; proxies from the environment still
apply. And importing the package, or reaching ``client.backlinks``, imports no endpoint module:
a method imports its own endpoint's module when it is first called.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest
from aisa_dataforseo import AsyncClient, Client
from conftest import GENERATED_DIR
from loopback import LoopbackServer, call

RESPONSES = Path(__file__).parent / "responses"
INDEX = "backlinks.index"
PACKAGE = "aisa_dataforseo"


def index_body() -> Any:
    return json.loads((RESPONSES / "backlinks_index.json").read_text(encoding="utf-8"))


@pytest.fixture
def certificate_loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Every way an SSL context reads trusted certificates, recorded (and still done)."""
    loads: list[tuple[str, tuple[Any, ...]]] = []

    def recorder(name: str) -> Callable[..., Any]:
        original = getattr(ssl.SSLContext, name)

        def record(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
            loads.append((name, args + tuple(kwargs.values())))
            return original(self, *args, **kwargs)

        return record

    for name in ("load_verify_locations", "load_default_certs", "set_default_verify_paths"):
        monkeypatch.setattr(ssl.SSLContext, name, recorder(name))
    return loads


@pytest.fixture
def verify_arguments(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The ``verify=`` each httpx client the package creates for itself is given."""
    given: list[object] = []

    class RecordingClient(httpx.Client):
        def __init__(self, **options: Any) -> None:
            given.append(options.get("verify", True))
            super().__init__(**options)

    class RecordingAsyncClient(httpx.AsyncClient):
        def __init__(self, **options: Any) -> None:
            given.append(options.get("verify", True))
            super().__init__(**options)

    monkeypatch.setattr(httpx, "Client", RecordingClient)
    monkeypatch.setattr(httpx, "AsyncClient", RecordingAsyncClient)
    return given


def open_and_close(flavour: str, base_url: str) -> None:
    if flavour == "sync":
        Client("key", base_url=base_url).close()
    else:
        asyncio.run(AsyncClient("key", base_url=base_url).close())


# -- TLS: no CA bundle for plain http, the usual verification for https ------------------------


def test_a_plain_http_client_loads_no_certificates_and_would_trust_none(
    flavour: str,
    server: LoopbackServer,
    certificate_loads: list[tuple[str, tuple[Any, ...]]],
    verify_arguments: list[object],
) -> None:
    server.reply_json(index_body())
    response = call(flavour, server, INDEX)
    assert response.status_code == 20000
    assert certificate_loads == []
    [context] = verify_arguments
    # Should a TLS handshake ever go through it, every certificate is refused: none is trusted.
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0


@pytest.mark.parametrize(
    "base_url", ["https://api.aisa.one/apis/v1", "HTTPS://api.aisa.one/apis/v1"]
)
def test_an_https_client_verifies_with_httpx_defaults(
    flavour: str,
    base_url: str,
    monkeypatch: pytest.MonkeyPatch,
    certificate_loads: list[tuple[str, tuple[Any, ...]]],
    verify_arguments: list[object],
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    open_and_close(flavour, base_url)
    assert verify_arguments == [True]
    bundles = [args for name, args in certificate_loads if name == "load_verify_locations"]
    assert any(certifi.where() in args for args in bundles)


def test_the_scheme_is_read_whatever_its_case(
    flavour: str,
    verify_arguments: list[object],
    certificate_loads: list[tuple[str, tuple[Any, ...]]],
) -> None:
    open_and_close(flavour, "HTTP://127.0.0.1:9/apis/v1")
    [context] = verify_arguments
    assert isinstance(context, ssl.SSLContext)
    assert certificate_loads == []


def test_a_given_http_client_is_used_as_it_is(
    server: LoopbackServer, request: pytest.FixtureRequest
) -> None:
    server.reply_json(index_body())
    given = httpx.Client(headers={"X-Trace": "abc"})
    verify_arguments = request.getfixturevalue("verify_arguments")  # spying from here on
    with given, Client("key", base_url=server.base_url, http_client=given) as client:
        client.backlinks.index()
    assert verify_arguments == []  # the package built no client of its own
    assert server.requests[0].headers["x-trace"] == "abc"


def test_an_environment_proxy_still_carries_plain_http_calls(
    flavour: str, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loopback server stands in for the proxy: a forwarding proxy gets the absolute URL.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    server.reply_json(index_body())
    call(flavour, "http://api.example.invalid/apis/v1", INDEX)
    [request] = server.requests
    assert request.path == "http://api.example.invalid/apis/v1/dataforseo/backlinks/index"


# -- endpoint modules: imported by the first call that needs them ------------------------------

FRESH_INTERPRETER = textwrap.dedent("""
    import json, sys
    import httpx
    import {package}

    def endpoint_modules():
        return sorted(name for name in sys.modules if name.startswith("{package}.endpoints."))

    body = json.loads(sys.argv[1])
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    seen = {{}}
    with {package}.Client("key", http_client=httpx.Client(transport=transport)) as client:
        client.backlinks, client.on_page, client.with_raw_response.backlinks
        seen["before"] = endpoint_modules()
        client.backlinks.index()
        seen["after one call"] = endpoint_modules()
        client.with_raw_response.backlinks.index().parse()
        seen["after a raw call"] = endpoint_modules()
    print(json.dumps(seen))
    """).format(package=PACKAGE)


def test_endpoint_modules_are_imported_by_their_first_call_only() -> None:
    env = dict(os.environ, PYTHONPATH=str(GENERATED_DIR))
    result = subprocess.run(
        [sys.executable, "-c", FRESH_INTERPRETER, json.dumps(index_body())],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["before"] == []
    assert seen["after one call"] == [f"{PACKAGE}.endpoints.backlinks_index"]
    assert seen["after a raw call"] == [f"{PACKAGE}.endpoints.backlinks_index"]
