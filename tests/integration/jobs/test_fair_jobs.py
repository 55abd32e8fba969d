"""Fair jobs: a small job confirmed while big ones run is not queued behind them, and a big
job keeps only a few chunks per platform slot open, not all of them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.fakes.sgp_server import FakeSGP
from bot.fakes.waiting import eventually
from bot.jobs.queue import JobQueue
from bot.jobs.records import ChunkLock, JobRecords
from bot.jobs.runner import OPEN_PER_SLOT, JobRunner
from bot.jobs.worker import Worker
from bot.sgp.client import SGPClient
from bot.store.connection import Store
from tests.fakes.server import ServerThread
from tests.unit.factories import confirmation

KEY = "sgp-test-key-1234"
BIG = {f"big{n}": [f"b{n}-{i:02d}" for i in range(40)] for n in range(3)}  # 20 chunks each
SMALL = ["s-1", "s-2"]


@pytest.fixture
def platform() -> Iterator[tuple[FakeSGP, str]]:
    fake = FakeSGP(api_key=KEY, latency_per_request=0.05)
    for ids in (*BIG.values(), SMALL):
        fake.add_tasks("eval_1", ids)
    server = ServerThread(fake.app).start()
    yield fake, server.url
    server.stop()


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="fair:")
    yield store
    await store.aclose()


def job(job_id: str, ids: list[str]) -> Job:
    request = confirmation(("user-a", "UA", ids))
    return Job(id=job_id, confirmation=request, created_at=datetime.now(UTC))


def sent(fake: FakeSGP, prefix: str) -> int:
    """Ids of one job (by their prefix) the platform was asked to assign so far."""
    calls = fake.batch_assign_calls()
    return sum(1 for call in calls for task_id in call.json["task_ids"] if task_id[:2] == prefix)


async def test_a_small_job_confirmed_while_three_big_ones_run_is_done_before_them(
    platform: tuple[FakeSGP, str], store: Store
) -> None:
    fake, url = platform
    done: dict[str, Summary] = {}
    queue = JobQueue(store.redis, store.key)
    async with SGPClient(base_url=url, api_key=KEY, chunk_size=2, concurrency=2) as sgp:
        runner = JobRunner(JobRecords(store.redis, store.key), sgp, "w1", 60_000)

        async def process(claimed: Job, deliveries: int) -> None:
            done[claimed.id] = await runner.run(claimed)

        stop = asyncio.Event()
        worker = Worker(queue, process, lease_ms=5_000, block_ms=50)  # its default job limit
        working = asyncio.create_task(worker.run(stop))
        for job_id, ids in BIG.items():
            await queue.enqueue(job(job_id, ids))
        await eventually(lambda: all(sent(fake, f"b{n}") for n in range(3)), "big jobs running")

        await queue.enqueue(job("small", SMALL))
        await eventually(lambda: "small" in done, "the small job done", 10)

        assert done["small"].assigned == 2
        assert not any(job_id in done for job_id in BIG)
        assert all(sent(fake, f"b{n}") < len(BIG[f"big{n}"]) for n in range(3))
        await eventually(lambda: len(done) == 4, "every job done", 20)
        stop.set()
        await working
    assert all(done[job_id].assigned == len(ids) for job_id, ids in BIG.items())


class CountedLocks(JobRecords):
    """Job records that note the most chunk locks held at once."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.held = 0
        self.most = 0

    async def lock_chunk(self, job_id: str, index: int, owner: str, lease_ms: int) -> ChunkLock:
        lock = await super().lock_chunk(job_id, index, owner, lease_ms)
        self.held += lock.locked
        self.most = max(self.most, self.held)
        return lock

    async def record_chunk(
        self, job_id: str, index: int, result: dict[str, Any], owner: str
    ) -> None:
        await super().record_chunk(job_id, index, result, owner)
        self.held -= 1  # recording frees the lock

    async def unlock_chunk(self, job_id: str, index: int, owner: str) -> None:
        await super().unlock_chunk(job_id, index, owner)
        self.held -= 1


async def test_a_big_job_holds_a_few_chunks_per_slot_open_not_all(
    platform: tuple[FakeSGP, str], store: Store
) -> None:
    _, url = platform
    records = CountedLocks(store.redis, store.key)
    async with SGPClient(base_url=url, api_key=KEY, chunk_size=2, concurrency=3) as sgp:
        summary = await JobRunner(records, sgp, "w1", 60_000).run(job("big0", BIG["big0"]))

    assert summary.assigned == 40
    assert records.most <= OPEN_PER_SLOT * 3  # of 20 chunks
