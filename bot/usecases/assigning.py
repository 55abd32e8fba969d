"""Assigning: request -> preview (a pending confirmation) -> confirm -> a job for the workers.

Knows nothing of Slack: a listener turns a payload into these calls and renders the result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.core import query as task_query
from bot.core.commands import Assign
from bot.core.confirmation import Confirmation, Share, even_shares
from bot.core.form import Draft
from bot.core.job import Job, SurfaceRef
from bot.core.query import TaskChecks
from bot.core.requester import Requester
from bot.core.tasks import ListedTask
from bot.metrics import Metrics
from bot.store.confirmations import ConfirmationStore, is_token_shaped
from bot.store.drafts import DraftStore
from bot.usecases.access import Access
from bot.usecases.listing import listing_within
from bot.usecases.people import People
from bot.usecases.ports import JobBoard, Platform
from bot.usecases.refusals import ConfirmationGone, NothingToPick, RetryGone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    token: str
    confirmation: Confirmation


@dataclass(frozen=True)
class AssigningConfig:
    confirmation_ttl_seconds: int = 900
    #: Bounds the task listing read for a preview's warnings: it must never hold a request up.
    listing_seconds: float = 5.0


class Assigning:
    def __init__(
        self,
        *,
        access: Access,
        people: People,
        platform: Platform,
        confirmations: ConfirmationStore,
        drafts: DraftStore,
        jobs: JobBoard,
        metrics: Metrics,
        clock: Callable[[], datetime],
        config: AssigningConfig,
    ) -> None:
        self.access = access
        self.people = people
        self.platform = platform
        self.confirmations = confirmations
        self.drafts = drafts
        self.jobs = jobs
        self.metrics = metrics
        self.clock = clock
        self.config = config

    async def prepare(
        self,
        requester: Requester,
        command: Assign,
        note: str | None = None,
        *,
        check_seconds: float | None = None,
    ) -> Pending:
        """Resolve who gets what and park it until the requester confirms.

        A query (`next 50`, `unassigned`) is run here, so the confirmation holds exactly the ids
        the preview shows. Typed ids are looked up in the task listing for the preview's
        warnings, within `check_seconds` (default `listing_seconds`); a listing that is slow
        or fails leaves the preview without warnings, saying it could not check.
        """
        await self.access.check_may_assign(requester)
        assignees = await self.people.resolve(requester, command.assignees)
        task_ids = command.task_ids
        if command.query is not None:
            listed: list[ListedTask] | None = await self.platform.list_evaluation_tasks(
                command.evaluation_id
            )
            task_ids = task_query.select(listed or [], command.query)
            if not task_ids:
                raise NothingToPick(command.evaluation_id, command.query)
        else:
            seconds = self.config.listing_seconds if check_seconds is None else check_seconds
            listed = await listing_within(self.platform, command.evaluation_id, seconds)
        shares = even_shares(assignees, task_ids)
        checks: TaskChecks = task_query.UNCHECKED
        if listed is not None:
            checks = task_query.check(
                listed, [(share.assignee.platform_user_id, share.task_ids) for share in shares]
            )
        confirmation = self._confirmation(requester, command, shares, checks, note)
        ttl = self.config.confirmation_ttl_seconds
        token = await self.confirmations.put(confirmation, ttl)
        self.metrics.confirmation("created")
        return Pending(token=token, confirmation=confirmation)

    def _confirmation(
        self,
        requester: Requester,
        command: Assign,
        shares: tuple[Share, ...],
        checks: TaskChecks,
        note: str | None,
    ) -> Confirmation:
        now = self.clock()
        return Confirmation(
            team_id=requester.team_id,
            requester_id=requester.user_id,
            channel_id=requester.channel_id,
            thread_ts=requester.thread_ts,
            response_url=requester.response_url,
            evaluation_id=command.evaluation_id,
            shares=shares,
            duplicates_dropped=command.duplicates_dropped,
            note=note,
            query=command.query,
            checks=checks,
            created_at=now,
            expires_at=now + timedelta(seconds=self.config.confirmation_ttl_seconds),
        )

    async def save_draft(self, key: str, draft: Draft) -> None:
        """Remember where a modal form was opened (its private_metadata carries `key`)."""
        await self.drafts.put(key, draft)

    async def draft(self, key: str) -> Draft | None:
        return await self.drafts.get(key)

    async def confirm(self, token: str, clicker_id: str) -> Confirmation:
        return await self._take(token, clicker_id, "confirmed")

    async def cancel(self, token: str, clicker_id: str) -> Confirmation:
        return await self._take(token, clicker_id, "cancelled")

    async def _take(
        self, token: str, clicker_id: str, ending: Literal["confirmed", "cancelled"]
    ) -> Confirmation:
        pending = await self.confirmations.peek(token)
        if pending is None:
            raise await self._gone(token)
        self.access.check_may_answer(clicker_id, pending.requester_id)
        taken = await self.confirmations.take(token, ending)
        if taken is None:  # another click or process won the race
            raise await self._gone(token)
        self.metrics.confirmation(ending)
        return taken

    async def _gone(self, token: str) -> ConfirmationGone:
        """Why a confirmation cannot be taken; no known ending means it expired (counted)."""
        ending = await self.confirmations.ending(token)
        if ending is None:
            self.metrics.confirmation("expired")
        return ConfirmationGone(ending)

    async def submit(
        self, confirmation: Confirmation, surface: SurfaceRef, retry_of: str | None = None
    ) -> Job:
        """Hand a confirmed request to the workers; whichever claims it runs it."""
        job = Job(
            id=self.jobs.new_id(),
            confirmation=confirmation,
            surface=surface,
            created_at=self.clock(),
            retry_of=retry_of,
        )
        await self.jobs.enqueue(job)
        self.metrics.job_enqueued()
        log.info(
            "job %s queued: evaluation=%s requester=%s tasks=%d",
            job.id,
            confirmation.evaluation_id,
            confirmation.requester_id,
            confirmation.task_count,
        )
        return job

    async def retry_failed(
        self, job_id: str, actor_id: str, channel_id: str, thread_ts: str
    ) -> Job:
        """A new job for the tasks whose requests failed, reporting into the summary's thread."""
        job = await self.jobs.job(job_id) if is_token_shaped(job_id) else None
        if job is None:
            raise RetryGone(already=False)
        self.access.check_may_answer(actor_id, job.confirmation.requester_id)
        failed = await self.jobs.failed_task_ids(job_id)
        shares = tuple(
            Share(assignee=share.assignee, task_ids=ids)
            for share in job.confirmation.shares
            if (ids := tuple(i for i in share.task_ids if i in failed))
        )
        if not shares:
            raise RetryGone(already=False)
        if not await self.jobs.claim_retry(job_id):
            raise RetryGone(already=True)
        now = self.clock()
        retry = job.confirmation.model_copy(
            update={
                "requester_id": actor_id,
                "channel_id": channel_id,
                "thread_ts": thread_ts,
                "response_url": None,
                "shares": shares,
                "duplicates_dropped": 0,
                "created_at": now,
                "expires_at": now,
            }
        )
        return await self.submit(retry, SurfaceRef(), retry_of=job_id)
