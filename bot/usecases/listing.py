"""The evaluation's task listing within a time limit: a preview or a snapshot never waits long."""

from __future__ import annotations

import asyncio
import logging

from bot.core.tasks import ListedTask, PlatformError
from bot.usecases.ports import Platform

log = logging.getLogger(__name__)


async def listing_within(
    platform: Platform, evaluation_id: str, seconds: float
) -> list[ListedTask] | None:
    """The evaluation's tasks, or None when the listing fails or takes over `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            return await platform.list_evaluation_tasks(evaluation_id)
    except (PlatformError, TimeoutError) as exc:
        log.warning("could not list the tasks of %s: %s", evaluation_id, str(exc) or "too slow")
        return None
