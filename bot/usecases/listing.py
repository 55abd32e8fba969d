"""The evaluation's task listing within a time limit: a preview or a snapshot never waits long."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

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


async def kept_listing(
    platform: Platform, evaluation_id: str, keep: Callable[[ListedTask], bool]
) -> list[ListedTask]:
    """The evaluation's tasks that `keep` wants, read page by page: only they are held.

    Raises PlatformError like the listing does.
    """
    kept: list[ListedTask] = []
    async for page in platform.evaluation_task_pages(evaluation_id):
        kept.extend(task for task in page if keep(task))
    return kept


async def kept_within(
    platform: Platform, evaluation_id: str, seconds: float, keep: Callable[[ListedTask], bool]
) -> list[ListedTask] | None:
    """`kept_listing`, or None when the listing fails or takes over `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            return await kept_listing(platform, evaluation_id, keep)
    except (PlatformError, TimeoutError) as exc:
        log.warning("could not list the tasks of %s: %s", evaluation_id, str(exc) or "too slow")
        return None
