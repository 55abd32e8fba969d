"""The Slack side of a job's reporting (`bot.usecases.ports.Publisher`).

Progress and the final word go to the requester's surface (their ephemeral message or modal);
the outcome goes to the channel: summary, a DM to each assignee, details in the summary's thread
(after the final word, which links to the summary and does not wait for a long CSV upload).

With `steps` (the job's records), each of those is recorded as done once Slack took it, so a
worker that takes the job over does only what is left (`bot.slack.reporting.summary.Ledger`).
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.job import Job, SurfaceRef
from bot.core.outcome import Summary
from bot.core.readback import assignment_of, build_metadata
from bot.slack import blocks
from bot.slack.listeners.home import HomeRefresher
from bot.slack.reporting.summary import Ledger, Reporter
from bot.slack.reporting.surfaces import (
    AnySurface,
    Fallback,
    NoSurface,
    Progress,
    ResponseUrlSurface,
    surface_for,
)
from bot.slack.responder import Responder

LOST = (
    "I lost track of your request to assign {tasks} tasks of {evaluation}: the bot's store was "
    "reset before it finished. Some tasks may have been assigned: check the evaluation, then run "
    "the command again for what is missing."
)


class JobSteps(Protocol):
    """The reporting steps of a job (`bot.jobs.records.JobRecords`)."""

    async def steps(self, job_id: str) -> dict[str, str]: ...

    async def mark_step(self, job_id: str, step: str, value: str = "1") -> None: ...


class SlackPublisher:
    def __init__(
        self,
        client: AsyncWebClient,
        csv_threshold: int,
        responder: Responder | None = None,
        home: HomeRefresher | None = None,
        steps: JobSteps | None = None,
    ) -> None:
        self.client = client
        self.responder = responder or Responder()
        self.csv_threshold = csv_threshold
        self.home = home
        self.steps = steps
        self._watching: weakref.WeakValueDictionary[str, Progress] = weakref.WeakValueDictionary()

    def _surface(self, job: Job) -> AnySurface:
        return surface_for(job.surface, self.client, self.responder, job.confirmation)

    async def _ledger(self, job: Job) -> Ledger:
        """What was done of this job's reporting; a second start means a takeover."""
        if self.steps is None:
            return Ledger()
        steps = self.steps
        done = await steps.steps(job.id)

        async def mark(step: str, value: str) -> None:
            await steps.mark_step(job.id, step, value)

        ledger = Ledger(
            done=done,
            mark=mark,
            resuming="started" in done,
            # The newest messages are read, not a time window: Slack's ts and this clock may
            # disagree, and a takeover comes within minutes of the posts it looks for.
            since=0.0,
        )
        if not ledger.resuming:
            await ledger.record("started")
        return ledger

    async def _final(
        self,
        job: Job,
        ledger: Ledger,
        content: blocks.Blocks,
        text: str,
        *,
        metadata: dict[str, Any] | None = None,
        unseen: bool = False,
    ) -> None:
        """The requester's last word, once. `unseen`: the channel did not get it either, so a
        job with no surface of its own (a retry) tells the requester where they asked, or in
        a direct message: a failed id's "Retry failed" button always reaches them."""
        if "result" in ledger.done:
            return
        surface = self._surface(job)
        if isinstance(surface, NoSurface) and unseen:
            confirmation = job.confirmation
            fallback = Fallback(
                self.client,
                confirmation.channel_id,
                confirmation.requester_id,
                confirmation.thread_ts,
            )
            await fallback.show(content, text, metadata)
        else:
            await surface.show(content, text, metadata=metadata)
        await ledger.record("result")

    def progress(self, job: Job) -> Callable[[int, int], Awaitable[None]]:
        return self._progress(job)

    def waiting(self, job: Job) -> Callable[[float, str], Awaitable[None]]:
        """The wait notices go through the job's `Progress`: one budget, one "done" count."""
        return self._progress(job).wait

    def _progress(self, job: Job) -> Progress:
        """The job's Progress while anything holds it (the runner does for the job's run)."""
        progress = self._watching.get(job.id)
        if progress is None:
            progress = Progress(self._surface(job), job.confirmation)
            self._watching[job.id] = progress
        return progress

    async def publish(self, job: Job, summary: Summary, undo_id: str | None) -> str | None:
        """Summary and DMs, then the requester's result, then the thread's detail and the App
        Home: the requester hears as soon as there is a summary to link to."""
        confirmation = job.confirmation
        ledger = await self._ledger(job)
        reporter = Reporter(self.client, self.csv_threshold, job.id)
        publication = await reporter.publish(
            summary,
            confirmation.channel_id,
            confirmation.thread_ts,
            retry_job_id=job.id,
            undo_id=undo_id,
            ledger=ledger,
        )
        await self._final(
            job,
            ledger,
            blocks.result_blocks(summary, publication, retry_job_id=job.id),
            blocks.summary_text(summary),
            metadata=build_metadata(assignment_of(summary, job.id, "result")),
            unseen=not publication.summary_posted,
        )
        await reporter.details(summary, confirmation.channel_id, confirmation.thread_ts, ledger)
        if self.home is not None:  # everyone the job involves sees their App Home again
            await self.home.after(job, publication.permalink)
        return publication.permalink

    async def nothing_assigned(self, job: Job, summary: Summary) -> None:
        ledger = await self._ledger(job)
        await self._final(
            job, ledger, blocks.failure_blocks(summary), "Nothing was assigned.", unseen=True
        )
        if self.home is not None:
            await self.home.after(job, None)

    async def give_up(self, job: Job, reason: str) -> None:
        await self._surface(job).show(blocks.error_blocks(reason), reason)

    async def lost(self, job_id: str, fields: dict[str, str]) -> None:
        """A job whose record vanished with Redis: tell the requester what is still known."""
        try:
            ref = SurfaceRef.model_validate_json(fields.get("surface") or "{}")
        except ValueError:
            ref = SurfaceRef()
        tasks = fields.get("tasks") or "some"
        evaluation = fields.get("evaluation") or "the evaluation"
        reason = LOST.format(tasks=tasks, evaluation=evaluation)
        user, channel = fields.get("requester"), fields.get("channel")
        surface = surface_for(ref, self.client, self.responder)
        if user and channel and ref.kind == "response_url" and ref.response_url:
            fallback = Fallback(self.client, channel, user, fields.get("thread") or None)
            surface = ResponseUrlSurface(ref.response_url, self.responder, fallback)
        elif user and channel and ref.kind == "none":
            await Fallback(self.client, channel, user, fields.get("thread") or None).show(
                blocks.error_blocks(reason), reason, None
            )
            return
        await surface.show(blocks.error_blocks(reason), reason)
