"""Running a confirmed request: queued as a job, run and reported by whichever worker claims it.

The web process only takes the confirmation and queues it, so a click is answered at once and
the work survives a restart. The worker runs the chunks (bot/runner.py), shows progress on the
requester's surface, and reports exactly once: summary, thread detail, DMs, audit record.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.runner import JobRunner
from bot.service import AssignService
from bot.slack import blocks
from bot.slack.publication import Publication
from bot.slack.report import Reporter
from bot.slack.surfaces import AnySurface, Progress, surface_for
from bot.store.jobs import JobStore

log = logging.getLogger(__name__)

CRASHED = (
    "The bot failed while assigning; some tasks may have been assigned. "
    "Check the evaluation before trying again."
)


class JobProcessor:
    """What a worker does with one job it claimed."""

    def __init__(
        self,
        *,
        service: AssignService,
        jobs: JobStore,
        runner: JobRunner,
        client: AsyncWebClient,
        csv_threshold: int,
        lease_ms: int,
    ) -> None:
        self.service = service
        self.jobs = jobs
        self.runner = runner
        self.client = client
        self.csv_threshold = csv_threshold
        self.lease_ms = lease_ms

    async def __call__(self, job: Job, deliveries: int) -> None:
        if deliveries > 1:
            log.info("job %s: taking over (delivery %d)", job.id, deliveries)
        surface = surface_for(job.surface, self.client)
        try:
            undo_id = await self._snapshot(job)
            summary = await self.runner.run(job, Progress(surface, job.confirmation))
            await self._report(job, summary, surface, undo_id)
        except Exception:
            self.service.metrics.job_errored()
            raise

    async def _snapshot(self, job: Job) -> str | None:
        """Who had each task before, for Undo: taken once, before the job's first chunk.

        A worker taking the job over reuses it; if chunks ran without one (the first worker
        died in between), the platform's state is no longer "before", so there is no Undo.
        """
        known = await self.jobs.undo(job.id)
        if known is not None:
            return known or None
        if await self.jobs.recorded_chunks(job.id):
            return None
        undo_id = await self.service.snapshot(job.confirmation)
        await self.jobs.set_undo(job.id, undo_id)
        return undo_id

    async def _report(
        self, job: Job, summary: Summary, surface: AnySurface, undo_id: str | None
    ) -> None:
        """Exactly once across workers: the first to claim the publication reports."""
        if not await self.jobs.claim_publication(job.id, self.runner.owner, self.lease_ms):
            log.info("job %s: already reported", job.id)
            return
        self.service.metrics.job_finished(summary.assigned, summary.not_assigned)
        confirmation = job.confirmation
        if summary.assigned == 0:
            # Nothing changed on the platform: tell the requester why, keep the channel quiet.
            await self.service.record(confirmation, summary, permalink=None)
            await self.jobs.mark_published(job.id, {"posted": False})
            await surface.show(blocks.failure_blocks(summary), "Nothing was assigned.")
            return
        reporter = Reporter(self.client, self.csv_threshold)
        publication = Publication()
        try:
            publication = await reporter.publish(
                summary,
                confirmation.channel_id,
                confirmation.thread_ts,
                retry_job_id=job.id,
                undo_id=undo_id,
            )
        finally:  # recorded even when publishing broke half-way: the tasks are assigned
            await self.jobs.mark_published(job.id, {"permalink": publication.permalink})
            await self.service.record(confirmation, summary, permalink=publication.permalink)
        await surface.show(blocks.result_blocks(summary, publication), blocks.summary_text(summary))

    async def give_up(self, job: Job) -> None:
        """The job kept failing: tell the requester rather than leave "Assigning..." forever."""
        self.service.metrics.job_given_up()
        await surface_for(job.surface, self.client).show(blocks.error_blocks(CRASHED), CRASHED)
