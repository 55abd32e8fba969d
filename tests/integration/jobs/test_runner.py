"""Running a job's chunks: resumable, and never two workers on one chunk at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import fakeredis
import pytest

from bot.core.job import Job
from bot.fakes.sgp_server import FakeSGP
from bot.jobs.codec import decode_chunk, encode_chunk
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.sgp.client import SGPClient
from bot.store.connection import Store
from tests.fakes.server import ServerThread
from tests.unit.factories import confirmation

KEY = "sgp-test-key-1234"
IDS = [f"t{i}" for i in range(10)]


@pytest.fixture
def fake() -> Iterator[tuple[FakeSGP, str]]:
    platform = FakeSGP(api_key=KEY)
    platform.add_tasks("eval_1", IDS)
    server = ServerThread(platform.app).start()
    yield platform, server.url
    server.stop()


@pytest.fixture
async def jobs() -> AsyncIterator[JobRecords]:
    store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="t:")
    yield JobRecords(store.redis, store.key)
    await store.aclose()


def job() -> Job:
    request = confirmation(("user-a", "UA", IDS[:6]), ("user-b", "UB", IDS[6:]))
    return Job(id="j1", confirmation=request, created_at=datetime.now(UTC))


def client(url: str) -> SGPClient:
    return SGPClient(base_url=url, api_key=KEY, chunk_size=2, concurrency=4, max_retries=0)


def sent_chunks(platform: FakeSGP) -> Counter[tuple[str, ...]]:
    return Counter(tuple(call.json["task_ids"]) for call in platform.batch_assign_calls())


async def test_a_job_runs_every_chunk_and_reports_progress(
    fake: tuple[FakeSGP, str], jobs: JobRecords
) -> None:
    platform, url = fake
    progress: list[tuple[int, int]] = []

    async def record(done: int, total: int) -> None:
        progress.append((done, total))

    async with client(url) as sgp:
        summary = await JobRunner(jobs, sgp, "w1", 60_000).run(job(), record)
    assert summary.assigned == 10
    assert [s.assigned for s in summary.shares] == [6, 4]
    assert sorted(done for done, _ in progress) == [2, 4, 6, 8, 10]
    assert len(await jobs.recorded_chunks("j1")) == 5
    assert sum(sent_chunks(platform).values()) == 5


async def test_a_resumed_job_sends_only_what_is_missing(
    fake: tuple[FakeSGP, str], jobs: JobRecords
) -> None:
    platform, url = fake
    async with client(url) as sgp:
        # A previous worker finished chunk 0 (t0 t1) and chunk 3 (t6 t7), then died.
        first = await sgp.assign_chunk("eval_1", IDS[:2], "user-a")
        fourth = await sgp.assign_chunk("eval_1", IDS[6:8], "user-b")
        await jobs.record_chunk("j1", 0, encode_chunk(first), "w1")
        await jobs.record_chunk("j1", 3, encode_chunk(fourth), "w1")
        before = sent_chunks(platform)
        summary = await JobRunner(jobs, sgp, "w2", 60_000).run(job())
    assert summary.assigned == 10
    resent = sent_chunks(platform) - before
    assert sorted(resent) == [("t2", "t3"), ("t4", "t5"), ("t8", "t9")]


async def test_concurrent_workers_never_send_the_same_chunk_twice(
    fake: tuple[FakeSGP, str], jobs: JobRecords
) -> None:
    platform, url = fake
    platform.latency_per_request = 0.05
    async with client(url) as one, client(url) as two:
        summaries = await asyncio.gather(
            JobRunner(jobs, one, "w1", 60_000).run(job()),
            JobRunner(jobs, two, "w2", 60_000).run(job()),
        )
    assert [s.assigned for s in summaries] == [10, 10]
    assert set(sent_chunks(platform).values()) == {1}, "each chunk sent exactly once"


async def test_a_failed_chunk_is_recorded_as_failed(
    fake: tuple[FakeSGP, str], jobs: JobRecords
) -> None:
    platform, url = fake
    platform.fail_next(500, {"detail": "boom"})
    async with client(url) as sgp:
        summary = await JobRunner(jobs, sgp, "w1", 60_000).run(job())
    assert summary.assigned == 8
    [(reason, ids)] = summary.problems.items()
    assert "500" in reason and len(ids) == 2
    failed = [decode_chunk(r) for r in (await jobs.recorded_chunks("j1")).values() if r["error"]]
    [chunk] = failed
    assert chunk.error is not None and chunk.error.status == 500 and "500" in str(chunk.error)
