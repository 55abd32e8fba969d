"""Shutting down with work under way: let it finish for a while, then cancel what is left."""

from __future__ import annotations

import asyncio
from collections.abc import Collection


async def finish_or_cancel(
    tasks: Collection[asyncio.Task[None]], grace_seconds: float, cancel_seconds: float
) -> int:
    """Wait up to `grace_seconds` for `tasks`, then cancel the rest; how many were cancelled.

    Cancelled tasks get `cancel_seconds` to unwind (a job hands itself back to the stream).
    """
    if not tasks:
        return 0
    _, unfinished = await asyncio.wait(set(tasks), timeout=grace_seconds)
    for task in unfinished:
        task.cancel()
    if unfinished:
        await asyncio.wait(unfinished, timeout=cancel_seconds)
    return len(unfinished)
