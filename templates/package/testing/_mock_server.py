"""The machinery of ``testing.mock``: the server, and how it answers by the API's rules.

Nothing here knows an endpoint: each request is routed through ``ROUTES`` (``_routes``) to the
``ENDPOINT`` that checks it and the model its results are drawn from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import json
import random
import re
import threading
import time
import types
import typing
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, TypeVar, Union
from urllib.parse import parse_qsl, urlsplit

from .._envelope import Response, Task
from .._errors import RequestValidationError, ValidationIssue
from .._model import JSON_KEY, Model
from .._validation import Clock, EndpointSpec, Format, utc_today
from ._routes import ROUTES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing_extensions import Self

    from .._client import AsyncClient, Client

__all__ = ["MockServer", "Recorded", "Reply"]

API_KEY = "mock-api-key"
"""The key a MockServer accepts unless it is given another."""

# DataForSEO's status codes: 20000 is success; an error is its HTTP status times 100 plus a detail.
_OK = 20000
_INVALID_FIELD = 40501
_MESSAGES = {
    _OK: "Ok.",
    40100: "You are not authorized to access this resource.",
    _INVALID_FIELD: "Invalid Field",
}
_VERSION = "0.1.20240801"

# The rules the exported request schemas state exactly; breaking one makes a request malformed
# (HTTP 400). Every other rule only the docs state, and the API refuses it inside a 200, as a
# failed task. Formats are stated when the export has an exact pattern for them, and dates always
# (JSON Schema's "date" format is yyyy-mm-dd).
_SCHEMA_RULES = frozenset(
    {
        "unknown",
        "required",
        "type",
        "enum",
        "min_length",
        "max_length",
        "min_items",
        "max_items",
        "minimum",
        "maximum",
        "path",
    }
)
_SCHEMA_FORMATS = frozenset({"relative_url", "uuid"})


@dataclasses.dataclass(frozen=True)
class Reply:
    """One canned answer to the next request on a path, instead of the answer by the rules.

    With only ``delay`` and ``headers`` set, the request is still answered by the rules, late or
    with extra headers. ``status`` alone answers with the API's error envelope for it; ``body``
    (any JSON value) or ``raw`` (bytes, sent as they are) set what is sent; ``drop`` closes the
    connection without a word.
    """

    status: int | None = None
    body: Any = None
    raw: bytes | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    @classmethod
    def api_error(cls, status_code: int, message: str | None = None) -> Reply:
        """HTTP 200 whose envelope carries an error ``status_code``, as the API reports many."""
        return cls(status=200, body=_envelope(status_code, message))

    @classmethod
    def malformed(cls, status: int = 200) -> Reply:
        """A body cut off mid-way: not JSON."""
        return cls(
            status=status,
            raw=b'{"version": "0.1.2024',
            headers={"Content-Type": "application/json"},
        )

    @classmethod
    def disconnect(cls, delay: float = 0.0) -> Reply:
        """The connection closed without an answer."""
        return cls(drop=True, delay=delay)

    @classmethod
    def retry_after(cls, seconds: float, status: int = 429) -> Reply:
        """A refusal that says when to come back."""
        return cls(status=status, headers={"Retry-After": f"{seconds:g}"})


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes

    @property
    def json(self) -> Any:
        """The body as JSON; None when there is none, ValueError when it is not JSON."""
        return json.loads(self.body) if self.body else None


class MockServer:
    """The API on ``127.0.0.1`` (a free port), in a background thread, while the context lasts.

    Args:
        seed: Makes the drawn responses; the same seed and request give the same response.
        api_key: The only key accepted (sent as ``Authorization: Bearer <key>``).
        today: The day relative date rules are judged on: a date, a clock, or None for today in
            UTC. Give the client the same (``server.client()`` does).
    """

    def __init__(
        self, *, seed: int = 0, api_key: str = API_KEY, today: dt.date | Clock | None = None
    ) -> None:
        self.seed = seed
        self.api_key = api_key
        self.today: Clock = _clock(today)
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._replies: defaultdict[str, deque[Reply]] = defaultdict(deque)
        self._http: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- running ----------------------------------------------------------------------------

    def start(self) -> Self:
        if self._http is None:
            self._http = _Server(("127.0.0.1", 0), _Handler, self)
            # A short poll keeps stop() quick: tests start and stop servers by the hundred.
            self._thread = threading.Thread(
                target=self._http.serve_forever, args=(0.05,), name="MockServer", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What to give the client as ``base_url``: endpoint paths are served below it."""
        if self._http is None:
            raise RuntimeError("the MockServer is not running: use it in a with block, or start()")
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def client(self, **options: Any) -> Client:
        """A Client for this server: its URL, its key, its day; ``options`` go to the Client."""
        from .._client import Client

        return Client(
            **{"api_key": self.api_key, "base_url": self.base_url, "today": self.today, **options}
        )

    def async_client(self, **options: Any) -> AsyncClient:
        """An AsyncClient for this server, like ``client``."""
        from .._client import AsyncClient

        return AsyncClient(
            **{"api_key": self.api_key, "base_url": self.base_url, "today": self.today, **options}
        )

    # -- what tests choose and see -----------------------------------------------------------

    def reply(self, path: str, *replies: Reply) -> None:
        """Answer the next requests on ``path`` with ``replies``, one each, in order."""
        if _route(path) is None:
            raise ValueError(f"{path!r} is not an endpoint; expected one of {sorted(ROUTES)}")
        with self._lock:
            self._replies[path].extend(replies)

    @property
    def requests(self) -> list[Recorded]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def _receive(self, request: Recorded) -> Reply | None:
        """Record ``request``; the canned reply queued for its path, if any."""
        with self._lock:
            self._requests.append(request)
            queue = self._replies.get(request.path)
            return queue.popleft() if queue else None

    # -- answering by the rules ---------------------------------------------------------------

    def answer(self, request: Recorded) -> tuple[int, dict[str, str], Any]:
        """Status, extra headers and JSON body for ``request``, by the API's rules."""
        route = _route(request.path)
        if route is None:
            return 404, {}, _envelope(40400)
        endpoint, result, in_path = route
        if request.method != endpoint.method:
            return 405, {"Allow": endpoint.method}, _envelope(40500)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, {"WWW-Authenticate": "Bearer"}, _envelope(40100)
        tasks, malformed = _tasks(endpoint, request)
        if malformed:
            return 400, {}, _envelope(_INVALID_FIELD, _invalid(malformed))
        today = self.today()
        answers: list[dict[str, Any]] = []
        rng = random.Random(f"{self.seed}|{request.method}|{request.path}|{_canonical(tasks)}")
        for task in tasks:
            issues = _issues(endpoint, task, today, in_path)
            if any(_stated(endpoint, issue) for issue in issues):
                return 400, {}, _envelope(_INVALID_FIELD, _invalid(issues))
            answers.append(_task(rng, request.path, task, result, issues))
        return 200, {}, _success(rng, answers)


def _clock(today: dt.date | Clock | None) -> Clock:
    if today is None:
        return utc_today
    if isinstance(today, dt.date):
        return lambda: today
    return today


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# -- reading a request ------------------------------------------------------------------------


def _tasks(
    endpoint: EndpointSpec, request: Recorded
) -> tuple[list[dict[str, Any]], list[ValidationIssue]]:
    """The request's task objects, or what makes its body malformed."""
    if endpoint.body == "none":
        return [{}], []  # the client sends no parameters without a body
    try:
        body = json.loads(request.body)
    except ValueError as error:
        return [], [
            ValidationIssue(param="body", rule="type", value=None, message=f"is not JSON: {error}")
        ]
    if endpoint.body == "object":
        body = [body]
    elif not isinstance(body, list) or not body:
        return [], [
            ValidationIssue(
                param="body", rule="type", value=body, message="must be a non-empty array of tasks"
            )
        ]
    if not all(isinstance(task, dict) for task in body):
        return [], [
            ValidationIssue(param="body", rule="type", value=body, message="must hold JSON objects")
        ]
    return body, []


def _route(path: str) -> tuple[EndpointSpec, type[Model], dict[str, object]] | None:
    """The endpoint serving ``path``, its result model, and the path parameters ``path`` carries."""
    exact = ROUTES.get(path)
    if exact is not None and "{" not in path:
        return (*exact, {})
    for endpoint, result in ROUTES.values():
        in_path = endpoint.path_arguments(path) if "{" in endpoint.path else None
        if in_path is not None:
            return endpoint, result, in_path
    return None


def _issues(
    endpoint: EndpointSpec, task: Mapping[str, Any], today: dt.date, in_path: Mapping[str, object]
) -> list[ValidationIssue]:
    """Everything wrong with one task and the path parameters beside it, by the client's own rules."""
    # The client treats None as "not given", and so never sends a null; on the wire it is a value
    # of the wrong type.
    issues = [
        ValidationIssue(param=name, rule="type", value=None, message="must not be null")
        for name, value in task.items()
        if value is None
    ]
    given = {
        name: _as_sent(endpoint, name, value) for name, value in task.items() if value is not None
    }
    given.update(in_path)
    try:
        endpoint.build_body(given, today)
    except RequestValidationError as error:
        issues.extend(error.errors)
    return issues


def _as_sent(endpoint: EndpointSpec, name: str, value: Any) -> Any:
    """``value`` as a caller of the client would have given it.

    JSON does not tell 709 from 709.0, and JSON Schema calls both integers; Python does, and the
    client's checks refuse the float. So a whole float for an integer parameter (or item) is read
    as the integer it is.
    """
    param = next((p for p in endpoint.params if p.name == name), None)
    if param is None:
        return value
    if param.type == "integer":
        return _integral(value)
    if param.item_type == "integer" and isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


_ITEM = re.compile(r"\[\d+\]$")


def _stated(endpoint: EndpointSpec, issue: ValidationIssue) -> bool:
    """Whether the exported request schema states the rule ``issue`` breaks."""
    if issue.rule in _SCHEMA_RULES:
        return True
    if issue.rule != "format":
        return False
    is_item = bool(_ITEM.search(issue.param))
    param = next((p for p in endpoint.params if p.name == _ITEM.sub("", issue.param)), None)
    if param is None:
        return False
    kind = param.item_type if is_item else param.type
    checks = param.item_checks if is_item else param.checks
    return kind == "date" or any(
        isinstance(check, Format) and check.name in _SCHEMA_FORMATS for check in checks
    )


def _invalid(issues: Sequence[ValidationIssue]) -> str:
    detail = "; ".join(f"{issue.param!r} {issue.message}" for issue in issues)
    return f"{_MESSAGES[_INVALID_FIELD]}: {detail}."


# -- writing a response -----------------------------------------------------------------------


def _envelope(
    status_code: int, message: str | None = None, tasks: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The response envelope around ``tasks``, with the API's wording for ``status_code``."""
    return {
        "version": _VERSION,
        "status_code": status_code,
        "status_message": message or _message(status_code),
        "time": "0.0012 sec.",
        "cost": sum(task.get("cost") or 0 for task in tasks),
        "tasks_count": len(tasks),
        "tasks_error": sum(task["status_code"] != _OK for task in tasks),
        "tasks": list(tasks),
    }


def _message(status_code: int) -> str:
    """The API's words for a status code, or those of the HTTP status it is made from."""
    known = _MESSAGES.get(status_code)
    if known is not None:
        return known
    try:
        return f"{HTTPStatus(status_code // 100).phrase}."
    except ValueError:
        return "Error."


def _success(rng: random.Random, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """A drawn envelope (time, cost, unknown keys...) made to agree with its tasks."""
    body = _object(rng, Response, {})
    body.update(_envelope(_OK, tasks=tasks))
    return body


def _task(
    rng: random.Random,
    path: str,
    data: dict[str, Any],
    result: type[Model],
    issues: Sequence[ValidationIssue],
) -> dict[str, Any]:
    """One task of the response: the results drawn for it, or the refusal of its parameters."""
    task = _object(rng, Task, {})
    if issues:
        outcome: dict[str, Any] = {
            "status_code": _INVALID_FIELD,
            "status_message": _invalid(issues),
            "cost": 0,
            "result_count": 0,
            "result": None,
        }
    else:
        results = [_object(rng, result, {}) for _ in range(rng.randint(1, 2))]
        outcome = {
            "status_code": _OK,
            "status_message": _MESSAGES[_OK],
            "result_count": len(results),
            "result": results,
        }
    task.update(id=_task_id(rng), path=path.strip("/").split("/"), data=data, **outcome)
    return task


def _task_id(rng: random.Random) -> str:
    """A task id as the API writes them: 8-4-4-4-12 hexadecimal digits."""
    digits = f"{rng.getrandbits(128):032x}"
    return "-".join(
        digits[start:end] for start, end in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
    )


_WORDS = (
    "alpha",
    "bravo",
    "example.com",
    "https://example.com/page",
    "2024-08-01",
    "Ok.",
    "ünïcode",
    "",
)


def _object(
    rng: random.Random, model: type[Model], bindings: Mapping[str, type[Model]]
) -> dict[str, Any]:
    """A JSON object ``model`` parses: each field present or absent, null or of its type."""
    out: dict[str, Any] = {}
    for key, hint in _fields(model):
        roll = rng.random()
        if roll < 0.05:
            continue  # live responses leave keys out
        out[key] = None if roll < 0.15 else _value(rng, hint, bindings)
    return out


_FIELDS: dict[type[Model], tuple[tuple[str, Any], ...]] = {}


def _fields(model: type[Model]) -> tuple[tuple[str, Any], ...]:
    """(JSON key, type hint) of each field of ``model``, in order; worked out once per model."""
    fields = _FIELDS.get(model)
    if fields is None:
        hints = typing.get_type_hints(model)
        fields = _FIELDS[model] = tuple(
            (field.metadata.get(JSON_KEY, field.name), hints[field.name])
            for field in dataclasses.fields(model)
            if field.init
        )
    return fields


def _value(rng: random.Random, hint: Any, bindings: Mapping[str, type[Model]]) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return _value(rng, next(arg for arg in args if arg is not type(None)), bindings)
    if origin is list:
        return [_value(rng, args[0], bindings) for _ in range(rng.randint(0, 3))]
    if origin is dict:
        return {rng.choice(_WORDS[:2]): rng.choice(_WORDS) for _ in range(rng.randint(0, 2))}
    if isinstance(hint, TypeVar):
        return _object(rng, bindings[hint.__name__], bindings) if hint.__name__ in bindings else {}
    model = origin if isinstance(origin, type) else hint
    if isinstance(model, type) and issubclass(model, Model):
        return _object(rng, model, bindings)
    if hint is bool:
        return rng.random() < 0.5
    if hint is int:
        return rng.choice((0, 1, rng.randint(0, 10**6), rng.randint(10**9, 10**12)))
    if hint is float:
        return rng.choice((0, round(rng.uniform(0, 1000), 4)))
    if hint is str:
        return rng.choice(_WORDS)
    return None


# -- the HTTP side ----------------------------------------------------------------------------


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a handler asleep in a Reply's delay must not hold up stop()

    def __init__(self, address: tuple[str, int], handler: type[_Handler], mock: MockServer) -> None:
        super().__init__(address, handler)
        self.mock = mock


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Recorded(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length > 0 else b"",
        )
        mock = self.server.mock
        canned = mock._receive(request)
        if canned is not None and canned.delay:
            time.sleep(canned.delay)
        if canned is not None and canned.drop:
            self.close_connection = True
            return
        if canned is None or (canned.status is None and canned.body is None and canned.raw is None):
            status, headers, body = mock.answer(request)
            self._send(status, {**headers, **(canned.headers if canned else {})}, _json(body))
        elif canned.raw is not None:
            self._send(canned.status or 200, dict(canned.headers), canned.raw)
        else:
            status = canned.status or 200
            body = canned.body if canned.body is not None else _envelope(status * 100)
            self._send(status, dict(canned.headers), _json(body))

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        names = {name.lower() for name in headers}
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up ``do_<METHOD>``; every method, QUERY included, gets an answer.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read ``requests``, not a log on stderr


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
