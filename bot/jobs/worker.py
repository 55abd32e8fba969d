"""The worker loop: take jobs from the stream, keep their leases, stop cleanly on SIGTERM.

Several workers (in the web processes or on their own) share one Redis; whichever claims a job
runs it. A worker runs several jobs at once (`max_jobs`, more than the platform's slots): a job
confirmed while big ones run starts at once, and the client hands the platform's slots to the
running jobs in turn (`bot.sgp.gate`), so its chunks do not queue behind theirs.

A worker that stops hands its unfinished jobs back so another takes them at once; one
that dies leaves them to be taken over when their lease runs out.

Never silently stuck: a lost stream or group is recreated (`JobQueue`), any other error is
logged and backed off from, and a job that meets an unreachable Redis pauses and goes on when it
answers. The worker keeps a heartbeat in Redis and knows when it last made progress, so /healthz
can say when it has not within its lease (`stalled`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.core.job import Job
from bot.draining import finish_or_cancel
from bot.jobs.queue import ClaimedJob, JobQueue
from bot.logs import bind_job_id
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

ProcessJob = Callable[[Job, int], Coroutine[Any, Any, None]]

#: A job delivered this many times without finishing is given up rather than retried forever.
MAX_DELIVERIES = 5
#: Waits after a failed round of the loop: short first, at most the last.
BACKOFF_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0)


def consumer_name() -> str:
    """Unique per process, readable in XINFO: host, pid and a random suffix."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class Worker:
    def __init__(
        self,
        jobs: JobQueue,
        process: ProcessJob,
        *,
        consumer: str | None = None,
        lease_ms: int = 30_000,
        block_ms: int = 1_000,
        max_jobs: int = 8,
        give_up: Callable[[Job], Awaitable[None]] | None = None,
    ) -> None:
        self.jobs = jobs
        self.process = process
        self.consumer = consumer or consumer_name()
        self.lease_ms = lease_ms
        self.block_ms = block_ms
        self.max_jobs = max_jobs
        self.give_up = give_up
        self._running: set[asyncio.Task[None]] = set()
        #: When the worker last heard from Redis (a claim, a renewal, a heartbeat).
        self.progressed_at = time.monotonic()
        self.problem = "not started"
        self._beaten_at = 0.0

    def stalled(self) -> str | None:
        """Why this worker can do nothing now (no progress within its lease), else None."""
        idle = time.monotonic() - self.progressed_at
        if idle <= self.lease_ms / 1000:
            return None
        return f"worker {self.consumer} made no progress for {idle:.0f} s: {self.problem}"

    def _progressed(self) -> None:
        self.progressed_at = time.monotonic()
        self.problem = "ok"

    async def run(self, stop: asyncio.Event, grace_seconds: float = 20.0) -> None:
        """Work until `stop` is set, then finish or hand back what is in flight."""
        log.info("worker %s started", self.consumer)
        self._progressed()
        failures = 0
        while not stop.is_set():
            try:
                await self._round(stop)
                failures = 0
            except StoreUnavailable:
                self.problem = "the store is unavailable"
                log.warning("worker %s: store unavailable, retrying shortly", self.consumer)
                failures += 1
            except Exception as exc:  # never die silently: log, back off, go on
                self.problem = f"unexpected {type(exc).__name__}"
                log.exception("worker %s: unexpected error; going on", self.consumer)
                failures += 1
            if failures:
                await _wait_for_any(stop, at_most=_backoff(failures))
        await self._drain(grace_seconds)
        log.info("worker %s stopped", self.consumer)

    async def _round(self, stop: asyncio.Event) -> None:
        """One turn of the loop: a heartbeat when due, then a job claimed or a slot awaited."""
        if time.monotonic() - self._beaten_at >= self.lease_ms / 3000:
            await self.jobs.heartbeat(self.consumer, self.lease_ms)
            self._beaten_at = time.monotonic()
            self._progressed()
        if len(self._running) >= self.max_jobs:
            await _wait_for_any(stop, *self._running, at_most=self.block_ms / 1000)
            return
        claimed = await self.jobs.claim(self.consumer, self.lease_ms, self.block_ms)
        self._progressed()
        if claimed is not None:
            task = asyncio.create_task(self._handle(claimed))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _drain(self, grace_seconds: float) -> None:
        if not self._running:
            return
        log.info("worker %s: finishing %d job(s)", self.consumer, len(self._running))
        # A cancelled job hands itself back (_run_claimed), for another worker to take at once.
        await finish_or_cancel(self._running, grace_seconds, cancel_seconds=5)

    async def _handle(self, claimed: ClaimedJob) -> None:
        with bind_job_id(claimed.job.id):  # every line of this job, its tasks' too, carries it
            await self._run_claimed(claimed)

    async def _run_claimed(self, claimed: ClaimedJob) -> None:
        job = claimed.job
        if claimed.deliveries > MAX_DELIVERIES:
            log.error("job %s failed %d times; giving up", job.id, claimed.deliveries - 1)
            if self.give_up is not None:
                try:
                    await self.give_up(job)
                except Exception:
                    log.exception("job %s: could not tell the requester it was given up", job.id)
            await self._ack(claimed)
            return
        work = asyncio.create_task(self._attempts(job, claimed.deliveries))
        lease = asyncio.create_task(self._keep_lease(claimed, work))
        try:
            await work
        except asyncio.CancelledError:
            if lease.done() and not lease.cancelled() and lease.result() is False:
                return  # the lease was lost: the job is someone else's now
            await self._hand_back(claimed)  # shutting down: let another worker take it now
            raise
        except Exception:
            log.exception("job %s failed; it will be retried after the lease", job.id)
            return
        finally:
            lease.cancel()
        await self._ack(claimed)
        log.info("job %s done", job.id)

    async def _attempts(self, job: Job, deliveries: int) -> None:
        """The job, run again here when Redis went away under it (no wait for the lease)."""
        while True:
            try:
                await self.process(job, deliveries)
                return
            except StoreUnavailable:
                log.warning(
                    "job %s paused: the store is unavailable; resuming when it answers", job.id
                )
                await self._store_back()

    async def _store_back(self) -> None:
        """Wait until Redis answers again (a heartbeat goes through)."""
        attempt = 0
        while True:
            try:
                await self.jobs.heartbeat(self.consumer, self.lease_ms)
                self._progressed()
                return
            except StoreUnavailable:
                self.problem = "the store is unavailable"
                attempt += 1
                await asyncio.sleep(_backoff(attempt))

    async def _ack(self, claimed: ClaimedJob) -> None:
        """Acked once Redis takes it; unacked, the job would be delivered again (and skipped)."""
        while True:
            try:
                await self.jobs.ack(claimed.entry_id)
                return
            except StoreUnavailable:
                log.warning("job %s: could not ack yet; trying again", claimed.job.id)
                await self._store_back()

    async def _keep_lease(self, claimed: ClaimedJob, work: asyncio.Task[None]) -> bool:
        """Renew until the work is done; False (and the work cancelled) if the lease was lost."""
        while not work.done():
            await asyncio.sleep(self.lease_ms / 3000)
            try:
                kept = await self.jobs.renew(self.consumer, claimed.entry_id)
            except StoreUnavailable:
                self.problem = "the store is unavailable"
                continue
            self._progressed()
            if not kept:
                log.warning("job %s: lease lost to another worker; stopping", claimed.job.id)
                work.cancel()
                return False
        return True

    async def _hand_back(self, claimed: ClaimedJob) -> None:
        try:
            await self.jobs.hand_back(claimed.entry_id, self.lease_ms)
            log.info("job %s handed back", claimed.job.id)
        except StoreUnavailable:
            log.warning(
                "job %s: could not hand back; it is retried after the lease", claimed.job.id
            )


def _backoff(failures: int) -> float:
    return BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]


async def _wait_for_any(
    stop: asyncio.Event, *tasks: asyncio.Task[None], at_most: float | None = None
) -> None:
    waiter = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({waiter, *tasks}, timeout=at_most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
