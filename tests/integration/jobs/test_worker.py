"""Workers sharing one store: each job runs once, leases hold, stops hand work back."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from bot.core.job import Job
from bot.fakes.waiting import eventually
from bot.jobs.queue import ClaimedJob, JobQueue
from bot.jobs.worker import MAX_DELIVERIES, Worker
from bot.store import Store
from tests.conftest import StoreFactory
from tests.unit.factories import confirmation

LEASE_MS = 300


def job(job_id: str) -> Job:
    return Job(
        id=job_id,
        confirmation=confirmation(("user-a", "UA", ["t1"])),
        created_at=datetime.now(UTC),
    )


def jobs_of(store: Store) -> JobQueue:
    return JobQueue(store.redis, store.key)


class WatchedQueue(JobQueue):
    """A queue that notes when each claim began: proof that a worker looked (again) after then."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.redis, store.key)
        self.claims: list[float] = []

    async def claim(self, consumer: str, lease_ms: int, block_ms: int) -> ClaimedJob | None:
        self.claims.append(asyncio.get_running_loop().time())
        return await super().claim(consumer, lease_ms, block_ms)

    def looked_after(self, moment: float) -> bool:
        return any(started > moment for started in self.claims)


async def until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    await eventually(condition, "the condition", seconds)


def lease_out_from_now() -> float:
    """When an entry delivered up to now has been idle past its lease: a takeover is possible."""
    return asyncio.get_running_loop().time() + LEASE_MS / 1000


async def test_two_workers_run_each_job_once(store: Store, make_store: StoreFactory) -> None:
    runs: Counter[str] = Counter()

    async def process(job: Job, deliveries: int) -> None:
        await asyncio.sleep(0.02)
        runs[job.id] += 1

    other = make_store(prefix=store.prefix, new_connection=True)
    stop = asyncio.Event()
    queues = [WatchedQueue(s) for s in (store, other)]
    workers = [Worker(queue, process, lease_ms=LEASE_MS, block_ms=50) for queue in queues]
    running = [asyncio.create_task(w.run(stop)) for w in workers]
    for i in range(8):
        await jobs_of(store).enqueue(job(f"j{i}"))
    await until(lambda: len(runs) == 8)
    # A wrong takeover (a job run but not acked) shows once both workers look past the lease.
    possible = lease_out_from_now()
    await until(lambda: all(queue.looked_after(possible) for queue in queues))
    stop.set()
    await asyncio.gather(*running)
    assert set(runs.values()) == {1}


async def test_a_long_job_keeps_its_lease(store: Store, make_store: StoreFactory) -> None:
    runs: Counter[str] = Counter()
    release = asyncio.Event()

    async def slow(job: Job, deliveries: int) -> None:
        runs[job.id] += 1
        await release.wait()

    other = make_store(prefix=store.prefix, new_connection=True)
    stop = asyncio.Event()
    first = Worker(jobs_of(store), slow, lease_ms=LEASE_MS, block_ms=50)
    watched = WatchedQueue(other)
    second = Worker(watched, slow, lease_ms=LEASE_MS, block_ms=50)
    await jobs_of(store).enqueue(job("long"))
    running = [asyncio.create_task(first.run(stop))]
    await until(lambda: runs["long"] == 1)
    running.append(asyncio.create_task(second.run(stop)))
    # Twice the lease: without renewals the job would have been idle long enough to be taken.
    possible = lease_out_from_now() + LEASE_MS / 1000
    await until(lambda: watched.looked_after(possible))
    release.set()
    stop.set()
    await asyncio.gather(*running)
    assert runs["long"] == 1


async def test_a_dead_workers_job_is_taken_over_after_the_lease(store: Store) -> None:
    jobs = jobs_of(store)
    await jobs.enqueue(job("orphan"))
    assert await jobs.claim("dead-worker", LEASE_MS, block_ms=10) is not None  # then it dies
    seen: list[int] = []

    async def process(job: Job, deliveries: int) -> None:
        seen.append(deliveries)

    stop = asyncio.Event()
    running = asyncio.create_task(Worker(jobs, process, lease_ms=LEASE_MS, block_ms=50).run(stop))
    await until(lambda: seen)
    stop.set()
    await running
    assert seen == [2]


async def test_stopping_hands_unfinished_jobs_back_at_once(
    store: Store, make_store: StoreFactory
) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def endless(job: Job, deliveries: int) -> None:
        started.set()
        await asyncio.sleep(3600)

    async def quick(job: Job, deliveries: int) -> None:
        finished.append(f"{job.id}:{deliveries}")

    lease = 60_000  # far longer than the test: only a hand-back lets the second worker in
    stop_first = asyncio.Event()
    first = asyncio.create_task(
        Worker(jobs_of(store), endless, lease_ms=lease, block_ms=50).run(stop_first, 0.1)
    )
    await jobs_of(store).enqueue(job("handed"))
    await started.wait()
    stop_first.set()
    await asyncio.wait_for(first, timeout=5)

    other = make_store(prefix=store.prefix, new_connection=True)
    stop_second = asyncio.Event()
    second = asyncio.create_task(
        Worker(jobs_of(other), quick, lease_ms=lease, block_ms=50).run(stop_second)
    )
    await until(lambda: finished)
    stop_second.set()
    await second
    assert finished == ["handed:2"]


async def test_a_job_that_keeps_failing_is_given_up(store: Store) -> None:
    attempts: list[int] = []
    given_up: list[str] = []

    async def broken(job: Job, deliveries: int) -> None:
        attempts.append(deliveries)
        raise RuntimeError("bug")

    async def give_up(job: Job) -> None:
        given_up.append(job.id)

    stop = asyncio.Event()
    worker = Worker(jobs_of(store), broken, lease_ms=100, block_ms=20, give_up=give_up)
    running = asyncio.create_task(worker.run(stop))
    await jobs_of(store).enqueue(job("poison"))
    await until(lambda: given_up, seconds=10)
    stop.set()
    await running
    assert attempts == list(range(1, MAX_DELIVERIES + 1))
    assert given_up == ["poison"]
