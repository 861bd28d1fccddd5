"""Many calls at once, within the API's limit on simultaneous requests.

``AsyncClient`` holds a :class:`Limiter` around each exchange, so however many calls a program
starts, at most ``max_concurrency`` requests are in flight. :func:`gather` runs a batch of calls
with that many workers, reporting progress and keeping results in input order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["Limiter", "Progress", "gather"]

T = TypeVar("T")

Progress = Callable[[int, int], object]
"""``progress(done, total)``: called each time one more call of a batch has finished."""


class Limiter:
    """An async context manager that lets at most ``limit`` holders in at once (None: no limit)."""

    def __init__(self, limit: int | None) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"max_concurrency must be >= 1 or None, got {limit}")
        self.limit = limit
        self._semaphore = asyncio.Semaphore(limit) if limit is not None else None

    async def __aenter__(self) -> None:
        if self._semaphore is not None:
            await self._semaphore.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._semaphore is not None:
            self._semaphore.release()


async def gather(
    calls: Iterable[Awaitable[T]],
    limit: int | None,
    progress: Progress | None,
    return_exceptions: bool,
) -> list[T | Exception]:
    """Await ``calls`` with at most ``limit`` running; see ``AsyncClient.gather``."""
    pending = list(calls)
    total = len(pending)
    results: dict[int, T | Exception] = {}
    next_index = 0
    done = 0

    async def worker() -> None:
        nonlocal next_index, done
        while next_index < total:
            index = next_index
            next_index += 1
            try:
                results[index] = await pending[index]
            except Exception as error:
                if not return_exceptions:
                    raise
                results[index] = error
            done += 1
            if progress is not None:
                progress(done, total)

    workers = [asyncio.ensure_future(worker()) for _ in range(min(limit or total, total))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        raise
    finally:
        # Coroutines no worker reached (after a failure) are closed, not left to warn unawaited.
        for call in pending[next_index:]:
            if asyncio.iscoroutine(call):
                call.close()
    return [results[index] for index in range(total)]
