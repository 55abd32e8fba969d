"""Reminders and stalled work, decided from the platform's task state and expiry alone.

Pure: which of a person's tasks are still theirs and open, when their next digest is due, what it
says, when quiet hours push it, and which of a job's tasks have stalled. Nothing here looks at the
bot's own messages: "last activity" measured from them would reset itself with every reminder.

An evaluation's *window* for a person is the earliest expiry, later than now and than what an
earlier digest already covered, among their open tasks there. A digest is due `before` ahead of
it; sending one covers everything expiring up to `now + before`, so the next digest about that
evaluation waits for a task expiring after that: at most one digest per window.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Final

from pydantic import BaseModel, ConfigDict

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.tasks import ListedTask, TaskStatus

#: No digest goes out between these local times; one due then waits for the morning.
QUIET_FROM: Final = time(21, 0)
QUIET_UNTIL: Final = time(8, 0)
#: Statuses after which a task needs nobody any more.
DONE_STATUSES: Final = frozenset({TaskStatus.COMPLETED, TaskStatus.FIXED})
#: A tracked task this long past its expiry is forgotten: its assignment lapsed long ago.
FORGET_AFTER: Final = timedelta(days=7)

_PERMALINK_TS = re.compile(r"/p(\d{10})(\d{6})(?:[/?#]|$)")


@dataclass(frozen=True)
class Tracked:
    """A task the bot assigned, as the job that assigned it left it: who, and until when."""

    evaluation_id: str
    task_id: str
    platform_user_id: str
    expires_at: datetime


@dataclass(frozen=True)
class EvaluationDigest:
    """One evaluation's part of a digest: the person's open tasks there."""

    evaluation_id: str
    tasks: tuple[Tracked, ...]

    @property
    def earliest(self) -> datetime:
        return min(task.expires_at for task in self.tasks)


@dataclass(frozen=True)
class Digest:
    """One message to one person, grouped by evaluation."""

    slack_user_id: str
    parts: tuple[EvaluationDigest, ...]
    now: datetime

    @property
    def count(self) -> int:
        return sum(len(part.tasks) for part in self.parts)


class WatchedTask(BaseModel):
    """A task of a watched job: who got it (platform and Slack) and when it expires."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    platform_user_id: str
    slack_user_id: str | None = None
    expires_at: datetime

    def tracked(self, evaluation_id: str) -> Tracked:
        return Tracked(evaluation_id, self.task_id, self.platform_user_id, self.expires_at)


class JobWatch(BaseModel):
    """A finished job whose tasks are watched for stalling, and where its lead reads about it."""

    model_config = ConfigDict(frozen=True)

    job_id: str
    team_id: str
    requester_id: str
    channel_id: str
    thread_ts: str
    evaluation_id: str
    tasks: tuple[WatchedTask, ...]

    def open_tasks(self, listed: Iterable[ListedTask]) -> tuple[WatchedTask, ...]:
        """The tasks the listing shows open and still with whom the job gave them to."""
        still = still_open((task.tracked(self.evaluation_id) for task in self.tasks), listed)
        expiry = {task.task_id: task.expires_at for task in still}
        return tuple(
            task.model_copy(update={"expires_at": expiry[task.task_id]})
            for task in self.tasks
            if task.task_id in expiry
        )


class StalledWork(BaseModel):
    """What the lead was told had stalled, kept for the message's buttons."""

    model_config = ConfigDict(frozen=True)

    watch: JobWatch
    stalled: tuple[WatchedTask, ...]

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(task.task_id for task in self.stalled)

    @property
    def holders(self) -> tuple[WatchedTask, ...]:
        """One task per person holding stalled work, in the job's order."""
        seen: dict[str, WatchedTask] = {}
        for task in self.stalled:
            seen.setdefault(task.platform_user_id, task)
        return tuple(seen.values())

    @property
    def others(self) -> tuple[WatchedTask, ...]:
        """One task per person of the job's split holding none of the stalled work."""
        stuck = {task.platform_user_id for task in self.stalled}
        seen: dict[str, WatchedTask] = {}
        for task in self.watch.tasks:
            if task.platform_user_id not in stuck:
                seen.setdefault(task.platform_user_id, task)
        return tuple(seen.values())


def assigned_tasks(summary: Summary) -> list[WatchedTask]:
    """What a finished job gave whom, with the expiry its answer gave (none: nothing to watch)."""
    return [
        WatchedTask(
            task_id=task.id,
            platform_user_id=share.assignee.platform_user_id,
            slack_user_id=share.assignee.slack_user_id,
            expires_at=task.assignment_expires_at,
        )
        for share in summary.shares
        for task in share.assigned_tasks
        if task.assignment_expires_at is not None
    ]


def watch_of(job: Job, summary: Summary, permalink: str | None) -> JobWatch | None:
    """The job to watch for stalling; None when nothing expires or there is no thread to post in."""
    tasks = assigned_tasks(summary)
    confirmation = job.confirmation
    thread = summary_thread(permalink, confirmation.thread_ts)
    if not tasks or thread is None:
        return None
    return JobWatch(
        job_id=job.id,
        team_id=confirmation.team_id,
        requester_id=confirmation.requester_id,
        channel_id=confirmation.channel_id,
        thread_ts=thread,
        evaluation_id=summary.evaluation_id,
        tasks=tuple(tasks),
    )


def still_open(tracked: Iterable[Tracked], listed: Iterable[ListedTask]) -> list[Tracked]:
    """The tracked tasks the listing shows open and still with the person the bot gave them to.

    Completed, reassigned and vanished tasks drop out; the listing's expiry, when it has one, is
    the current one (an assignment renewed on the platform moves it).
    """
    by_id = {task.id: task for task in listed}
    kept: list[Tracked] = []
    for task in tracked:
        now_listed = by_id.get(task.task_id)
        if now_listed is None or now_listed.assignee_id != task.platform_user_id:
            continue
        if now_listed.status in DONE_STATUSES:
            continue
        expiry = now_listed.assignment_expires_at or task.expires_at
        kept.append(Tracked(task.evaluation_id, task.task_id, task.platform_user_id, expiry))
    return kept


def by_evaluation(tasks: Iterable[Tracked]) -> dict[str, list[Tracked]]:
    grouped: dict[str, list[Tracked]] = defaultdict(list)
    for task in tasks:
        grouped[task.evaluation_id].append(task)
    return dict(grouped)


def window(tasks: Iterable[Tracked], covered: datetime | None, now: datetime) -> datetime | None:
    """The earliest expiry after `now` and after what a digest already covered; None: none."""
    floor = max(now, covered) if covered is not None else now
    later = [task.expires_at for task in tasks if task.expires_at > floor]
    return min(later) if later else None


def due_evaluations(
    tasks: Iterable[Tracked],
    covered: Mapping[str, datetime],
    now: datetime,
    before: timedelta,
) -> dict[str, datetime]:
    """Evaluation -> its window, for the evaluations whose digest is due at `now`."""
    due: dict[str, datetime] = {}
    for evaluation_id, group in by_evaluation(tasks).items():
        edge = window(group, covered.get(evaluation_id), now)
        if edge is not None and edge - before <= now:
            due[evaluation_id] = edge
    return due


def next_due(
    tasks: Iterable[Tracked],
    covered: Mapping[str, datetime],
    now: datetime,
    before: timedelta,
) -> datetime | None:
    """When the person's next digest is due (maybe now), or None when none will be."""
    moments = [
        edge - before
        for evaluation_id, group in by_evaluation(tasks).items()
        if (edge := window(group, covered.get(evaluation_id), now)) is not None
    ]
    return min(moments) if moments else None


def covers_until(now: datetime, before: timedelta) -> datetime:
    """What a digest sent at `now` covers: every task expiring until then was in it."""
    return now + before


def forgettable(task: Tracked, now: datetime) -> bool:
    return task.expires_at < now - FORGET_AFTER


# --- quiet hours ------------------------------------------------------------------------------


def in_quiet_hours(moment: datetime, zone: tzinfo) -> bool:
    local = moment.astimezone(zone).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def after_quiet_hours(moment: datetime, zone: tzinfo) -> datetime:
    """`moment`, or the next 08:00 in `zone` when it falls in the person's night (UTC out)."""
    if not in_quiet_hours(moment, zone):
        return moment
    local = moment.astimezone(zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    morning = datetime.combine(day, QUIET_UNTIL, tzinfo=zone)
    return morning.astimezone(UTC)


# --- stalled work -----------------------------------------------------------------------------


def stalled(open_tasks: Iterable[Tracked], now: datetime, before: timedelta) -> list[Tracked]:
    """Open tasks past their expiry, or within `before` of it."""
    return [task for task in open_tasks if task.expires_at <= now + before]


def stalled_check_due(open_tasks: Sequence[Tracked], now: datetime) -> datetime | None:
    """When to look at a job again: its next expiry still ahead (None: nothing open is left)."""
    ahead = [task.expires_at for task in open_tasks if task.expires_at > now]
    return min(ahead) if ahead else None


def summary_thread(permalink: str | None, thread_ts: str | None) -> str | None:
    """The ts of the summary's thread: the request's thread, or the summary itself, read from
    its permalink (`.../archives/C123/p1700000000000100` is ts 1700000000.000100)."""
    if thread_ts:
        return thread_ts
    match = _PERMALINK_TS.search(permalink or "")
    return f"{match.group(1)}.{match.group(2)}" if match else None


# --- words ------------------------------------------------------------------------------------


def time_left(expiry: datetime, now: datetime) -> str:
    """`3 h 20 min`, `2 days 4 h`, `overdue by 1 h`: coarse, as a person reads it."""
    delta = expiry - now
    words = _duration(abs(delta))
    return words if delta >= timedelta(0) else f"overdue by {words}"


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{max(minutes, 1)} min"
