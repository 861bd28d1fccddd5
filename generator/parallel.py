"""One function over many items on every CPU: this process and forked copies of it.

black is CPU-bound Python that holds the GIL, so only processes format in parallel. Forked
helpers start in about a millisecond with everything this process has loaded, where a spawned
pool imports it all again in every worker. A helper may be forked before this process knows its
items: it plans them itself (the same plan, computed from the same inputs) and starts on them
while this process is still busy, say checking the specs. Items are claimed one at a time
through a counter the processes pass round in a pipe, so however uneven the items are, the
processes finish together; putting the largest items first gets the best of it.

Where a fork is unsafe or impossible — another thread is running (the child would inherit its
locks as they are), the platform has no ``fork``, the system refuses one — everything runs in
this process. A helper that fails in any way only costs time: its items are computed here.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
from collections.abc import Callable, Hashable, Sequence
from types import TracebackType
from typing import Generic, NoReturn, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")

_RECORD = 8  # bytes of the counter: the one record in its pipe
_PATIENCE = 0.5  # seconds a claim waits before asking whether the counter's holder is gone


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, where the platform tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is safe here: the platform forks, and no other thread holds a lock."""
    threading = sys.modules.get("threading")  # not even imported: no thread was ever started
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


class Helpers(Generic[Item, Result]):
    """Up to ``processes - 1`` forked helpers, each calling ``plan()`` for its items at once, then
    computing ``function(item)`` for the items it claims; ``map`` joins them from this process.

    ``plan`` should give every process the same items in the same order, and ``key`` must name
    an item alike in every process: results are matched by it, and whatever result this process
    does not get from a helper, it computes itself. So ``function`` may run twice for an item and
    must have no side effect that matters; its results must pickle. Leaving the ``with`` block
    stops any helper still running (as when this process fails before calling ``map``).
    """

    def __init__(
        self,
        plan: Callable[[], Sequence[Item]],
        function: Callable[[Item], Result],
        key: Callable[[Item], Hashable],
        processes: int,
    ) -> None:
        self.function, self.key = function, key
        self.counter: _Counter | None = None
        self.children: list[_Child] = []
        if processes < 2 or not can_fork():
            return
        self.counter = _Counter()

        def work(results: int) -> NoReturn:
            assert self.counter is not None
            _help(plan, function, key, self.counter, results)

        for _ in range(processes - 1):
            try:
                self.children.append(_Child(work))
            except OSError:
                break  # no more processes to be had: fewer hands, same work

    def map(self, items: Sequence[Item]) -> list[Result]:
        """``[function(item) for item in items]``, with the helpers' share computed by them."""
        results: dict[Hashable, Result] = {}
        counter = self.counter
        if counter is not None and self.children:
            # Waiting for the counter while every helper runs: one of them holds it.
            while (index := counter.claim(self._helpers_alive)) is not None and index < len(items):
                results[self.key(items[index])] = self.function(items[index])
            for child in self.children:
                results.update(cast("dict[Hashable, Result]", child.results()))
        return [results[key] if (key := self.key(item)) in results else self.function(item) for item in items]

    def _helpers_alive(self) -> bool:
        return not any(child.exited() for child in self.children)

    def __enter__(self) -> Helpers[Item, Result]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        for child in self.children:
            child.stop()
        if self.counter is not None:
            self.counter.close()


class _Counter:
    """The index of the next unclaimed item, kept as one record in a pipe: holding it is the lock.

    A process holds it for microseconds. One that died holding it (killed by a signal) takes it
    along: whoever then waits for it gives up and leaves the rest to the parent, which computes
    every item it has no result for.
    """

    def __init__(self) -> None:
        self.reader, self.writer = os.pipe()
        os.write(self.writer, (0).to_bytes(_RECORD, "little"))

    def claim(self, may_wait: Callable[[], bool]) -> int | None:
        """The next index; None when the counter was not seen for ``_PATIENCE`` seconds and
        ``may_wait()`` says not to wait longer."""
        while not select.select([self.reader], [], [], _PATIENCE)[0]:
            if not may_wait():
                return None
        index = int.from_bytes(os.read(self.reader, _RECORD), "little")
        os.write(self.writer, (index + 1).to_bytes(_RECORD, "little"))
        return index

    def close(self) -> None:
        os.close(self.reader)
        os.close(self.writer)


class _Child:
    """A forked process running ``work(results_pipe)``, which sends its results when done."""

    def __init__(self, work: Callable[[int], NoReturn]) -> None:
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            raise
        if pid == 0:
            os.close(reader)
            work(writer)
        os.close(writer)
        self.pid, self.reader = pid, reader
        self.code: int | None = None

    def exited(self) -> bool:
        if self.code is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.code = os.waitstatus_to_exitcode(status)
        return self.code is not None

    def results(self) -> dict[Hashable, object]:
        """What the child computed, or nothing when it did not finish cleanly."""
        chunks = []
        while chunk := os.read(self.reader, 1 << 20):
            chunks.append(chunk)
        if self.code is None:
            self.code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        if self.code != 0:
            return {}
        try:
            done: dict[Hashable, object] = pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a cut-off stream fails in many ways, all meaning "redo"
            return {}
        return done

    def stop(self) -> None:
        """Kill the child if it still runs; release what it holds."""
        if self.reader >= 0:
            os.close(self.reader)
            self.reader = -1
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            self.code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def _help(
    plan: Callable[[], Sequence[Item]],
    function: Callable[[Item], Result],
    key: Callable[[Item], Hashable],
    counter: _Counter,
    writer: int,
) -> NoReturn:
    """A helper's whole life. It leaves through os._exit, so that nothing of the parent's —
    buffered output, atexit handlers, a test runner's teardown — runs a second time."""
    status = 1
    try:
        items = plan()
        done = {}
        # A helper never waits long: the parent may be gone, or the counter lost.
        while (index := counter.claim(lambda: False)) is not None and index < len(items):
            done[key(items[index])] = function(items[index])
        with os.fdopen(writer, "wb") as stream:
            pickle.dump(done, stream, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)
