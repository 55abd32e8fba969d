"""Running one job's chunks so that a crash or a takeover never redoes finished work.

Each chunk's result is recorded in Redis as soon as it arrives; a worker that takes a job over
reads those records and sends only what is missing. A per-chunk lock keeps two workers that both
hold the job (a paused one and its successor) from sending the same chunk at the same time.

Chunks go out `concurrency` at a time, and only twice that many are open at once (a 100,000-id
job does not hold 200 chunk locks while it waits). A 401 or 403 stops the job: the chunks not yet
sent are recorded as failed (so "Retry failed" can send them once the key is fixed) unsent.
An answer that was null or lost is checked by reading the tasks back (`reconcile`). The
platform's `Retry-After` is honoured however long it is, and progress hears of each wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from bot.core.confirmation import Confirmation
from bot.core.job import Job
from bot.core.outcome import Judged, Summary, judge_chunk, stops_run, summarize_judged, unsent
from bot.core.plan import job_chunks
from bot.core.tasks import ChunkError, ChunkResult
from bot.jobs.codec import decode_chunk, encode_chunk
from bot.jobs.reconcile import checked
from bot.jobs.records import JobRecords
from bot.sgp.gate import answered, lane
from bot.sgp.retry import WaitNotice, patience
from bot.usecases.ports import Platform

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Awaitable[None]]
T = TypeVar("T")


class Gate:
    """Chunks `concurrency` at a time, until one is refused for the key (401/403)."""

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.refused: ChunkError | None = None

    def see(self, result: ChunkResult) -> None:
        if stops_run(result) and self.refused is None:
            self.refused = result.error
            log.warning("the platform refused the key (%s): no more chunks are sent", result.error)

    async def send(
        self,
        ids: tuple[str, ...],
        send: Callable[[], Awaitable[ChunkResult]],
        check: Callable[[ChunkResult], Awaitable[ChunkResult]],
    ) -> ChunkResult:
        """`send()` in a free slot, then `check` its answer out of the slot; or the chunk
        recorded as not sent once the key was refused.

        The slot is held until the platform answers: a success frees it at its status line,
        before the answer downloads and is parsed (the client calls `gate.answered`), a
        failure once it is judged, so that no new request goes out after a 401 or 403
        (`refused` is looked at in the slot).
        The check (judging, reading back) is never in the slot.
        """
        await self.slots.acquire()
        slot = _Held(self.slots)
        token = answered.set(slot.release)
        try:
            if self.refused is not None:
                return unsent(ids, self.refused)
            answer = await send()
            self.see(answer)
        finally:
            answered.reset(token)
            slot.release()
        return await check(answer)


class _Held:
    """One taken slot of a semaphore, released once however many times it is let go."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots: asyncio.Semaphore | None = slots

    def release(self) -> None:
        if self._slots is not None:
            self._slots.release()
            self._slots = None


#: Chunks a job keeps open (locked, sent or waiting for a slot) per platform slot: two, so the
#: next request of a slot is already waiting while the last answer is checked and recorded.
OPEN_PER_SLOT = 2

#: How often a worker waiting on another worker's chunk looks again.
LOCK_POLL_SECONDS = 0.25


class JobRunner:
    def __init__(self, records: JobRecords, sgp: Platform, owner: str, lease_ms: int) -> None:
        self.records = records
        self.sgp = sgp
        self.owner = owner
        self.lease_ms = lease_ms

    async def run(
        self,
        job: Job,
        on_progress: Progress | None = None,
        on_wait: WaitNotice | None = None,
        recorded: Mapping[int, dict[str, Any]] | None = None,
    ) -> Summary:
        """The job's summary; `on_wait(seconds, why)` hears of each wait the platform asks for.

        `recorded`: the chunks recorded already, when the caller has just read them.
        """
        token = lane.set(job.id)  # the platform's slots go round the running jobs in turn
        try:
            with patience(on_wait=on_wait or _log_wait(job)):
                if recorded is None:
                    recorded = await self.records.recorded_chunks(job.id)
                return await self._run(job, on_progress, recorded)
        finally:
            lane.reset(token)

    async def _run(
        self, job: Job, on_progress: Progress | None, recorded: Mapping[int, dict[str, Any]]
    ) -> Summary:
        confirmation = job.confirmation
        shares = [(s.assignee.platform_user_id, s.task_ids) for s in confirmation.shares]
        chunks = job_chunks(shares, self.sgp.chunk_size)
        results: dict[int, ChunkResult] = {i: decode_chunk(r) for i, r in recorded.items()}
        total = confirmation.task_count
        done = sum(len(results[i].task_ids) for i in results)
        if results:
            log.info(
                "job %s: resuming, %d of %d chunks already done", job.id, len(results), len(chunks)
            )
        lock = asyncio.Lock()
        gate = Gate(self.sgp.concurrency)
        for result in results.values():
            gate.see(result)  # a worker taking over does not send what was refused before
        # Each chunk is judged as it comes back, not all 10,000 tasks after the last one.
        assignee_of = {index: shares[share][0] for index, share, _ in chunks}
        judged = {i: judge_chunk(result, assignee_of[i]) for i, result in results.items()}

        async def one(index: int, share_index: int, ids: tuple[str, ...]) -> None:
            nonlocal done
            assignee = shares[share_index][0]
            result = await self._run_chunk(job, index, ids, assignee, gate)
            judged[index] = judge_chunk(result, assignee)
            async with lock:
                done += len(ids)
                if on_progress is not None:
                    await _quietly(on_progress(done, total))

        todo = [(index, share, ids) for index, share, ids in chunks if index not in results]
        await _at_most(OPEN_PER_SLOT * self.sgp.concurrency, todo, lambda chunk: one(*chunk))
        per_share: list[list[Judged]] = [[] for _ in shares]
        for index, share_index, _ in chunks:
            per_share[share_index].append(judged[index])
        return summarize_judged(confirmation, per_share)

    async def _run_chunk(
        self, job: Job, index: int, ids: tuple[str, ...], assignee: str, gate: Gate
    ) -> ChunkResult:
        while True:
            lock = await self.records.lock_chunk(job.id, index, self.owner, self.lease_ms)
            if lock.recorded is not None:  # another worker finished it
                return decode_chunk(lock.recorded)
            if lock.locked:
                break
            # Another worker is sending this chunk: wait for its record, or for its lock to lapse.
            await asyncio.sleep(LOCK_POLL_SECONDS)
        unlocked = False
        try:
            evaluation_id = job.confirmation.evaluation_id
            result = await gate.send(
                ids,
                lambda: self.sgp.assign_chunk(evaluation_id, ids, assignee),
                lambda answer: checked(self.sgp, evaluation_id, answer, assignee),
            )
            await self.records.record_chunk(job.id, index, encode_chunk(result), self.owner)
            unlocked = True  # recording the result freed the lock
            return result
        finally:
            if not unlocked:
                await self.records.unlock_chunk(job.id, index, self.owner)


async def assign_all(
    sgp: Platform,
    confirmation: Confirmation,
    on_chunk: Callable[[ChunkResult], Awaitable[None]] | None = None,
) -> list[list[ChunkResult]]:
    """Every chunk of a confirmation with nothing recorded: the command line's run.

    The job's rules all the same: `concurrency` at a time, stopped by a 401 or 403, answers
    that were null or lost read back. One list of chunk results per share, in chunk order.
    """
    shares = [(s.assignee.platform_user_id, s.task_ids) for s in confirmation.shares]
    gate = Gate(sgp.concurrency)
    evaluation_id = confirmation.evaluation_id

    async def one(ids: tuple[str, ...], assignee: str) -> ChunkResult:
        result = await gate.send(
            ids,
            lambda: sgp.assign_chunk(evaluation_id, ids, assignee),
            lambda answer: checked(sgp, evaluation_id, answer, assignee),
        )
        if on_chunk is not None:
            await _quietly(on_chunk(result))
        return result

    chunks = job_chunks(shares, sgp.chunk_size)
    results = await asyncio.gather(*(one(ids, shares[share][0]) for _, share, ids in chunks))
    per_share: list[list[ChunkResult]] = [[] for _ in shares]
    for (_, share, _), result in zip(chunks, results, strict=True):
        per_share[share].append(result)
    return per_share


async def _at_most(limit: int, items: Sequence[T], run: Callable[[T], Awaitable[None]]) -> None:
    """`run` each item, `limit` at a time, in order of items: only that many chunks of a job
    are open (locked, waiting on the platform's slots) at once, not all 200 of 100,000 ids."""
    pending = iter(items)

    async def drain() -> None:
        for item in pending:
            await run(item)

    await asyncio.gather(*(drain() for _ in range(min(limit, len(items)))))


def _log_wait(job: Job) -> WaitNotice:
    async def logged(seconds: float, why: str) -> None:
        log.info(
            "job %s: the platform answered %s; waiting %.1f s before retrying", job.id, why, seconds
        )

    return logged


async def _quietly(progress: Awaitable[None]) -> None:
    """Progress is cosmetic: its failure must never stop the assignment."""
    try:
        await progress
    except Exception:
        log.warning("progress update failed", exc_info=True)
