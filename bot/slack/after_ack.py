"""The work a listener does after its ack, run beside the requests that follow.

Bolt's default (`process_before_response=False`) starts each listener in a task of its own
and polls every 10 ms for its ack, so every ack waits for a timer tick, and for the loop to
come round to it behind whatever else is running. The bot runs Bolt with
`process_before_response=True` instead: a listener acks, hands its slow part (the platform,
the store, the answer) to `AfterAck.start`, and returns, and Bolt sends the ack at once.

The tasks are kept here rather than left to the loop: a task nobody holds can be garbage
collected mid-way, a failure would be lost, and at shutdown `drain` lets them finish before
the clients they use are closed, so an answer already promised is not lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.draining import finish_or_cancel

log = logging.getLogger(__name__)


class AfterAck:
    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run `work` after the ack; `what` names it in the log if it fails."""
        task = asyncio.create_task(work, name=what)  # copies the context: the request id too
        self._running.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            # Listeners answer their own errors; this is the last line, for what they missed.
            log.error("%s failed after its ack", task.get_name(), exc_info=error)

    def running(self) -> int:
        return len(self._running)

    async def drain(self, grace_seconds: float) -> None:
        """Let the work under way finish (shutdown); cancel what is left after `grace_seconds`."""
        if not self._running:
            return
        log.info("finishing %d answer(s) under way", len(self._running))
        cancelled = await finish_or_cancel(self._running, grace_seconds, cancel_seconds=1)
        if cancelled:
            log.warning("%d answer(s) did not finish before shutdown", cancelled)
