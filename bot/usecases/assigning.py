"""Assigning: request -> preview (a pending confirmation) -> confirm -> a job for the workers.

Knows nothing of Slack: a listener turns a payload into these calls and renders the result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.core import query as task_query
from bot.core.commands import Assign
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.form import Draft
from bot.core.job import Job, SurfaceRef
from bot.core.plan import IDS_LEFT_SHOWN, SplitNote, SplitRule, pending_loads, plan_split
from bot.core.query import Before, TaskChecks
from bot.core.requester import Requester
from bot.core.tasks import ListedTask
from bot.core.workflow import StepRef
from bot.metrics import Metrics
from bot.store.confirmations import ConfirmationStore, is_token_shaped
from bot.store.drafts import DraftStore
from bot.store.home import HomeIndex
from bot.usecases.access import Access
from bot.usecases.home import list_job, list_preview
from bot.usecases.listing import kept_listing, kept_within
from bot.usecases.people import People
from bot.usecases.ports import JobBoard, Platform
from bot.usecases.refusals import ConfirmationGone, NothingToPick, RetryGone, TooManyToPick

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
    #: Most tasks a query may pick (ASSIGN_MAX_PICKED_TASKS): `unassigned` beyond it is refused.
    max_picked: int = 100_000


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
        home: HomeIndex | None = None,
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
        self.home = home

    async def prepare(
        self,
        requester: Requester,
        command: Assign,
        note: str | None = None,
        *,
        check_seconds: float | None = None,
        step: StepRef | None = None,
    ) -> Pending:
        """Resolve who gets what and park it until the requester confirms.

        A query (`next 50`, `unassigned`) is run here, so the confirmation holds exactly the ids
        the preview shows. Typed ids are looked up in the task listing for the preview's
        warnings, within `check_seconds` (default `listing_seconds`); a listing that is slow
        or fails leaves the preview without warnings, saying it could not check. `step`: the
        Workflow Builder step that asked, which the job's outcome completes.
        """
        await self.access.check_may_assign(requester)
        assignees = await self.people.resolve(requester, command.assignees)
        listed, task_ids = await self._listing(command, assignees, check_seconds)
        shares, split = planned_shares(assignees, task_ids, command.split, listed)
        checks: TaskChecks = task_query.UNCHECKED
        before: Before | None = None
        if listed is not None:
            wanted = [(share.assignee.platform_user_id, share.task_ids) for share in shares]
            checks = task_query.check(listed, wanted)
            before = task_query.before_of(listed, wanted)
        confirmation = self._confirmation(requester, command, shares, checks, note, step)
        confirmation = confirmation.model_copy(update={"split": split, "before": before})
        ttl = self.config.confirmation_ttl_seconds
        token = await self.confirmations.put(confirmation, ttl)
        self.metrics.confirmation("created")
        if self.home is not None:  # listed on the requester's App Home until answered
            await list_preview(self.home, confirmation, token)
        return Pending(token=token, confirmation=confirmation)

    async def _listing(
        self, command: Assign, assignees: Sequence[Assignee], check_seconds: float | None
    ) -> tuple[list[ListedTask] | None, tuple[str, ...]]:
        """The part of the listing the preview needs (read page by page, the rest dropped as
        it comes), and the task ids: the query's pick, or the typed ones.

        A query's listing has no time limit (it is the request) and its errors are the
        request's; typed ids are looked up within `check_seconds` (None: could not check).
        """
        users = {assignee.platform_user_id for assignee in assignees}
        requested = frozenset(command.task_ids)

        def keep(task: ListedTask) -> bool:
            return task_query.worth_keeping(task, command.query, requested, users)

        if command.query is None:
            seconds = self.config.listing_seconds if check_seconds is None else check_seconds
            listed = await kept_within(self.platform, command.evaluation_id, seconds, keep)
            return listed, command.task_ids
        kept = await kept_listing(self.platform, command.evaluation_id, keep)
        task_ids = task_query.select(kept, command.query)
        if not task_ids:
            raise NothingToPick(command.evaluation_id, command.query)
        if len(task_ids) > self.config.max_picked:
            raise TooManyToPick(command.evaluation_id, len(task_ids), self.config.max_picked)
        return kept, task_ids

    def _confirmation(
        self,
        requester: Requester,
        command: Assign,
        shares: tuple[Share, ...],
        checks: TaskChecks,
        note: str | None,
        step: StepRef | None = None,
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
            step=step,
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
        if self.home is not None:  # on the requester's App Home as queued until it finishes
            await list_job(self.home, job)
        log.info(
            "job %s queued: evaluation=%s requester=%s tasks=%d",
            job.id,
            confirmation.evaluation_id,
            confirmation.requester_id,
            confirmation.task_count,
        )
        return job

    async def retry_failed(
        self, job_id: str, actor_id: str, channel_id: str, thread_ts: str | None
    ) -> Job:
        """A new job for the tasks whose requests failed, reporting into the summary's thread
        (`thread_ts` None: there is no summary; where the first job reported)."""
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
                "thread_ts": job.confirmation.thread_ts if thread_ts is None else thread_ts,
                "response_url": None,
                "shares": shares,
                "duplicates_dropped": 0,
                "step": None,  # the step was completed by the first job
                "created_at": now,
                "expires_at": now,
            }
        )
        return await self.submit(retry, SurfaceRef(), retry_of=job_id)


def planned_shares(
    assignees: Sequence[Assignee],
    task_ids: Sequence[str],
    rule: SplitRule,
    listed: Sequence[ListedTask] | None,
) -> tuple[tuple[Share, ...], SplitNote | None]:
    """The shares under `rule`, and what the preview says of them (None for the even default).

    A split by load reads each person's pending tasks in this evaluation from `listed`; when
    the listing could not be read, the split is even and the note says the loads are unknown.
    """
    loads: tuple[int, ...] | None = None
    if rule.by_load and listed is not None:
        user_ids = [assignee.platform_user_id for assignee in assignees]
        loads = pending_loads(listed, user_ids, task_ids)
    split = plan_split(task_ids, len(assignees), rule, loads)
    shares = tuple(
        Share(assignee=assignee, task_ids=ids)
        for assignee, ids in zip(assignees, split.shares, strict=True)
    )
    if rule.is_default:
        return shares, None
    note = SplitNote(
        rule=rule, loads=loads, left=len(split.left), left_ids=split.left[:IDS_LEFT_SHOWN]
    )
    return shares, note
