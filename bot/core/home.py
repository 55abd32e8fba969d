"""What the App Home shows, as values: finished jobs, open tasks, time left, pages. Pure.

The platform has no webhooks, so the Home is built from what the bot knows (the jobs it ran,
kept per person when each finishes) and what the platform says now (each evaluation's task
listing and overview).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from bot.core.audit import AuditedShare, audited_shares
from bot.core.confirmation import Confirmation
from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.plan import PENDING_STATUSES
from bot.core.readback import EvaluationOverview
from bot.core.tasks import ListedTask

#: Slack's limit of blocks in a Home tab view.
HOME_BLOCK_LIMIT: Final = 100
#: Blocks a page may hold besides the paging buttons and the page's header.
PAGE_BLOCKS: Final = HOME_BLOCK_LIMIT - 4

JobState = Literal["queued", "given_up", "assigned", "partial", "failed"]
#: Where a job is: waiting for (or with) a worker, reported, or abandoned after its retries.
JobPhase = Literal["queued", "done", "given_up"]
_PERMALINK_TS: Final = re.compile(r"/p(\d{10})(\d{6})(?:[?#]|$)")


class JobEntry(BaseModel):
    """One job as the Home lists it (kept per person involved, as long as the job): listed
    for its requester when submitted, replaced by the outcome when it finishes."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    job_id: str
    team_id: str
    requester_id: str
    channel_id: str
    #: The thread the request was made in; the summary is a reply there when set.
    thread_ts: str | None = None
    evaluation_id: str
    #: When it finished; for a job not finished yet, when it was submitted.
    finished_at: datetime
    requested: int
    assigned: int
    failed: int
    undo_id: str | None = None
    permalink: str | None = None
    assignees: tuple[AuditedShare, ...] = ()
    #: Entries written before phases existed were all finished ones.
    phase: JobPhase = "done"

    @property
    def state(self) -> JobState:
        if self.phase != "done":
            return self.phase
        if self.failed == 0:
            return "assigned"
        return "partial" if self.assigned > 0 else "failed"

    @property
    def summary_thread(self) -> str | None:
        """Where the summary's thread is: the request's thread, else the summary itself."""
        return self.thread_ts or summary_ts(self.permalink)

    def involves(self) -> tuple[str, ...]:
        """The Slack users whose Home this job changes: the requester, then the assignees."""
        people = [self.requester_id]
        people.extend(a.slack_user_id for a in self.assignees if a.slack_user_id)
        return tuple(dict.fromkeys(people))


def job_entry(job: Job, summary: Summary, undo_id: str | None, at: datetime) -> JobEntry:
    return _entry(
        job,
        at,
        audited_shares(summary),
        requested=summary.requested,
        assigned=summary.assigned,
        failed=summary.not_assigned,
        undo_id=undo_id,
    )


def unfinished_entry(job: Job, phase: JobPhase = "queued") -> JobEntry:
    """A job not finished (queued or running, or given up): what was asked, nothing counted."""
    confirmation = job.confirmation
    shares = tuple(
        AuditedShare(
            platform_user_id=share.assignee.platform_user_id,
            slack_user_id=share.assignee.slack_user_id,
            requested=len(share.task_ids),
            assigned=0,
        )
        for share in confirmation.shares
    )
    requested = confirmation.task_count
    return _entry(
        job, job.created_at, shares, requested=requested, assigned=0, failed=0, phase=phase
    )


def _entry(
    job: Job,
    at: datetime,
    shares: tuple[AuditedShare, ...],
    *,
    requested: int,
    assigned: int,
    failed: int,
    undo_id: str | None = None,
    phase: JobPhase = "done",
) -> JobEntry:
    """What every entry of a job says: whose it is, where, of which evaluation; then counts."""
    confirmation = job.confirmation
    return JobEntry(
        job_id=job.id,
        team_id=confirmation.team_id,
        requester_id=confirmation.requester_id,
        channel_id=confirmation.channel_id,
        thread_ts=confirmation.thread_ts,
        evaluation_id=confirmation.evaluation_id,
        finished_at=at,
        requested=requested,
        assigned=assigned,
        failed=failed,
        undo_id=undo_id,
        assignees=shares,
        phase=phase,
    )


def assigned_ids(summary: Summary) -> dict[str, tuple[str, ...]]:
    """Per Slack user, the task ids this job did assign them (what their Home may list)."""
    given: dict[str, list[str]] = {}
    for share in summary.shares:
        if share.assignee.slack_user_id:
            ids = given.setdefault(share.assignee.slack_user_id, [])
            ids.extend(outcome.task_id for outcome in share.outcomes if outcome.ok)
    return {user: tuple(ids) for user, ids in given.items() if ids}


def summary_ts(permalink: str | None) -> str | None:
    """A message's ts from its permalink (`.../p1700000000123456`), None when it has none."""
    found = _PERMALINK_TS.search(permalink or "")
    return f"{found.group(1)}.{found.group(2)}" if found else None


@dataclass(frozen=True)
class OpenTask:
    id: str
    status: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class EvaluationTasks:
    """A person's open tasks of one evaluation; `read` False: the listing could not be read."""

    evaluation_id: str
    tasks: tuple[OpenTask, ...] = ()
    read: bool = True


def open_tasks(
    listed: Iterable[ListedTask], platform_ids: Iterable[str], given: Iterable[str]
) -> tuple[OpenTask, ...]:
    """The tasks the bot gave this person that they still hold and that are still pending,
    the soonest to lapse first (no expiry last), ties in the listing's order."""
    holders, wanted = set(platform_ids), set(given)
    found = {
        task.id: OpenTask(task.id, task.status, task.assignment_expires_at)
        for task in listed
        if task.id in wanted and task.assignee_id in holders and task.status in PENDING_STATUSES
    }
    return tuple(
        sorted(found.values(), key=lambda t: (t.expires_at is None, t.expires_at or datetime.max))
    )


def time_left(expires_at: datetime | None, now: datetime) -> str:
    """ "3 h left", "2 d left", "lapsed 40 min ago"; "no expiry" when the platform sets none."""
    if expires_at is None:
        return "no expiry"
    seconds = int((expires_at - now).total_seconds())
    amount = abs(seconds)
    if amount < 3600:
        said = f"{max(1, amount // 60)} min"
    elif amount < 2 * 86400:
        said = f"{amount // 3600} h"
    else:
        said = f"{amount // 86400} d"
    return f"{said} left" if seconds >= 0 else f"lapsed {said} ago"


@dataclass(frozen=True)
class JobView:
    entry: JobEntry
    #: The job's Undo snapshot is still there to take.
    undo_available: bool = False
    #: Its failed tasks may still be retried (nobody pressed Retry failed yet).
    retry_available: bool = False
    #: Tasks a queued job has sent so far (None: not known, or none yet).
    done: int | None = None


@dataclass(frozen=True)
class PendingView:
    token: str
    confirmation: Confirmation


@dataclass(frozen=True)
class EvaluationProgress:
    evaluation_id: str
    overview: EvaluationOverview | None = None


@dataclass(frozen=True)
class HomeData:
    """Everything one person's Home shows; the lead parts are empty for an annotator."""

    user_id: str
    now: datetime
    app_host: str
    tasks: tuple[EvaluationTasks, ...] = ()
    jobs: tuple[JobView, ...] = ()
    pending: tuple[PendingView, ...] = ()
    evaluations: tuple[EvaluationProgress, ...] = field(default=())

    @property
    def is_lead(self) -> bool:
        return bool(self.jobs or self.pending or self.evaluations)


def paginate(sizes: Sequence[int], limit: int = PAGE_BLOCKS) -> list[tuple[int, int]]:
    """Items of these block counts cut into pages of at most `limit` blocks, never splitting
    an item: (first, end) item indexes of each page; always at least one page."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pages: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, size in enumerate(sizes):
        if size > limit:
            raise ValueError("an item larger than a page")
        if used + size > limit:
            pages.append((start, index))
            start, used = index, 0
        used += size
    pages.append((start, len(sizes)))
    return pages
