"""The job queue: delivered once, taken over after the lease, never lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.job import Job, SurfaceRef
from bot.jobs.queue import JobQueue
from bot.store import Store
from tests.unit.factories import confirmation

LEASE_MS = 200


def jobs_of(store: Store) -> JobQueue:
    return JobQueue(store.redis, store.key)


def new_job(job_id: str = "job-1") -> Job:
    return Job(
        id=job_id,
        confirmation=confirmation(("user-a", "UA", ["t1", "t2"])),
        surface=SurfaceRef(kind="response_url", response_url="http://x/r"),
        created_at=datetime.now(UTC),
    )


async def test_a_job_is_delivered_to_one_worker(store: Store) -> None:
    jobs = jobs_of(store)
    await jobs.enqueue(new_job())
    claimed = await jobs.claim("w1", LEASE_MS, block_ms=10)
    assert claimed is not None and claimed.job.id == "job-1" and claimed.deliveries == 1
    assert claimed.job.confirmation.shares[0].task_ids == ("t1", "t2")
    assert await jobs.claim("w2", LEASE_MS, block_ms=10) is None


async def test_an_abandoned_job_is_taken_over_after_the_lease(store: Store) -> None:
    jobs = jobs_of(store)
    await jobs.enqueue(new_job())
    first = await jobs.claim("w1", LEASE_MS, block_ms=10)
    assert first is not None
    await asyncio.sleep(LEASE_MS / 1000 + 0.05)
    second = await jobs.claim("w2", LEASE_MS, block_ms=10)
    assert second is not None and second.entry_id == first.entry_id and second.deliveries == 2
    assert await jobs.renew("w1", first.entry_id) is False, "the old owner learns it lost it"


async def test_renewing_keeps_the_lease(store: Store) -> None:
    jobs = jobs_of(store)
    await jobs.enqueue(new_job())
    first = await jobs.claim("w1", LEASE_MS, block_ms=10)
    assert first is not None
    for _ in range(3):
        await asyncio.sleep(LEASE_MS / 1000 / 2)
        assert await jobs.renew("w1", first.entry_id) is True
    assert await jobs.claim("w2", LEASE_MS, block_ms=10) is None


async def test_a_handed_back_job_is_taken_at_once_and_an_acked_one_never(store: Store) -> None:
    jobs = jobs_of(store)
    await jobs.enqueue(new_job("a"))
    await jobs.enqueue(new_job("b"))
    a = await jobs.claim("w1", 60_000, block_ms=10)
    b = await jobs.claim("w1", 60_000, block_ms=10)
    assert a is not None and b is not None
    await jobs.hand_back(a.entry_id, 60_000)
    await jobs.ack(b.entry_id)
    again = await jobs.claim("w2", 60_000, block_ms=10)
    assert again is not None and again.job.id == "a"
    await jobs.ack(again.entry_id)
    assert await jobs.claim("w3", 0, block_ms=10) is None


async def test_an_entry_without_its_job_is_dropped(store: Store) -> None:
    jobs = jobs_of(store)
    await jobs.enqueue(new_job())
    await store.redis.delete(store.key("job", "job-1"))
    assert await jobs.claim("w1", LEASE_MS, block_ms=10) is None
    await asyncio.sleep(LEASE_MS / 1000 + 0.05)
    assert await jobs.claim("w2", LEASE_MS, block_ms=10) is None, "not retried forever"


async def test_an_idle_claim_waits_instead_of_returning_at_once(store: Store) -> None:
    # A claim that came back at once would make an idle worker spin and starve the bot's acks.
    jobs = jobs_of(store)
    started = asyncio.get_running_loop().time()
    assert await jobs.claim("w1", LEASE_MS, block_ms=300) is None
    assert asyncio.get_running_loop().time() - started >= 0.25


async def test_a_waiting_claim_wakes_when_a_job_is_enqueued(store: Store) -> None:
    jobs, other = jobs_of(store), jobs_of(store)  # another process's store, on the same Redis
    waiting = asyncio.create_task(jobs.claim("w1", LEASE_MS, block_ms=10_000))
    await asyncio.sleep(0.05)
    started = asyncio.get_running_loop().time()
    await other.enqueue(new_job())
    claimed = await asyncio.wait_for(waiting, timeout=5)
    assert claimed is not None and claimed.job.id == "job-1"
    assert asyncio.get_running_loop().time() - started < 2
