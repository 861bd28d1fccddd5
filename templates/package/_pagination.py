"""Walking every item of a long result, one request per page.

An endpoint with a ``pagination`` block in its spec gets a ``<name>_pages(...)`` method that
returns a pager: iterate it for the items, or call ``pages()`` for each whole response. Two ways
to move on are documented. By token, each request repeats the first one's arguments exactly (as
the docs require) plus the continuation token the previous response carried. By offset, each
request moves the offset past the items seen so far, keeping the limit. Both stop at the first
empty page, or once the result's total count is reached; a token that comes back twice is an
error rather than an endless loop.

The walk itself (``_Walk``) does no I/O, so ``SyncPager`` and ``AsyncPager`` share it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ._errors import PaginationError

if TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from ._envelope import Response
    from ._model import Model
    from ._validation import EndpointSpec

__all__ = ["AsyncPager", "Paging", "SyncPager"]

ItemT = TypeVar("ItemT")
ClientT = TypeVar("ClientT", "Client", "AsyncClient")
By = Literal["token", "offset"]


@dataclass(frozen=True)
class Paging:
    """Where an endpoint keeps its pages: result attributes and request parameters, by name."""

    items: str
    """The result attribute holding one page of items."""
    total: str | None = None
    """The result attribute counting every item."""
    token: tuple[str, str] | None = None
    """The request parameter and the result attribute of the continuation token."""
    offset: tuple[str, str] | None = None
    """The request parameters of the offset and the limit."""


class _Walk:
    """The arguments of each next request, from the responses so far; None once done."""

    def __init__(self, paging: Paging, arguments: Mapping[str, object], by: By) -> None:
        pair = paging.token if by == "token" else paging.offset
        if pair is None:
            other = "offset" if by == "token" else "token"
            raise ValueError(f"this endpoint does not paginate by {by}; use by={other!r}")
        self.param, self.other = pair  # the token's result attribute, or the limit parameter
        self.paging = paging
        self.first = dict(arguments)
        self.by = by
        self.start = (_as_int(arguments.get(paging.offset[0])) or 0) if paging.offset else 0
        self.seen = 0
        self.tokens: set[object] = set()

    def after(self, page: Response[Any]) -> dict[str, object] | None:
        count = len(_items(page, self.paging))
        self.seen += count
        results = _results(page)
        if count == 0:
            return None
        total = getattr(results[-1], self.paging.total) if self.paging.total else None
        position = self.start + self.seen
        if isinstance(total, int) and position >= total:
            return None
        if self.by == "offset":
            limit = _as_int(self.first.get(self.other))
            if limit is not None and count < limit:
                return None  # a short page is the last one
            return {**self.first, self.param: position}
        token = getattr(results[-1], self.other)
        if not token:
            return None
        if token in self.tokens:
            raise PaginationError(
                f"the API returned the continuation token {token!r} a second time"
            )
        self.tokens.add(token)
        return {**self.first, self.param: token}


class _Pager(Generic[ClientT, ItemT]):
    """What both pagers hold: the call to repeat and how its pages move on, checked up front."""

    def __init__(
        self,
        client: ClientT,
        endpoint: EndpointSpec,
        arguments: Mapping[str, object],
        result: type[Model],
        paging: Paging,
        *,
        by: By,
        timeout: float | None,
    ) -> None:
        _Walk(paging, arguments, by)  # refuse a way of paging the endpoint does not have
        endpoint.build_body(arguments, client.today())  # refuse bad arguments here, not mid-walk
        self._client: ClientT = client
        self._endpoint, self._result = endpoint, result
        self._arguments, self._paging, self._by, self._timeout = arguments, paging, by, timeout


class SyncPager(_Pager["Client", ItemT]):
    """Every item of a paginated call: ``for item in pager``, or ``pager.pages()`` for responses."""

    def pages(self) -> Iterator[Response[Any]]:
        """Each response in turn, fetched as the iteration reaches it."""
        walk = _Walk(self._paging, self._arguments, self._by)
        arguments: dict[str, object] | None = walk.first
        while arguments is not None:
            page = self._client.request(
                self._endpoint, arguments, self._result, timeout=self._timeout
            )
            yield page
            arguments = walk.after(page)

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            yield from _items(page, self._paging)


class AsyncPager(_Pager["AsyncClient", ItemT]):
    """The async form of :class:`SyncPager`: ``async for item in pager``, or ``pager.pages()``."""

    async def pages(self) -> AsyncIterator[Response[Any]]:
        """Each response in turn, fetched as the iteration reaches it."""
        walk = _Walk(self._paging, self._arguments, self._by)
        arguments: dict[str, object] | None = walk.first
        while arguments is not None:
            page = await self._client.request(
                self._endpoint, arguments, self._result, timeout=self._timeout
            )
            yield page
            arguments = walk.after(page)

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in _items(page, self._paging):
                yield item


def _results(page: Response[Any]) -> Sequence[Any]:
    return [result for task in page.tasks or () for result in task.result or ()]


def _items(page: Response[Any], paging: Paging) -> list[Any]:
    return [item for result in _results(page) for item in getattr(result, paging.items) or ()]


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) else None
