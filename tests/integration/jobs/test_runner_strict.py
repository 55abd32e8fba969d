"""A job against a platform that refuses the key, loses answers, answers null or contradicts
itself, or asks for a long wait: what the lead is told, and what stays retryable."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import fakeredis
import httpx
import pytest

from bot.core.job import Job
from bot.core.outcome import AUTH_HINT, CONTRADICTED_REASON, NOT_SAID_REASON
from bot.fakes.sgp_server import FakeSGP
from bot.jobs.board import Jobs
from bot.jobs.runner import JobRunner, assign_all
from bot.sgp.client import SGPClient
from bot.store.connection import Store
from tests.unit.factories import confirmation
from tests.unit.usecases.harness import KEY

IDS = [f"t{i}" for i in range(10)]
BATCH = "/tasks/batch-assign"


class Unreliable(httpx.AsyncBaseTransport):
    """The fake platform in-process, with answers lost or rewritten on the way back."""

    def __init__(self, fake: FakeSGP) -> None:
        self.inner = httpx.ASGITransport(app=fake.app)
        #: Batch-assigns whose answer is lost after the platform did the work.
        self.lose_answers = 0
        #: Batch-assigns refused before they reach the platform (the work is not done).
        self.refuse_connections = 0
        self.rewrite: Callable[[list[dict[str, object]]], list[dict[str, object]]] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        batch = request.url.path.endswith(BATCH)
        if batch and self.refuse_connections:
            self.refuse_connections -= 1
            raise httpx.ConnectError("connection refused", request=request)
        response = await self.inner.handle_async_request(request)
        if batch and self.lose_answers:
            self.lose_answers -= 1
            raise httpx.ReadTimeout("no answer", request=request)
        if batch and self.rewrite is not None and response.status_code == 200:
            body = json.loads(await response.aread())
            content = json.dumps(self.rewrite(body)).encode()
            return httpx.Response(
                200, content=content, headers={"content-type": "application/json"}
            )
        return response


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake() -> FakeSGP:
    platform = FakeSGP(api_key=KEY)
    platform.add_tasks("eval_1", IDS)
    return platform


@pytest.fixture
async def jobs() -> AsyncIterator[Jobs]:
    store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="t:")
    yield Jobs.of(store)
    await store.aclose()


def client(
    transport: httpx.AsyncBaseTransport, *, api_key: str = KEY, **options: object
) -> SGPClient:
    settings: dict[str, object] = {"chunk_size": 1, "concurrency": 2, "max_retries": 0}
    settings.update(options)
    return SGPClient(
        base_url="http://fake-platform",
        api_key=api_key,
        transport=transport,
        **settings,  # type: ignore[arg-type]
    )


def job() -> Job:
    request = confirmation(("user-a", "UA", IDS[:6]), ("user-b", "UB", IDS[6:]))
    return Job(id="j1", confirmation=request, created_at=datetime.now(UTC))


async def test_a_wrong_key_stops_the_job_and_leaves_every_id_retryable(
    fake: FakeSGP, jobs: Jobs
) -> None:
    async with client(Unreliable(fake), api_key="wrong-key") as sgp:
        summary = await JobRunner(jobs.records, sgp, "w1", 60_000).run(job())
    sent = len(fake.batch_assign_calls())
    assert sent <= 2, f"{sent} of 10 chunks sent after a 401 (concurrency 2)"
    assert summary.assigned == 0
    assert all(AUTH_HINT in reason for reason in summary.problems)
    assert await jobs.failed_task_ids("j1") == set(IDS)


async def test_a_lost_answer_is_read_back_before_it_counts_as_failed(
    fake: FakeSGP, jobs: Jobs
) -> None:
    transport = Unreliable(fake)
    transport.lose_answers = 3  # the platform did the work; the answers never arrived
    async with client(transport) as sgp:
        summary = await JobRunner(jobs.records, sgp, "w1", 60_000).run(job())
    assert summary.assigned == 10, summary.problems
    assert fake.listing_calls("test-case-results"), "the tasks were read back"
    assert await jobs.failed_task_ids("j1") == set()


async def test_a_request_that_never_arrived_is_failed_after_reading_back(
    fake: FakeSGP, jobs: Jobs
) -> None:
    transport = Unreliable(fake)
    transport.refuse_connections = 1  # nothing was done on the platform
    async with client(transport, concurrency=1) as sgp:
        summary = await JobRunner(jobs.records, sgp, "w1", 60_000).run(job())
    assert summary.assigned == 9
    [(reason, ids)] = summary.problems.items()
    assert ids == ["t0"] and "read back" in reason
    assert await jobs.failed_task_ids("j1") == {"t0"}


async def test_a_null_answer_is_read_back_and_what_is_found_is_reported(
    fake: FakeSGP, jobs: Jobs
) -> None:
    fake.return_null_next(times=10)
    async with client(Unreliable(fake)) as sgp:
        summary = await JobRunner(jobs.records, sgp, "w1", 60_000).run(job())
    assert summary.assigned == 10
    assert [s.assigned for s in summary.shares] == [6, 4]


async def test_a_null_answer_that_cannot_be_read_back_says_so(fake: FakeSGP) -> None:
    fake.return_null_next(times=10)
    fake.fail_next(500, route="test-case-results", times=20)
    request = confirmation(("user-a", "UA", IDS[:2]))
    async with client(Unreliable(fake)) as sgp:
        [results] = await assign_all(sgp, request)
    outcomes = [r.silent for r in results]
    assert outcomes == [True, True]
    from bot.core.outcome import summarize

    summary = summarize(request, [results])
    assert summary.assigned == 0
    assert summary.problems == {NOT_SAID_REASON: IDS[:2]}
    assert "unknown id" not in NOT_SAID_REASON


async def test_contradicting_and_unrequested_answers(
    fake: FakeSGP, jobs: Jobs, caplog: pytest.LogCaptureFixture
) -> None:
    transport = Unreliable(fake)

    def contradict(tasks: list[dict[str, object]]) -> list[dict[str, object]]:
        first = dict(tasks[0])
        stray = {**first, "id": "t_stray"}
        if first["id"] == "t0":  # listed twice: someone else first, then the requested user
            return [{**first, "assigned_to": "someone-else"}, first, stray]
        return [*tasks, stray]

    transport.rewrite = contradict
    with caplog.at_level(logging.WARNING, logger="bot.jobs.reconcile"):
        async with client(transport) as sgp:
            summary = await JobRunner(jobs.records, sgp, "w1", 60_000).run(job())
    assert summary.assigned == 9
    assert summary.problems == {CONTRADICTED_REASON: ["t0"]}
    warned = [r.getMessage() for r in caplog.records if "not asked for" in r.getMessage()]
    assert warned and "t_stray" in warned[0]


async def test_a_job_honours_a_long_retry_after_and_says_how_long(
    fake: FakeSGP, jobs: Jobs
) -> None:
    fake.fail_next(429, headers={"retry-after": "120"})
    sleeps = Sleeps()
    heard: list[tuple[float, str]] = []

    async def on_wait(seconds: float, why: str) -> None:
        heard.append((seconds, why))

    request = Job(
        id="j1", confirmation=confirmation(("user-a", "UA", IDS[:1])), created_at=datetime.now(UTC)
    )
    async with client(Unreliable(fake), max_retries=2, sleep=sleeps) as sgp:
        summary = await JobRunner(jobs.records, sgp, "w1", 60_000).run(request, on_wait=on_wait)
        # Outside a job, the SDK's limit holds: 120 s is not honoured for an interactive call.
        fake.fail_next(429, headers={"retry-after": "120"})
        await sgp.assign_chunk("eval_1", IDS[1:2], "user-a")
    assert summary.assigned == 1
    assert heard == [(120.0, "429")]
    assert sleeps.calls[0] == 120.0 and sleeps.calls[1] < 60
