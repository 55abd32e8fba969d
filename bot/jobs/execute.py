"""Executing one claimed job: undo snapshot, chunks, then the outcome reported exactly once.

The web process only takes the confirmation and queues it, so a click is answered at once and
the work survives a restart. Whichever worker claims the job runs this: it knows the order of
the steps, and reports through the `Publisher` port, which the Slack side implements.
"""

from __future__ import annotations

import logging
from typing import Final

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.metrics import Metrics
from bot.usecases.audit import Auditing
from bot.usecases.ports import Publisher
from bot.usecases.undo import Undoing

log = logging.getLogger(__name__)

CRASHED: Final = (
    "The bot failed while assigning; some tasks may have been assigned. "
    "Check the evaluation before trying again."
)


class JobExecution:
    """What a worker does with one job it claimed."""

    def __init__(
        self,
        *,
        records: JobRecords,
        runner: JobRunner,
        undo: Undoing,
        audit: Auditing,
        publisher: Publisher,
        metrics: Metrics,
        lease_ms: int,
    ) -> None:
        self.records = records
        self.runner = runner
        self.undo = undo
        self.audit = audit
        self.publisher = publisher
        self.metrics = metrics
        self.lease_ms = lease_ms

    async def __call__(self, job: Job, deliveries: int) -> None:
        if deliveries > 1:
            log.info("job %s: taking over (delivery %d)", job.id, deliveries)
        try:
            undo_id = await self._snapshot(job)
            summary = await self.runner.run(job, self.publisher.progress(job))
            await self._report(job, summary, undo_id)
        except Exception:
            self.metrics.job_errored()
            raise

    async def _snapshot(self, job: Job) -> str | None:
        """Who had each task before, for Undo: taken once, before the job's first chunk.

        A worker taking the job over reuses it; if chunks ran without one (the first worker
        died in between), the platform's state is no longer "before", so there is no Undo.
        """
        known = await self.records.undo(job.id)
        if known is not None:
            return known or None
        if await self.records.recorded_chunks(job.id):
            return None
        undo_id = await self.undo.snapshot(job.confirmation)
        await self.records.set_undo(job.id, undo_id)
        return undo_id

    async def _report(self, job: Job, summary: Summary, undo_id: str | None) -> None:
        """Exactly once across workers: the first to claim the publication reports."""
        if not await self.records.claim_publication(job.id, self.runner.owner, self.lease_ms):
            log.info("job %s: already reported", job.id)
            return
        self.metrics.job_finished(summary.assigned, summary.not_assigned)
        confirmation = job.confirmation
        if summary.assigned == 0:
            await self.audit.record(confirmation, summary, permalink=None)
            await self.records.mark_published(job.id, {"posted": False})
            await self.publisher.nothing_assigned(job, summary)
            return
        permalink: str | None = None
        try:
            permalink = await self.publisher.publish(job, summary, undo_id)
        finally:  # recorded even when publishing broke half-way: the tasks are assigned
            await self.records.mark_published(job.id, {"permalink": permalink})
            await self.audit.record(confirmation, summary, permalink=permalink)

    async def give_up(self, job: Job) -> None:
        """The job kept failing: tell the requester rather than leave "Assigning..." forever."""
        self.metrics.job_given_up()
        await self.publisher.give_up(job, CRASHED)
