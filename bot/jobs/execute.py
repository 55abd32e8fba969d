"""Executing one claimed job: undo snapshot, chunks, then the outcome reported exactly once.

The web process only takes the confirmation and queues it, so a click is answered at once and
the work survives a restart. Whichever worker claims the job runs this: it knows the order of
the steps, and reports through the `Publisher` port, which the Slack side implements.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.metrics import Metrics
from bot.sgp.retry import WaitNotice
from bot.store.errors import StoreUnavailable
from bot.usecases.audit import Auditing
from bot.usecases.home import Home
from bot.usecases.ports import Publisher
from bot.usecases.undo import Undoing

log = logging.getLogger(__name__)

#: How often a worker waiting on another's publication lease looks again.
PUBLICATION_POLL_SECONDS = 0.25
#: How many of the team's latest audit records a successor reads for its job's.
AUDIT_LOOKBACK = 50

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
        home: Home | None = None,
    ) -> None:
        self.records = records
        self.runner = runner
        self.undo = undo
        self.audit = audit
        self.publisher = publisher
        self.metrics = metrics
        self.lease_ms = lease_ms
        self.home = home

    async def __call__(self, job: Job, deliveries: int) -> None:
        if deliveries > 1:
            log.info("job %s: taking over (delivery %d)", job.id, deliveries)
        try:
            undo_id, recorded = await self._snapshot(job)
            progress = self.publisher.progress(job)
            waits = _logged(job, self.publisher.waiting(job))
            summary = await self.runner.run(job, progress, on_wait=waits, recorded=recorded)
            await self._report(job, summary, undo_id)
        except Exception:
            self.metrics.job_errored()
            raise

    async def _snapshot(self, job: Job) -> tuple[str | None, dict[int, dict[str, Any]]]:
        """Who had each task before, for Undo: taken once, before the job's first chunk; and
        the chunks recorded so far, read with it.

        A worker taking the job over reuses it; if chunks ran without one (the first worker
        died in between), the platform's state is no longer "before", so there is no Undo.
        """
        known, recorded = await self.records.start_of(job.id)
        if known is not None:
            return known or None, recorded
        if recorded:
            return None, recorded
        undo_id = await self.undo.snapshot(job.confirmation)
        await self.records.set_undo(job.id, undo_id)
        return undo_id, recorded

    async def _report(self, job: Job, summary: Summary, undo_id: str | None) -> None:
        """Exactly once across workers, whatever moment a worker dies at.

        The publication is a lease held (and renewed) by the reporting worker; one taking the
        job over waits for a live holder to finish, or for a dead one's lease to lapse, then
        does only the steps not recorded as done (the publisher looks in Slack for a post its
        predecessor made but did not record).
        """
        owner = self.runner.owner
        if not await self._await_publication(job, owner):
            log.info("job %s: already reported", job.id)
            return
        renewing = asyncio.create_task(self._keep_publication(job.id, owner))
        try:
            await self._report_steps(job, summary, undo_id)
        finally:
            renewing.cancel()
        with contextlib.suppress(StoreUnavailable):
            await self.records.release_publication(job.id, owner)

    async def _await_publication(self, job: Job, owner: str) -> bool:
        """True once this worker holds the publication lease; False when it was reported."""
        while not await self.records.claim_publication(job.id, owner, self.lease_ms):
            if await self.records.publication(job.id) is not None:
                return False
            await asyncio.sleep(PUBLICATION_POLL_SECONDS)
        return True

    async def _keep_publication(self, job_id: str, owner: str) -> None:
        while True:
            await asyncio.sleep(self.lease_ms / 3000)
            try:
                if not await self.records.renew_publication(job_id, owner, self.lease_ms):
                    log.warning("job %s: publication lease lapsed; taking it again", job_id)
                    await self.records.claim_publication(job_id, owner, self.lease_ms)
            except StoreUnavailable:
                continue

    async def _report_steps(self, job: Job, summary: Summary, undo_id: str | None) -> None:
        # Counted once, and indexed for the App Home before anyone is told: side by side, as
        # neither needs the other (a 10,000-task job's index is one large write).
        done, _ = await asyncio.gather(
            self._count(job, summary), self._index(job, summary, undo_id)
        )
        permalink: str | None = None
        if summary.assigned == 0:
            await self.publisher.nothing_assigned(job, summary)
        else:
            permalink = await self.publisher.publish(job, summary, undo_id)
        await self._audit(job, summary, permalink, done.get("audit"))
        await self.records.mark_published(
            job.id, {"permalink": permalink, "posted": summary.assigned > 0}
        )

    async def _count(self, job: Job, summary: Summary) -> dict[str, str]:
        """The reporting steps done so far; the job's figures counted in the metrics once."""
        done = await self.records.steps(job.id)
        if "counted" not in done:
            self.metrics.job_finished(summary.assigned, summary.not_assigned)
            await self.records.mark_step(job.id, "counted")
        return done

    async def _index(self, job: Job, summary: Summary, undo_id: str | None) -> None:
        if self.home is not None:
            await self.home.job_finished(job, summary, undo_id)

    async def _audit(
        self, job: Job, summary: Summary, permalink: str | None, step: str | None
    ) -> None:
        """One audit record: "pending" first, so a successor checks the stream before adding."""
        if step == "done":
            return
        confirmation = job.confirmation
        if step == "pending" and await self._audited(job, permalink):
            await self.records.mark_step(job.id, "audit", "done")
            return
        await self.records.mark_step(job.id, "audit", "pending")
        await self.audit.record(confirmation, summary, permalink=permalink)
        await self.records.mark_step(job.id, "audit", "done")

    async def _audited(self, job: Job, permalink: str | None) -> bool:
        """Did the worker that died append this job's record? (its permalink is the job's)"""
        confirmation = job.confirmation
        try:
            latest = await self.audit.store.latest(confirmation.team_id, AUDIT_LOOKBACK)
        except StoreUnavailable:
            return False
        return any(
            record.evaluation_id == confirmation.evaluation_id
            and record.requester_id == confirmation.requester_id
            and record.permalink == permalink
            and record.at >= job.created_at
            for record in latest
        )

    async def give_up(self, job: Job) -> None:
        """The job kept failing: tell the requester rather than leave "Assigning..." forever."""
        self.metrics.job_given_up()
        if self.home is not None:
            await self.home.job_given_up(job)
        await self.publisher.give_up(job, CRASHED)


def _logged(job: Job, tell: Callable[[float, str], Awaitable[None]]) -> WaitNotice:
    """Each wait the platform asks for, logged, then shown to the requester (`Publisher`)."""

    async def waiting(seconds: float, why: str) -> None:
        log.info(
            "job %s: the platform answered %s; waiting %.1f s before retrying", job.id, why, seconds
        )
        await tell(seconds, why)

    return waiting
