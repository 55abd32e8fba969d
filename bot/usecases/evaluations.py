"""Reading an evaluation back: its overview for link unfurls (cached briefly), and the tasks of
an earlier assignment that are still open, for "Reassign these tasks".
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from pydantic import ValidationError

from bot.core.ids import DEFAULT_PLATFORM_HOSTS
from bot.core.readback import (
    Assignment,
    EvaluationOverview,
    PlatformLink,
    open_task_ids,
    platform_link,
)
from bot.store.cache import Cache
from bot.store.errors import StoreUnavailable
from bot.usecases.listing import listing_within
from bot.usecases.ports import JobBoard, Platform

log = logging.getLogger(__name__)

CACHE_NAMESPACE: Final = "evaluation"
#: An unfurl's figures may be this old: several links to one evaluation cost one platform call.
OVERVIEW_SECONDS: Final = 30
#: The reassign form opens on a trigger that lives 3 seconds: the listing gets this long.
REASSIGN_LISTING_SECONDS: Final = 1.5


@dataclass(frozen=True)
class Reassignment:
    """What the reassign form is filled with."""

    evaluation_id: str
    task_ids: tuple[str, ...]
    #: False when the platform could not be read in time: the ids are the job's, unfiltered.
    filtered: bool = True
    #: False when the job's record had expired: the ids are those its assignees still hold.
    from_job: bool = True


class Evaluations:
    def __init__(
        self,
        platform: Platform,
        cache: Cache,
        jobs: JobBoard,
        *,
        hosts: Collection[str] = DEFAULT_PLATFORM_HOSTS,
        overview_seconds: int = OVERVIEW_SECONDS,
        listing_seconds: float = REASSIGN_LISTING_SECONDS,
    ) -> None:
        """`hosts`: the platform web app's (ASSIGN_PLATFORM_HOSTS), whose links are unfurled."""
        self.platform = platform
        self.hosts = tuple(hosts)
        self.cache = cache
        self.jobs = jobs
        self.overview_seconds = overview_seconds
        self.listing_seconds = listing_seconds

    def link(self, url: str) -> PlatformLink | None:
        """The evaluation a link names, when it is a link to the platform's app."""
        return platform_link(url, self.hosts)

    async def overview(self, evaluation_id: str) -> EvaluationOverview:
        """The evaluation's name, status and counts; raises the platform's error (e.g. 404)."""
        cached = await self._cached(evaluation_id)
        if cached is not None:
            return cached
        overview = await self.platform.get_evaluation(evaluation_id)
        try:
            kept = overview.model_dump(mode="json")
            await self.cache.put(CACHE_NAMESPACE, evaluation_id, kept, self.overview_seconds)
        except StoreUnavailable:
            log.warning("could not cache the overview of %s", evaluation_id)
        return overview

    async def _cached(self, evaluation_id: str) -> EvaluationOverview | None:
        try:
            raw = await self.cache.get(CACHE_NAMESPACE, evaluation_id)
        except StoreUnavailable:
            return None
        if raw is None:
            return None
        try:
            return EvaluationOverview.model_validate(raw)
        except ValidationError:
            return None

    async def reassignment(self, assignment: Assignment) -> Reassignment:
        """The tasks of `assignment`'s job that are not completed, read from the platform.

        The job's record (kept 7 days) names its tasks; when it has expired, the tasks its
        assignees still hold stand in. When the listing fails or is slow, the job's tasks are
        offered unfiltered (the preview still checks every task).
        """
        evaluation_id = assignment.evaluation_id
        job = await self.jobs.job(assignment.job_id)
        job_ids: tuple[str, ...] | None = None
        if job is not None and job.confirmation.evaluation_id == evaluation_id:
            job_ids = tuple(i for share in job.confirmation.shares for i in share.task_ids)
        listing = await listing_within(self.platform, evaluation_id, self.listing_seconds)
        if listing is None:
            return Reassignment(evaluation_id, job_ids or (), filtered=False)
        statuses = {task.id: task.status for task in listing}
        if job_ids is not None:
            return Reassignment(evaluation_id, open_task_ids(job_ids, statuses))
        holders = {a.platform_user_id for a in assignment.assignees}
        held = [task.id for task in listing if task.assignee_id in holders]
        return Reassignment(evaluation_id, open_task_ids(held, statuses), from_job=False)
