"""Never silently stuck: a worker goes on after Redis lost its stream or group, after any
unexpected error, and says (for /healthz) when it has made no progress within its lease."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from bot.core.job import Job, SurfaceRef
from bot.fakes.waiting import eventually
from bot.jobs.queue import JobQueue
from bot.jobs.worker import Worker
from bot.store import Store
from bot.store.errors import StoreUnavailable
from bot.web import create_web_app
from tests.unit.factories import confirmation

LEASE_MS = 300


def job(job_id: str) -> Job:
    surface = SurfaceRef(kind="response_url", response_url="https://hooks.example/r1")
    return Job(
        id=job_id,
        confirmation=confirmation(("user-a", "UA", ["t1", "t2"])),
        surface=surface,
        created_at=datetime.now(UTC),
    )


async def test_a_worker_goes_on_after_the_stream_and_group_vanish(store: Store) -> None:
    runs: list[str] = []

    async def process(job: Job, deliveries: int) -> None:
        runs.append(job.id)

    queue = JobQueue(store.redis, store.key)
    stop = asyncio.Event()
    worker = Worker(queue, process, lease_ms=LEASE_MS, block_ms=50)
    running = asyncio.create_task(worker.run(stop))
    await queue.enqueue(job("before"))
    await eventually(lambda: runs == ["before"], "the first job")
    await store.redis.delete(queue.stream)  # what FLUSHALL or a restart without AOF does
    await JobQueue(store.redis, store.key).enqueue(job("after"))  # a web process's queue
    await eventually(lambda: runs == ["before", "after"], "the job queued after the loss", 5)
    assert not running.done()
    stop.set()
    await running


async def test_a_worker_logs_an_unexpected_error_and_goes_on(store: Store) -> None:
    runs: list[str] = []

    class Flaky(JobQueue):
        failures = 2

        async def claim(self, consumer: str, lease_ms: int, block_ms: int):  # type: ignore[no-untyped-def]
            if self.failures:
                self.failures -= 1
                raise RuntimeError("something nobody planned for")
            return await super().claim(consumer, lease_ms, block_ms)

    async def process(job: Job, deliveries: int) -> None:
        runs.append(job.id)

    queue = Flaky(store.redis, store.key)
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(queue, process, lease_ms=LEASE_MS, block_ms=50).run(stop))
    await queue.enqueue(job("j1"))
    await eventually(lambda: runs == ["j1"], "the job after two failed claims", 5)
    stop.set()
    await running


async def test_a_job_whose_record_vanished_tells_its_requester(store: Store) -> None:
    told: list[tuple[str, dict[str, str]]] = []

    async def lost(job_id: str, fields: dict[str, str]) -> None:
        told.append((job_id, fields))

    async def process(job: Job, deliveries: int) -> None:
        raise AssertionError("a job without its record must not run")

    queue = JobQueue(store.redis, store.key)
    queue.on_lost = lost
    await queue.enqueue(job("gone"))
    await store.redis.delete(store.key("job", "gone"))
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(queue, process, lease_ms=LEASE_MS, block_ms=50).run(stop))
    await eventually(lambda: told, "the requester told", 5)
    stop.set()
    await running
    [(job_id, fields)] = told
    assert job_id == "gone"
    assert fields["requester"] == "ULEAD" and fields["tasks"] == "2"
    assert (
        SurfaceRef.model_validate_json(fields["surface"]).response_url == "https://hooks.example/r1"
    )


async def test_healthz_says_when_the_worker_made_no_progress_within_its_lease(
    store: Store,
) -> None:
    class Down(JobQueue):
        async def claim(self, consumer: str, lease_ms: int, block_ms: int):  # type: ignore[no-untyped-def]
            raise StoreUnavailable()

        async def heartbeat(self, consumer: str, ttl_ms: int) -> None:
            raise StoreUnavailable()

    async def process(job: Job, deliveries: int) -> None:
        return None

    worker = Worker(Down(store.redis, store.key), process, lease_ms=LEASE_MS, block_ms=50)
    assert worker.stalled() is None
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await eventually(lambda: worker.stalled() is not None, "the worker to be stalled", 5)
    app = create_web_app(None, store, stalled=worker.stalled)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        answer = await client.get("/healthz")
    stop.set()
    await running
    assert answer.status_code == 503
    assert "no progress" in answer.json()["worker"]
    assert "store is unavailable" in answer.json()["worker"]


async def test_live_workers_are_listed_by_their_heartbeat(store: Store) -> None:
    queue = JobQueue(store.redis, store.key)
    await queue.heartbeat("host-1-abc", 60_000)
    await queue.heartbeat("host-2-def", 60_000)
    await queue.heartbeat("host-3-old", 60_000)
    await store.redis.zadd(store.key("workers"), {"host-3-old": 1.0})  # its heartbeat lapsed
    assert sorted(await queue.live_workers()) == ["host-1-abc", "host-2-def"]


async def test_check_lists_the_live_workers(store: Store) -> None:
    from bot.check import check_workers

    [none] = await check_workers(store, "redis://redis:6379/0")
    assert none.warning and "no live worker" in none.detail
    await JobQueue(store.redis, store.key).heartbeat("host-1-abc", 60_000)
    [line] = await check_workers(store, "redis://redis:6379/0")
    assert line.line() == "ok   workers: 1 live: host-1-abc"
    assert await check_workers(store, None) == []  # the embedded store has no other process
