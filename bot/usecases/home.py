"""The App Home: what one person sees of the bot's work, gathered from the index the jobs
leave (`bot.store.home`) and what the platform says now.

An annotator sees the open tasks the bot gave them, by evaluation, read from each evaluation's
listing and cached briefly; a lead also sees their recent jobs (queued, running, done or given
up), their previews waiting for a
Confirm, and the evaluations they assigned in, with progress (`GET /v4/evaluations/{id}`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

from bot.core.confirmation import Confirmation
from bot.core.home import (
    EvaluationProgress,
    EvaluationTasks,
    HomeData,
    JobEntry,
    JobView,
    OpenTask,
    PendingView,
    assigned_ids,
    job_entry,
    open_tasks,
    unfinished_entry,
)
from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.readback import DEFAULT_APP_HOST
from bot.core.tasks import PlatformError
from bot.store.confirmations import ConfirmationStore
from bot.store.errors import StoreUnavailable
from bot.store.home import JOBS_KEPT, HomeIndex
from bot.store.undo import UndoStore
from bot.usecases.evaluations import Evaluations
from bot.usecases.listing import listing_within
from bot.usecases.ports import JobBoard, Platform

log = logging.getLogger(__name__)

#: A person's open tasks are read from the platform at most this often (a job that involves
#: them clears it at once).
TASKS_SECONDS: Final = 60
#: Each evaluation's listing gets this long; slower, and the Home says it could not read it.
LISTING_SECONDS: Final = 5.0
JOBS_SHOWN: Final = 20
EVALUATIONS_SHOWN: Final = 10


class Home:
    def __init__(
        self,
        *,
        index: HomeIndex,
        platform: Platform,
        confirmations: ConfirmationStore,
        undo: UndoStore,
        evaluations: Evaluations,
        clock: Callable[[], datetime],
        jobs: JobBoard | None = None,
        app_host: str = DEFAULT_APP_HOST,
        tasks_seconds: int = TASKS_SECONDS,
        listing_seconds: float = LISTING_SECONDS,
    ) -> None:
        self.index = index
        self.platform = platform
        self.confirmations = confirmations
        self.undo = undo
        self.evaluations = evaluations
        self.clock = clock
        self.jobs = jobs
        self.app_host = app_host
        self.tasks_seconds = tasks_seconds
        self.listing_seconds = listing_seconds

    # -- written as work happens (never failing the work) ------------------------------------

    async def job_finished(self, job: Job, summary: Summary, undo_id: str | None) -> None:
        """Index a finished job under everyone it involves, before it is reported."""
        try:
            entry = job_entry(job, summary, undo_id, self.clock())
            await self.index.add_job(entry, assigned_ids(summary))
        except StoreUnavailable:
            log.warning("could not index job %s for the App Home", job.id)

    async def job_given_up(self, job: Job) -> None:
        """The job stopped without a summary: its requester's Home says so."""
        try:
            await self.index.add_unfinished(unfinished_entry(job, "given_up"))
        except StoreUnavailable:
            log.warning("could not mark job %s given up on the App Home", job.id)

    async def job_published(self, job_id: str, permalink: str | None) -> tuple[str, ...]:
        """Keep the summary's link; the Slack users whose Home should be published again."""
        try:
            entry = await self.index.set_permalink(job_id, permalink)
        except StoreUnavailable:
            return ()
        return entry.involves() if entry is not None else ()

    async def entry(self, job_id: str) -> JobEntry | None:
        return await self.index.job(job_id)

    # -- read when a Home is published ---------------------------------------------------------

    async def data(self, team_id: str, user_id: str) -> HomeData:
        now = self.clock()
        entries = await self.index.jobs(team_id, user_id, JOBS_KEPT)
        led = [entry for entry in entries if entry.requester_id == user_id]
        tasks, jobs, pending, evaluations = await asyncio.gather(
            self._tasks(team_id, user_id, entries),
            self._jobs(led[:JOBS_SHOWN]),
            self._pending(team_id, user_id, now),
            self._progress(led),
        )
        return HomeData(
            user_id=user_id,
            now=now,
            app_host=self.app_host,
            tasks=tasks,
            jobs=jobs,
            pending=pending,
            evaluations=evaluations,
        )

    async def _tasks(
        self, team_id: str, user_id: str, entries: Sequence[JobEntry]
    ) -> tuple[EvaluationTasks, ...]:
        cached = await self.index.cached_tasks(team_id, user_id)
        if isinstance(cached, list):
            try:
                return tuple(_tasks_from_json(item) for item in cached)
            except (KeyError, TypeError, ValueError):
                pass
        platform_ids = {
            share.platform_user_id
            for entry in entries
            for share in entry.assignees
            if share.slack_user_id == user_id
        }
        evaluation_ids = await self.index.evaluations(team_id, user_id, EVALUATIONS_SHOWN)
        found = await asyncio.gather(
            *(self._open(team_id, user_id, e, platform_ids) for e in evaluation_ids)
        )
        kept = tuple(group for group in found if group.tasks or not group.read)
        if all(group.read for group in kept):
            value = [_tasks_to_json(group) for group in kept]
            await self.index.cache_tasks(team_id, user_id, value, self.tasks_seconds)
        return kept

    async def _open(
        self, team_id: str, user_id: str, evaluation_id: str, platform_ids: set[str]
    ) -> EvaluationTasks:
        given = await self.index.given(team_id, user_id, evaluation_id)
        listed = await listing_within(self.platform, evaluation_id, self.listing_seconds)
        if listed is None:
            return EvaluationTasks(evaluation_id, read=False)
        return EvaluationTasks(evaluation_id, open_tasks(listed, platform_ids, given))

    async def _jobs(self, entries: Sequence[JobEntry]) -> tuple[JobView, ...]:
        return tuple(await asyncio.gather(*(self._job(entry) for entry in entries)))

    async def _job(self, entry: JobEntry) -> JobView:
        """A job with what its buttons and state need: Undo still kept, Retry not yet used,
        and for a queued one the tasks sent so far (read from its chunk records)."""
        undo = bool(entry.undo_id) and await self.undo.peek(entry.undo_id or "") is not None
        retry, done = False, None
        try:
            if entry.failed and entry.phase == "done" and self.jobs is not None:
                retry = not await self.jobs.retry_claimed(entry.job_id)
            if entry.phase == "queued" and self.jobs is not None:
                done = await self.jobs.tasks_done(entry.job_id) or None
        except StoreUnavailable:
            log.info("no job state of %s for the App Home", entry.job_id)
        return JobView(entry, undo_available=undo, retry_available=retry, done=done)

    async def _pending(self, team_id: str, user_id: str, now: datetime) -> tuple[PendingView, ...]:
        tokens = await self.index.pending(team_id, user_id, now)
        shown: list[PendingView] = []
        gone: list[str] = []
        for token in tokens:
            confirmation = await self.confirmations.peek(token)
            if confirmation is None:
                gone.append(token)
            else:
                shown.append(PendingView(token, confirmation))
        await self.index.drop_pending(team_id, user_id, gone)
        return tuple(shown)

    async def _progress(self, led: Sequence[JobEntry]) -> tuple[EvaluationProgress, ...]:
        evaluation_ids = list(dict.fromkeys(entry.evaluation_id for entry in led))
        return tuple(
            await asyncio.gather(*(self._overview(e) for e in evaluation_ids[:EVALUATIONS_SHOWN]))
        )

    async def _overview(self, evaluation_id: str) -> EvaluationProgress:
        try:
            return EvaluationProgress(evaluation_id, await self.evaluations.overview(evaluation_id))
        except PlatformError as exc:
            log.info("no overview of %s for the App Home: %s", evaluation_id, exc)
            return EvaluationProgress(evaluation_id)


def _tasks_to_json(group: EvaluationTasks) -> dict[str, Any]:
    return {
        "evaluation_id": group.evaluation_id,
        "tasks": [
            [t.id, t.status, t.expires_at.isoformat() if t.expires_at else None]
            for t in group.tasks
        ],
    }


def _tasks_from_json(item: dict[str, Any]) -> EvaluationTasks:
    tasks = tuple(
        OpenTask(str(i), s, datetime.fromisoformat(e) if e else None) for i, s, e in item["tasks"]
    )
    return EvaluationTasks(str(item["evaluation_id"]), tasks)


async def list_preview(index: HomeIndex, confirmation: Confirmation, token: str) -> None:
    """A preview waits on its requester's Home until answered or expired (best effort)."""
    try:
        await index.add_pending(
            confirmation.team_id, confirmation.requester_id, token, confirmation.expires_at
        )
    except StoreUnavailable:
        log.warning("could not list a preview on its requester's App Home")


async def list_job(index: HomeIndex, job: Job) -> None:
    """A submitted job is on its requester's Home at once, as queued (best effort)."""
    try:
        await index.add_unfinished(unfinished_entry(job))
    except StoreUnavailable:
        log.warning("could not list job %s on its requester's App Home", job.id)
