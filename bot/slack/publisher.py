"""The Slack side of a job's reporting (`bot.usecases.ports.Publisher`).

Progress and the final word go to the requester's surface (their ephemeral message or modal);
the outcome goes to the channel: summary, details in its thread, a DM to each assignee.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.readback import assignment_of, build_metadata
from bot.slack import blocks
from bot.slack.report import Reporter
from bot.slack.responder import Responder
from bot.slack.surfaces import Progress, surface_for


class SlackPublisher:
    def __init__(
        self, client: AsyncWebClient, csv_threshold: int, responder: Responder | None = None
    ) -> None:
        self.client = client
        self.responder = responder or Responder()
        self.csv_threshold = csv_threshold

    def progress(self, job: Job) -> Callable[[int, int], Awaitable[None]]:
        return Progress(surface_for(job.surface, self.client, self.responder), job.confirmation)

    async def publish(self, job: Job, summary: Summary, undo_id: str | None) -> str | None:
        confirmation = job.confirmation
        publication = await Reporter(self.client, self.csv_threshold, job.id).publish(
            summary,
            confirmation.channel_id,
            confirmation.thread_ts,
            retry_job_id=job.id,
            undo_id=undo_id,
        )
        surface = surface_for(job.surface, self.client, self.responder)
        await surface.show(
            blocks.result_blocks(summary, publication),
            blocks.summary_text(summary),
            metadata=build_metadata(assignment_of(summary, job.id, "result")),
        )
        return publication.permalink

    async def nothing_assigned(self, job: Job, summary: Summary) -> None:
        surface = surface_for(job.surface, self.client, self.responder)
        await surface.show(blocks.failure_blocks(summary), "Nothing was assigned.")

    async def give_up(self, job: Job, reason: str) -> None:
        surface = surface_for(job.surface, self.client, self.responder)
        await surface.show(blocks.error_blocks(reason), reason)
