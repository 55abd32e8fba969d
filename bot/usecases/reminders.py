"""Reminders before assignments expire, and stalled work for the lead: the decisions.

A finished job schedules its tasks (`schedule`); the scheduler loop calls `run_due` every few
seconds; whatever is due is claimed by one process, read back from the platform's listing and
sent. Only the platform's task state and expiry count, never the bot's own messages.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from bot.core import reminders as core
from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.reminders import Digest, EvaluationDigest, StalledWork, Tracked, WatchedTask
from bot.core.tasks import ListedTask, PlatformError
from bot.store.confirmations import is_token_shaped
from bot.store.errors import StoreUnavailable
from bot.store.reminders import Due, ReminderStore
from bot.usecases.access import Access
from bot.usecases.ports import Platform, Reminders, TimeZones

log = logging.getLogger(__name__)

#: A member whose handling failed (platform or Slack down) is looked at again after this.
RETRY_AFTER: Final = timedelta(minutes=5)
#: "Remind again" sends at most once in this many seconds per job.
REMIND_AGAIN_SECONDS: Final = 600


@dataclass(frozen=True)
class ReminderConfig:
    #: How long before the earliest expiry a digest goes out; zero turns digests off.
    before: timedelta = timedelta(hours=24)
    #: How long a claimed schedule is this process's before another may take it.
    lease: timedelta = timedelta(minutes=2)
    #: Most schedules handled in one pass.
    batch: int = 50


class Listings:
    """Each evaluation's listing read at most once per pass."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._read: dict[str, list[ListedTask]] = {}

    async def of(self, evaluation_id: str) -> list[ListedTask]:
        if evaluation_id not in self._read:
            self._read[evaluation_id] = await self.platform.list_evaluation_tasks(evaluation_id)
        return self._read[evaluation_id]


class Reminding:
    def __init__(
        self,
        *,
        store: ReminderStore,
        platform: Platform,
        zones: TimeZones,
        reminders: Reminders,
        access: Access,
        clock: Callable[[], datetime],
        config: ReminderConfig,
    ) -> None:
        self.store = store
        self.platform = platform
        self.zones = zones
        self.reminders = reminders
        self.access = access
        self.clock = clock
        self.config = config

    @property
    def before(self) -> timedelta:
        return self.config.before

    # -- scheduling, when a job has finished -----------------------------------------------------

    async def schedule(self, job: Job, summary: Summary, permalink: str | None) -> None:
        """Schedule the digests of the job's assignees and the watch of its stalled work.

        Never raises: the assignment happened whatever becomes of its reminders.
        """
        now = self.clock()
        try:
            if self.before > timedelta(0):
                await self._track_people(job, summary, now)
            watch = core.watch_of(job, summary, permalink)
            if watch is not None:
                await self.store.watch(watch, min(t.expires_at for t in watch.tasks), now)
        except StoreUnavailable:
            log.warning("job %s: its reminders could not be scheduled (store unavailable)", job.id)

    async def _track_people(self, job: Job, summary: Summary, now: datetime) -> None:
        people: dict[str, list[Tracked]] = defaultdict(list)
        for task in core.assigned_tasks(summary):
            if task.slack_user_id:
                people[task.slack_user_id].append(task.tracked(summary.evaluation_id))
        for slack_user_id, tasks in people.items():
            due = min(task.expires_at for task in tasks) - self.before
            await self.store.track(job.confirmation.team_id, slack_user_id, tasks, due, now)

    # -- the scheduler's pass --------------------------------------------------------------------

    async def run_due(self) -> int:
        """Handle what is due now (each claimed by this process alone); how many were."""
        now = self.clock()
        claimed = await self.store.claim(now, self.config.lease, self.config.batch)
        listings = Listings(self.platform)
        for due in claimed:
            try:
                if due.kind == "p":
                    next_due = await self._person(due, now, listings)
                else:
                    next_due = await self._job(due.parts[0], now, listings)
            except (PlatformError, StoreUnavailable) as exc:
                log.warning("reminder %s: %s; trying again later", due.member, type(exc).__name__)
                next_due = now + RETRY_AFTER
            except Exception:
                log.exception("reminder %s failed; trying again later", due.member)
                next_due = now + RETRY_AFTER
            await self.store.finish(due, next_due)
        return len(claimed)

    async def _person(self, due: Due, now: datetime, listings: Listings) -> datetime | None:
        team_id, slack_user_id = due.parts
        tracked, covered = await self.store.person(team_id, slack_user_id)
        old = [task for task in tracked if core.forgettable(task, now)]
        await self.store.forget(team_id, slack_user_id, old)
        tracked = [task for task in tracked if task not in old]
        if self.before <= timedelta(0):
            return None
        due_now = core.due_evaluations(tracked, covered, now, self.before)
        if due_now:
            zone = await self.zones.zone_of(slack_user_id) or UTC
            if core.in_quiet_hours(now, zone):
                return core.after_quiet_hours(now, zone)
            tracked = await self._digest(team_id, slack_user_id, tracked, due_now, now, listings)
            _, covered = await self.store.person(team_id, slack_user_id)
        return core.next_due(tracked, covered, now, self.before)

    async def _digest(
        self,
        team_id: str,
        slack_user_id: str,
        tracked: list[Tracked],
        due_now: dict[str, datetime],
        now: datetime,
        listings: Listings,
    ) -> list[Tracked]:
        """Send one digest of the due evaluations; the tracked tasks still worth tracking."""
        parts: list[EvaluationDigest] = []
        gone: list[Tracked] = []
        for evaluation_id in due_now:
            mine = [task for task in tracked if task.evaluation_id == evaluation_id]
            still = core.still_open(mine, await listings.of(evaluation_id))
            open_ids = {task.task_id for task in still}
            gone.extend(task for task in mine if task.task_id not in open_ids)
            edge = core.window(still, None, now)
            if edge is None or edge - self.before > now:
                continue  # nothing open expires soon any more
            until = core.covers_until(now, self.before)
            if await self.store.cover(team_id, slack_user_id, evaluation_id, edge, until):
                parts.append(EvaluationDigest(evaluation_id, tuple(_by_expiry(still))))
        await self.store.forget(team_id, slack_user_id, gone)
        if parts:
            await self.reminders.send_digest(team_id, Digest(slack_user_id, tuple(parts), now))
        return [task for task in tracked if task not in gone]

    async def _job(self, job_id: str, now: datetime, listings: Listings) -> datetime | None:
        """The lead hears once about tasks of the job past their expiry (or within the window)."""
        watch = await self.store.watched(job_id)
        if watch is None:
            return None
        still = watch.open_tasks(await listings.of(watch.evaluation_id))
        if still and min(task.expires_at for task in still) > now:
            return min(task.expires_at for task in still)  # nothing has lapsed yet
        if still:
            stuck = tuple(task for task in still if task.expires_at <= now + self.before)
            work = StalledWork(watch=watch, stalled=stuck)
            if await self.store.claim_stalled(work):
                await self.reminders.post_stalled(work, now)
        await self.store.unwatch(job_id)
        return None

    # -- the stalled-work message's buttons ------------------------------------------------------

    async def told(self, job_id: str, clicker_id: str) -> StalledWork | None:
        """What the lead was told (None: no longer known); the requester or an admin only."""
        work = await self.store.stalled(job_id) if is_token_shaped(job_id) else None
        if work is None:
            return None
        self.access.check_may_answer(clicker_id, work.watch.requester_id, "act on this work")
        return work

    async def current(self, work: StalledWork) -> StalledWork:
        """The stalled tasks as they stand on the platform now: only those still open and
        with the same person (their expiry as listed)."""
        listed = await self.platform.list_evaluation_tasks(work.watch.evaluation_id)
        watch = work.watch.model_copy(update={"tasks": work.stalled})
        return work.model_copy(update={"stalled": watch.open_tasks(listed)})

    async def remind_again(self, work: StalledWork) -> list[str] | None:
        """A digest now to each person still holding stalled work; the Slack users reminded.

        None when a reminder for this job went out in the last few minutes.
        """
        if not await self.store.hold("again", work.watch.job_id, REMIND_AGAIN_SECONDS):
            return None
        now = self.clock()
        people: dict[str, list[Tracked]] = defaultdict(list)
        for task in work.stalled:
            if task.slack_user_id:
                people[task.slack_user_id].append(task.tracked(work.watch.evaluation_id))
        reminded: list[str] = []
        for slack_user_id, tasks in people.items():
            part = EvaluationDigest(work.watch.evaluation_id, tuple(_by_expiry(tasks)))
            digest = Digest(slack_user_id, (part,), now)
            if await self.reminders.send_digest(work.watch.team_id, digest):
                reminded.append(slack_user_id)
        return reminded


def _by_expiry(tasks: list[Tracked]) -> list[Tracked]:
    return sorted(tasks, key=lambda task: (task.expires_at, task.task_id))


__all__ = ["Listings", "ReminderConfig", "Reminding", "WatchedTask"]
