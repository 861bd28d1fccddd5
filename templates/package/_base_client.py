"""What ``Client`` and ``AsyncClient`` do for every call: authentication, retries, error mapping
and parsing, once, for any API of this shape; ``_client.py`` adds the resources of this one.

Both clients share every decision — what to send, what an answer means, whether and when to
try again — in ``_BaseClient``; ``SyncAPIClient`` and ``AsyncAPIClient`` only do their own I/O
(send, sleep, close). An attempt ends in an ``_Outcome``: the value the call would return, the
error it would raise, or both (a raw or lenient call returns a response whose body reports a
failure, yet that failure may still be worth a retry). Every call is validated against the
documented rules before anything touches the network, and the API key leaves the client only in
the request header: it is kept out of ``repr``, log records and error messages.
"""

from __future__ import annotations

import contextvars
import copy
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any, Generic, Literal, ParamSpec, TypeVar, cast, overload

import httpx

from ._constants import (
    API_KEY_ENV,
    AUTH_HEADER,
    BASE_URL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    INITIAL_DELAY,
    MAX_DELAY,
    RETRY_CODES,
    RETRY_STATUSES,
    SUCCESS,
    USER_AGENT,
)
from ._envelope import Response, ResultT
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ResponseParseError,
    ResponseStatusError,
    code_error_class,
    status_error_class,
)
from ._json import loads
from ._validation import Clock, EndpointSpec, utc_today

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable
    from types import TracebackType

    from typing_extensions import Self

    from ._concurrency import Progress

__all__ = [
    "APIResponse",
    "AsyncAPIClient",
    "SyncAPIClient",
    "async_to_raw_response",
    "to_raw_response",
]

# A server may ask for a longer pause than backoff would choose, but not for an unbounded one.
_MAX_RETRY_AFTER = 60.0
# Response bodies in debug records are cut here: a page of a thousand links is ~1 MB of text.
_LOG_BODY_LIMIT = 2000
_REDACTED = "<redacted>"

logger = logging.getLogger(__package__)

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)
P = ParamSpec("P")

# Set while a ``with_raw_response`` method runs: the call then returns the HTTP response itself.
_raw_mode: contextvars.ContextVar[bool] = contextvars.ContextVar("raw_mode", default=False)


class APIResponse(Generic[T]):
    """The HTTP response of a call made through ``with_raw_response``; ``parse()`` gives the result."""

    def __init__(self, http_response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = http_response
        self._parse = parse

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        """The body as it arrived."""
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return loads(self.http_response.content)

    def parse(self) -> T:
        """The parsed response, with the same errors a plain call raises."""
        return self._parse()

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}]>"


def to_raw_response(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """Wrap a resource method so that it returns :class:`APIResponse` instead of the parsed result."""

    @wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = _raw_mode.set(True)
        try:
            return cast(APIResponse[T], method(*args, **kwargs))
        finally:
            _raw_mode.reset(token)

    return wrapped


def async_to_raw_response(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The async form of :func:`to_raw_response`."""

    @wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = _raw_mode.set(True)
        try:
            return cast(APIResponse[T], await method(*args, **kwargs))
        finally:
            _raw_mode.reset(token)

    return wrapped


class _BearerAuth(httpx.Auth):
    """Puts the key on each request as it is sent, so no header dict holding it lies around."""

    def __init__(self, key: str) -> None:
        self.key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[AUTH_HEADER] = f"Bearer {self.key}"
        yield request

    def __repr__(self) -> str:
        return f"<_BearerAuth {_REDACTED}>"


@dataclass(frozen=True)
class _Outcome(Generic[T]):
    """How one attempt ended: the call's value, the failure it reports, or both."""

    value: T | None = None
    error: APIError | None = None
    response: httpx.Response | None = None  # None when no answer arrived
    cause: BaseException | None = None  # the transport error behind a connection failure


class _BaseClient:
    """Configuration and every I/O-free decision the two clients share."""

    _owns_http: bool  # whether close() closes the connections (not when they were given, or shared)

    def __init__(
        self,
        api_key: str | None,
        base_url: str,
        timeout: float | httpx.Timeout,
        max_retries: int,
        raise_on_status: bool,
        today: Clock | None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if not key:
            raise APIError(
                f"no API key: pass api_key=... or set the {API_KEY_ENV} environment variable"
            )
        if not key.isascii() or not key.isprintable() or any(ch.isspace() for ch in key):
            # httpx would refuse the header only when sending, as if the connection had failed.
            raise APIError(
                "the API key contains whitespace or non-printable characters (a stray newline?)"
            )
        _check_max_retries(max_retries)
        self._auth = _BearerAuth(key)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.raise_on_status = raise_on_status
        self.today: Clock = today or utc_today

    @property
    def api_key(self) -> str:
        return self._auth.key

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r}, api_key={_REDACTED!r})"
        )

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        raise_on_status: bool | None = None,
    ) -> Self:
        """A client sharing this one's connections (and an async client's concurrency limit),
        with some settings changed: ``client.with_options(max_retries=5).backlinks...``."""
        clone = copy.copy(self)
        # Resources cached on the original are bound to it; the clone makes its own.
        for klass in type(self).__mro__:
            for name, attribute in vars(klass).items():
                if isinstance(attribute, cached_property):
                    clone.__dict__.pop(name, None)
        clone._owns_http = False  # the connections stay the original's to close
        if timeout is not None:
            clone.timeout = timeout
        if max_retries is not None:
            _check_max_retries(max_retries)
            clone.max_retries = max_retries
        if raise_on_status is not None:
            clone.raise_on_status = raise_on_status
        return clone

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        endpoint: EndpointSpec,
        arguments: Mapping[str, object],
        timeout: float | None,
    ) -> httpx.Request:
        # Validation raises RequestValidationError here, before any connection is made.
        path, body = endpoint.build_request(arguments, self.today())
        return http.build_request(
            endpoint.method,
            self.base_url + path,
            json=body,
            headers={
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            timeout=self.timeout if timeout is None else timeout,
        )

    def _settle(self, response: httpx.Response, result: type[ResultT]) -> _Outcome[Any]:
        """What an answer means for the call; raises nothing, so the caller can retry."""
        if not response.is_success:
            # Redirects are not followed: the API answers in place, so a 3xx is an error too.
            return _Outcome(error=_status_error(response), response=response)
        raw = _raw_mode.get()
        value: Any = None
        if raw:
            # to_raw_response / async_to_raw_response restore the true type at the public surface.
            value = APIResponse(response, lambda: self._parse(response, result))
        try:
            parsed = _interpret(response, result)
        except ResponseParseError as error:
            return _Outcome(value=value, error=error, response=response)
        failure = _body_failure(parsed)
        if not raw and (failure is None or not self.raise_on_status):
            value = parsed
        return _Outcome(value=value, error=failure, response=response)

    def _parse(self, response: httpx.Response, result: type[ResultT]) -> Response[ResultT]:
        """``APIResponse.parse()``: the response, or the error a plain call would raise."""
        parsed = _interpret(response, result)
        failure = _body_failure(parsed)
        if failure is not None and self.raise_on_status:
            raise self._redact_error(failure)
        return parsed

    def _retry_delay(self, attempt: int, outcome: _Outcome[Any]) -> float | None:
        """Seconds to wait before the next attempt, or None when this outcome is final."""
        error = outcome.error
        if error is None or attempt >= self.max_retries or not _is_retryable(error):
            return None
        if outcome.response is not None:
            asked = _retry_after(outcome.response.headers)
            if asked is not None:
                return asked
        backoff = min(MAX_DELAY, INITIAL_DELAY * 2.0**attempt)
        # Jitter keeps clients that failed together from retrying together.
        return backoff * (1 - 0.25 * random.random())

    def _conclude(self, outcome: _Outcome[T]) -> T:
        """The call's value, or its error raised (with the key scrubbed from every message)."""
        if outcome.value is not None or outcome.error is None:
            return cast(T, outcome.value)
        if outcome.cause is not None:
            self._redact_error(outcome.cause)
        raise self._redact_error(outcome.error) from outcome.cause

    def _redact(self, text: str) -> str:
        return text.replace(self._auth.key, _REDACTED)

    def _redact_error(self, error: E) -> E:
        error.args = tuple(self._redact(arg) if isinstance(arg, str) else arg for arg in error.args)
        return error

    # -- logging: debug records of each exchange, an info record of each retry --------------

    def _log_request(self, request: httpx.Request, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            # The auth flow adds the key as the request goes out; the record shows it redacted.
            headers = {**dict(request.headers.items()), AUTH_HEADER.lower(): _REDACTED}
            logger.debug(
                "%s",
                self._redact(
                    f"request {request.method} {request.url} (attempt {attempt + 1} of {self.max_retries + 1}) "
                    f"headers={headers} body={request.content.decode('utf-8', 'replace')}"
                ),
            )

    def _log_response(self, request: httpx.Request, outcome: _Outcome[Any]) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        response = outcome.response
        if response is None:
            text = f"no answer to {request.method} {request.url}: {outcome.error}"
        else:
            body = response.text
            cut = f"... ({len(body)} characters)" if len(body) > _LOG_BODY_LIMIT else ""
            text = (
                f"response {response.status_code} to {request.method} {request.url} in "
                f"{response.elapsed.total_seconds():.3f} s: {body[:_LOG_BODY_LIMIT]}{cut}"
            )
        logger.debug("%s", self._redact(text))

    def _log_retry(
        self, request: httpx.Request, outcome: _Outcome[Any], delay: float, attempt: int
    ) -> None:
        logger.info(
            "%s",
            self._redact(
                f"retrying {request.method} {request.url} in {delay:.2f} s "
                f"(attempt {attempt + 2} of {self.max_retries + 1}) after {type(outcome.error).__name__}: {outcome.error}"
            ),
        )


class SyncAPIClient(_BaseClient):
    """The synchronous transport: ``Client`` adds the resources (``_client.py``)."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        raise_on_status: bool = True,
        http_client: httpx.Client | None = None,
        today: Clock | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        super().__init__(api_key, base_url, timeout, max_retries, raise_on_status, today)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client(verify=_certificate_check(self.base_url))
        self._http = http_client
        self._sleep = sleep if sleep is not None else time.sleep

    def request(
        self,
        endpoint: EndpointSpec,
        arguments: Mapping[str, object],
        result: type[ResultT],
        *,
        timeout: float | None = None,
    ) -> Response[ResultT]:
        """Validate, send with retries, and parse one call; the resource methods all end here."""
        request = self._build_request(self._http, endpoint, arguments, timeout)
        attempt = 0
        while True:
            self._log_request(request, attempt)
            try:
                response = self._http.send(request, auth=self._auth)
            except httpx.TransportError as error:
                outcome: _Outcome[Any] = _Outcome(
                    error=_connection_error(error, request), cause=error
                )
            else:
                outcome = self._settle(response, result)
            self._log_response(request, outcome)
            delay = self._retry_delay(attempt, outcome)
            if delay is None:
                return cast(Response[ResultT], self._conclude(outcome))
            self._log_retry(request, outcome, delay, attempt)
            if outcome.response is not None:
                outcome.response.close()
            attempt += 1
            self._sleep(delay)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(_BaseClient):
    """The asynchronous transport: ``AsyncClient`` adds the resources (``_client.py``)."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        raise_on_status: bool = True,
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        http_client: httpx.AsyncClient | None = None,
        today: Clock | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        from ._concurrency import Limiter

        super().__init__(api_key, base_url, timeout, max_retries, raise_on_status, today)
        self.max_concurrency = max_concurrency
        # Shared with every with_options() copy, so the limit holds across them.
        self._limiter = Limiter(max_concurrency)
        self._owns_http = http_client is None
        if http_client is None:
            limits = httpx.Limits(
                max_connections=max_concurrency, max_keepalive_connections=max_concurrency
            )
            http_client = httpx.AsyncClient(limits=limits, verify=_certificate_check(self.base_url))
        self._http = http_client
        self._sleep = sleep if sleep is not None else _async_sleep

    async def request(
        self,
        endpoint: EndpointSpec,
        arguments: Mapping[str, object],
        result: type[ResultT],
        *,
        timeout: float | None = None,
    ) -> Response[ResultT]:
        """Validate, send with retries, and parse one call; the resource methods all end here."""
        request = self._build_request(self._http, endpoint, arguments, timeout)
        attempt = 0
        while True:
            self._log_request(request, attempt)
            try:
                # Only the exchange holds a slot; a pause before a retry leaves it to others.
                async with self._limiter:
                    response = await self._http.send(request, auth=self._auth)
            except httpx.TransportError as error:
                outcome: _Outcome[Any] = _Outcome(
                    error=_connection_error(error, request), cause=error
                )
            else:
                outcome = self._settle(response, result)
            self._log_response(request, outcome)
            delay = self._retry_delay(attempt, outcome)
            if delay is None:
                return cast(Response[ResultT], self._conclude(outcome))
            self._log_retry(request, outcome, delay, attempt)
            if outcome.response is not None:
                await outcome.response.aclose()
            attempt += 1
            await self._sleep(delay)

    @overload
    async def gather(
        self,
        calls: Iterable[Awaitable[T]],
        *,
        progress: Progress | None = None,
        return_exceptions: Literal[False] = False,
    ) -> list[T]: ...

    @overload
    async def gather(
        self,
        calls: Iterable[Awaitable[T]],
        *,
        progress: Progress | None = None,
        return_exceptions: Literal[True],
    ) -> list[T | Exception]: ...

    async def gather(
        self,
        calls: Iterable[Awaitable[T]],
        *,
        progress: Progress | None = None,
        return_exceptions: bool = False,
    ) -> list[T] | list[T | Exception]:
        """Await many calls, at most ``max_concurrency`` at a time; results in input order.

        ``progress(done, total)`` is called as each call finishes. The first failure cancels the
        calls still running and is raised, unless ``return_exceptions`` puts each failure in
        its call's place instead.

        ::

            chunks = batches(ENDPOINT, "targets", targets)  # within the documented limits
            responses = await client.gather(
                client.backlinks.bulk_pages_summary_live(targets=chunk) for chunk in chunks
            )
        """
        from ._concurrency import gather

        return await gather(calls, self.max_concurrency, progress, return_exceptions)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def _check_max_retries(max_retries: int) -> None:
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0, got {max_retries}")


def _is_retryable(error: APIError) -> bool:
    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, APIStatusError):
        return any(low <= error.status_code <= high for low, high in RETRY_STATUSES)
    if isinstance(error, ResponseStatusError) and error.status_code is not None:
        return any(low <= error.status_code <= high for low, high in RETRY_CODES)
    return False


def _decode(response: httpx.Response) -> Any:
    """The JSON of a 2xx body, or ResponseParseError saying why there is none."""
    media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if not response.content:
        raise ResponseParseError(
            f"HTTP {response.status_code} with an empty body", body=response.text
        )
    if media_type and media_type != "application/json" and not media_type.endswith("+json"):
        # An HTML error page from a proxy, most often; whatever it is, it is not the API's answer.
        raise ResponseParseError(
            f"the body is {media_type}, not JSON ({len(response.content)} bytes)",
            body=response.text,
        )
    try:
        return loads(response.content)
    except ValueError as error:  # truncated or otherwise broken JSON, or bytes that are not UTF-8
        raise ResponseParseError(
            f"the body is not valid JSON: {error}", body=response.text
        ) from None


def _interpret(response: httpx.Response, result: type[ResultT]) -> Response[ResultT]:
    """A 2xx answer → the parsed response (whatever its status codes say)."""
    try:
        payload = _decode(response)
        try:
            # The decoded JSON is ours alone: the models may keep its dicts instead of copies.
            return Response.parse(payload, result, copy=False)
        except ResponseParseError as error:
            # Keep what the server said, whatever its shape; parsing has taken ``payload`` over.
            error.body = _decode(response)
            raise
    except ResponseParseError as error:
        error.http_response = response
        raise


def _body_failure(parsed: Response[Any]) -> ResponseStatusError | None:
    """The error a status code other than success in the body makes: the top-level one, else a task's."""
    failed = parsed.failed_tasks()
    if parsed.status_code != SUCCESS:
        code, message, task_id = parsed.status_code, parsed.status_message, None
        text = f"status_code {code}: {message}"
    elif failed:
        first = failed[0]
        code, message, task_id = first.status_code, first.status_message, first.id
        more = f" (and {len(failed) - 1} more failed task(s))" if len(failed) > 1 else ""
        text = f"task {task_id} failed with status_code {code}: {message}{more}"
    else:
        return None
    return code_error_class(code)(
        text,
        status_code=code,
        status_message=message,
        task_id=task_id,
        tasks=failed,
        response=parsed,
    )


def _status_error(response: httpx.Response) -> APIError:
    try:
        body: object = loads(response.content)
    except ValueError:
        body = response.text
    message = body.get("status_message") if isinstance(body, dict) else None
    return status_error_class(response.status_code)(
        f"HTTP {response.status_code}: {message or response.reason_phrase}",
        response=response,
        body=body,
    )


def _connection_error(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"request timed out: {detail}", request=request)
    return APIConnectionError(f"connection failed: {detail}", request=request)


def _certificate_check(base_url: str) -> ssl.SSLContext | bool:
    """``verify=`` for the connections a client opens itself: httpx's default (certifi's CA
    bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``) for https, and for plain http a context that
    trusts no certificate at all."""
    if not base_url.lower().startswith("http://"):
        return True
    # Every request goes to base_url and redirects are not followed, so a plain-http client never
    # makes a TLS connection of its own; yet httpx reads the whole CA bundle up front for the
    # context it would use, 20-40 ms, a fifth of what importing the package and making a first
    # call costs. This context costs microseconds and, should TLS ever be tried through it, rejects
    # every certificate instead of accepting any. An HTTPS proxy named by the environment is still
    # verified, by the context httpx keeps for proxies.
    import ssl  # httpx's transport imports it anyway, once the client exists

    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


async def _async_sleep(seconds: float) -> None:
    """``asyncio.sleep``, imported on first use: asyncio costs about as much to import as the
    rest of the package, and a program that only uses the sync ``Client`` never needs it."""
    import asyncio

    await asyncio.sleep(seconds)


def _retry_after(headers: httpx.Headers) -> float | None:
    """The pause an answer asks for, in seconds (``Retry-After``: seconds or an HTTP date)."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # only an HTTP-date Retry-After needs it, and it is slow to import

        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return seconds if 0 <= seconds <= _MAX_RETRY_AFTER else None
