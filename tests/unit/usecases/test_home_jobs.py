"""A lead's recent jobs on the App Home: listed when submitted (queued, then how far it got),
replaced by the outcome when it finishes, and Retry failed offered only while it is unused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.commands import Assign, PlatformUser
from bot.core.home import unfinished_entry
from bot.core.job import Job, SurfaceRef
from bot.core.requester import Requester
from bot.fakes.sgp_server import FakeSGP
from bot.jobs.runner import JobRunner
from bot.usecases.home import Home
from tests.unit.usecases.harness import Cases, make_cases

LEAD = Requester(team_id="T1", user_id="ULEAD", channel_id="C1")
IDS = ["t1", "t2", "t3", "t4"]


@pytest.fixture
def fake() -> FakeSGP:
    fake = FakeSGP(api_key="sgp-test-key-1234")
    fake.add_tasks("eval_1", IDS)
    return fake


@pytest.fixture
async def service(fake: FakeSGP) -> AsyncIterator[Cases]:
    cases = make_cases(fake, chunk_size=2)
    yield cases
    await cases.aclose()


async def submitted(service: Cases) -> Job:
    pending = await service.assigning.prepare(
        LEAD, Assign("eval_1", tuple(IDS), 0, (PlatformUser("user-a"),))
    )
    taken = await service.assigning.confirm(pending.token, "ULEAD")
    return await service.assigning.submit(taken, SurfaceRef())


async def the_job(home: Home, job_id: str) -> tuple[str, int | None, bool]:
    data = await home.data("T1", "ULEAD")
    view = next(view for view in data.jobs if view.entry.job_id == job_id)
    return view.entry.state, view.done, view.retry_available


async def test_a_submitted_job_is_queued_then_counts_then_done(service: Cases) -> None:
    home = service.usecases.home
    job = await submitted(service)
    assert await the_job(home, job.id) == ("queued", None, False)

    claimed = await service.jobs.queue.claim("w1", 60_000, block_ms=10)
    assert claimed is not None
    seen: list[tuple[str, int | None, bool]] = []

    async def look(done: int, total: int) -> None:
        seen.append(await the_job(home, job.id))

    runner = JobRunner(service.jobs.records, service.platform, "w1", 60_000)
    summary = await runner.run(claimed.job, on_progress=look)
    # While it runs: "assigning 2 / 4" (chunks may finish together: then 4 / 4).
    assert seen and all(state == "queued" and done in (2, 4) for state, done, _ in seen)
    await home.job_finished(claimed.job, summary, None)
    assert await the_job(home, job.id) == ("assigned", None, False)
    data = await home.data("T1", "ULEAD")
    assert [view.entry.job_id for view in data.jobs] == [job.id]  # replaced, not listed twice

    await service.store.home.add_unfinished(unfinished_entry(job))  # a late "queued" write
    assert (await the_job(home, job.id))[0] == "assigned"


async def test_retry_failed_is_offered_until_it_is_used(service: Cases, fake: FakeSGP) -> None:
    home = service.usecases.home
    job = await submitted(service)
    fake.fail_next(500, times=20)
    claimed = await service.jobs.queue.claim("w1", 60_000, block_ms=10)
    assert claimed is not None
    summary = await JobRunner(service.jobs.records, service.platform, "w1", 60_000).run(claimed.job)
    assert summary.not_assigned > 0
    await home.job_finished(claimed.job, summary, None)
    assert await the_job(home, job.id) == (summary_state(summary.assigned), None, True)

    await service.assigning.retry_failed(job.id, "ULEAD", "C1", "1700000000.000100")
    assert (await the_job(home, job.id))[2] is False


async def test_a_job_given_up_says_so(service: Cases) -> None:
    home = service.usecases.home
    job = await submitted(service)
    await home.job_given_up(job)
    assert await the_job(home, job.id) == ("given_up", None, False)


def summary_state(assigned: int) -> str:
    return "partial" if assigned else "failed"
