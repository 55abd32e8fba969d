"""Running one job's chunks so that a crash or a takeover never redoes finished work.

Each chunk's result is recorded in Redis as soon as it arrives; a worker that takes a job over
reads those records and sends only what is missing. A per-chunk lock keeps two workers that both
hold the job (a paused one and its successor) from sending the same chunk at the same time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.core.job import Job
from bot.core.outcome import Summary, summarize
from bot.core.plan import job_chunks
from bot.core.tasks import ChunkResult
from bot.jobs.codec import decode_chunk, encode_chunk
from bot.jobs.records import JobRecords
from bot.usecases.ports import Platform

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Awaitable[None]]

#: How often a worker waiting on another worker's chunk looks again.
LOCK_POLL_SECONDS = 0.25


class JobRunner:
    def __init__(self, records: JobRecords, sgp: Platform, owner: str, lease_ms: int) -> None:
        self.records = records
        self.sgp = sgp
        self.owner = owner
        self.lease_ms = lease_ms

    async def run(self, job: Job, on_progress: Progress | None = None) -> Summary:
        confirmation = job.confirmation
        shares = [(s.assignee.platform_user_id, s.task_ids) for s in confirmation.shares]
        chunks = job_chunks(shares, self.sgp.chunk_size)
        recorded = await self.records.recorded_chunks(job.id)
        results: dict[int, ChunkResult] = {i: decode_chunk(r) for i, r in recorded.items()}
        total = confirmation.task_count
        done = sum(len(results[i].task_ids) for i in results)
        if results:
            log.info(
                "job %s: resuming, %d of %d chunks already done", job.id, len(results), len(chunks)
            )
        lock = asyncio.Lock()

        async def one(index: int, share_index: int, ids: tuple[str, ...]) -> None:
            nonlocal done
            assignee = shares[share_index][0]
            result = await self._run_chunk(job, index, ids, assignee)
            results[index] = result
            async with lock:
                done += len(ids)
                if on_progress is not None:
                    await _quietly(on_progress(done, total))

        await asyncio.gather(
            *(one(index, share, ids) for index, share, ids in chunks if index not in results)
        )
        per_share: list[list[ChunkResult]] = [[] for _ in shares]
        for index, share_index, _ in chunks:
            per_share[share_index].append(results[index])
        return summarize(confirmation, per_share)

    async def _run_chunk(
        self, job: Job, index: int, ids: tuple[str, ...], assignee: str
    ) -> ChunkResult:
        while not await self.records.lock_chunk(job.id, index, self.owner, self.lease_ms):
            # Another worker is sending this chunk: wait for its record, or for its lock to lapse.
            recorded = (await self.records.recorded_chunks(job.id)).get(index)
            if recorded is not None:
                return decode_chunk(recorded)
            await asyncio.sleep(LOCK_POLL_SECONDS)
        try:
            recorded = (await self.records.recorded_chunks(job.id)).get(index)
            if recorded is not None:  # finished by the other worker just before we locked
                return decode_chunk(recorded)
            result = await self.sgp.assign_chunk(job.confirmation.evaluation_id, ids, assignee)
            await self.records.record_chunk(job.id, index, encode_chunk(result))
            return result
        finally:
            await self.records.unlock_chunk(job.id, index, self.owner)


async def _quietly(progress: Awaitable[None]) -> None:
    """Progress is cosmetic: its failure must never stop the assignment."""
    try:
        await progress
    except Exception:
        log.warning("progress update failed", exc_info=True)
