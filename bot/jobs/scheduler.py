"""The scheduler loop: every few seconds, whatever reminder is due is handled, beside the worker.

Runs in every process that runs a worker (`beside`), so a bot that runs jobs also sends the
reminders; several processes share the work, each due schedule claimed by one of them
(`bot.store.reminders`). Polling every ASSIGN_REMINDER_POLL_SECONDS keeps a due digest within a
minute of its time, whatever restarts happened in between: the schedules live in Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class Scheduler:
    def __init__(self, run_due: Callable[[], Awaitable[int]], poll_seconds: float) -> None:
        self.run_due = run_due
        self.poll_seconds = poll_seconds
        #: Passes completed: a test waits on it rather than sleeping.
        self.passes = 0

    async def run(self, stop: asyncio.Event) -> None:
        """One pass, then a pause, until `stop` is set; a pass that fails is logged only."""
        log.info("reminder scheduler started (every %.1f s)", self.poll_seconds)
        while not stop.is_set():
            try:
                handled = await self.run_due()
                if handled:
                    log.info("reminders: %d schedule(s) handled", handled)
            except StoreUnavailable:
                log.warning("reminders: the store is unavailable; trying again shortly")
            except Exception:
                log.exception("reminders: a pass failed; trying again shortly")
            self.passes += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        log.info("reminder scheduler stopped")


def beside(*loops: Loop) -> Loop:
    """One background loop running all of `loops` with the same stop flag."""

    async def run(stop: asyncio.Event) -> None:
        await asyncio.gather(*(loop(stop) for loop in loops))

    return run
