"""One call in flight per key: callers who ask for the same thing meanwhile share its answer.

Several previews of one evaluation at once (a busy channel, a retried request) each need the
evaluation's task listing, which can run to many pages. Sharing the call in flight costs no
freshness: every caller gets an answer read after it asked, or by a call already under way.
Nothing is kept once the call ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Coalescer"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Coalescer(Generic[K, V]):
    def __init__(self) -> None:
        self._in_flight: dict[K, asyncio.Task[V]] = {}

    async def run(self, key: K, call: Callable[[], Coroutine[Any, Any, V]]) -> V:
        """`call()`'s answer, or the answer of the same key's call already in flight.

        A caller that gives up (cancelled, timed out) does not cancel the call for the others.
        """
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.create_task(call())
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task)

    def _forget(self, key: K, done: asyncio.Task[V]) -> None:
        if self._in_flight.get(key) is done:
            del self._in_flight[key]
        if not done.cancelled():
            done.exception()  # every waiter may have given up: mark the error as seen

    def in_flight(self) -> int:
        return len(self._in_flight)
