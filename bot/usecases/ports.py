"""The outside world as the use cases see it: narrow Protocols that tests replace with fakes.

The platform (bot.sgp's client implements `Platform`), Slack's directories of groups and emails,
the job board (bot.jobs), and the `Publisher` through which a job reports (bot.slack).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, tzinfo
from typing import Protocol

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.readback import EvaluationOverview
from bot.core.reminders import Digest, StalledWork
from bot.core.tasks import ChunkResult, ListedTask


class KeyOwner(Protocol):
    """Who the platform says the API key belongs to (`GET /user-info`)."""

    @property
    def organization_id(self) -> str | None: ...


class OrganizationUser(Protocol):
    """A platform user of the key's organization, as email matching reads one."""

    @property
    def id(self) -> str: ...

    @property
    def email(self) -> str | None: ...


class Platform(Protocol):
    """The platform calls the bot makes (see docs/architecture.md for their sources)."""

    @property
    def chunk_size(self) -> int: ...

    @property
    def concurrency(self) -> int: ...

    async def assign_chunk(
        self, evaluation_id: str, chunk: Sequence[str], assigned_to: str | None
    ) -> ChunkResult: ...

    async def assign_chunked(
        self, evaluation_id: str, task_ids: Sequence[str], assigned_to: str | None
    ) -> list[ChunkResult]: ...

    async def list_evaluation_tasks(self, evaluation_id: str) -> list[ListedTask]: ...

    def evaluation_task_pages(self, evaluation_id: str) -> AsyncIterator[list[ListedTask]]:
        """The listing a page at a time, for callers that keep only part of each page."""
        ...

    async def get_evaluation(self, evaluation_id: str) -> EvaluationOverview:
        """Name, status and counts (`GET /v4/evaluations/{id}`: the SDK's, not the spec's)."""
        ...

    async def get_user_info(self) -> KeyOwner: ...

    async def list_organization_users(self, organization_id: str) -> Sequence[OrganizationUser]: ...


class GroupsUnavailable(Exception):
    """A GroupDirectory could not answer (Slack down, scope missing): membership is unknown."""


class GroupDirectory(Protocol):
    """Members of a Slack user group, named by handle or id (implemented with Slack's API)."""

    async def members(self, group: str, team_id: str | None = None) -> frozenset[str]:
        """`team_id`: the workspace, which an org-wide install's token must name."""
        ...


class EmailDirectory(Protocol):
    """A Slack user's email address (implemented with Slack's users.info)."""

    async def email_of(self, slack_user_id: str) -> str | None:
        """The address, or None when there is none or it cannot be read (never raises)."""
        ...


class JobBoard(Protocol):
    """Where confirmed requests wait for a worker, and what a finished job left behind."""

    def new_id(self) -> str: ...

    async def enqueue(self, job: Job) -> None: ...

    async def job(self, job_id: str) -> Job | None: ...

    async def failed_task_ids(self, job_id: str) -> set[str]: ...

    async def claim_retry(self, job_id: str) -> bool: ...

    async def retry_claimed(self, job_id: str) -> bool: ...

    async def tasks_done(self, job_id: str) -> int: ...


class Publisher(Protocol):
    """How a job reports to people: progress, the outcome (once), or that it gave up."""

    def progress(self, job: Job) -> Callable[[int, int], Awaitable[None]]:
        """Called with (done, total) as chunks finish; it decides what is worth showing."""
        ...

    def waiting(self, job: Job) -> Callable[[float, str], Awaitable[None]]:
        """Called with (seconds, why) before the job waits because the platform asked it to
        (429 Retry-After...): the requester hears how long, alongside `progress(job)`."""
        ...

    async def publish(self, job: Job, summary: Summary, undo_id: str | None) -> str | None:
        """Summary, thread detail, DMs and the requester's final message; the permalink."""
        ...

    async def nothing_assigned(self, job: Job, summary: Summary) -> None:
        """Nothing changed on the platform: tell the requester why, keep the channel quiet."""
        ...

    async def give_up(self, job: Job, reason: str) -> None: ...


class TimeZones(Protocol):
    """A Slack user's time zone (users.info `tz` / `tz_offset`), for quiet hours."""

    async def zone_of(self, slack_user_id: str) -> tzinfo | None:
        """The zone, or None when it cannot be read (never raises)."""
        ...


class Reminders(Protocol):
    """How reminders reach people: an annotator's digest (a DM), the lead's stalled work."""

    async def send_digest(self, team_id: str, digest: Digest) -> bool:
        """True when Slack took the message."""
        ...

    async def post_stalled(self, work: StalledWork, now: datetime) -> bool:
        """One message in the summary's thread; True when Slack took it."""
        ...
