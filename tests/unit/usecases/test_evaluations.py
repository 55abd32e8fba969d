"""Evaluations read back: the overview an unfurl shows (cached), the open tasks of a job."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.job import Job
from bot.core.readback import AssigneeCount, Assignment
from bot.fakes.sgp_server import FakeSGP
from bot.sgp.errors import NotFoundError
from tests.unit.factories import NOW, confirmation
from tests.unit.usecases.harness import KEY, Cases, make_cases

EVAL = "eval_1"


@pytest.fixture
def fake() -> FakeSGP:
    return FakeSGP(api_key=KEY)


@pytest.fixture
async def cases(fake: FakeSGP) -> AsyncIterator[Cases]:
    built = make_cases(fake)
    yield built
    await built.aclose()


def _assignment(job_id: str = "job_1") -> Assignment:
    people = (AssigneeCount("user-a", "UALICE", 3, 3),)
    return Assignment(EVAL, job_id, "ULEAD", "summary", 3, 3, people)


async def test_overview_reads_name_status_and_counts_and_is_cached(
    cases: Cases, fake: FakeSGP
) -> None:
    fake.add_evaluation(EVAL, name="Helpfulness, round 2", status="PENDING")
    fake.add_tasks(EVAL, ["t1", "t2", "t3", "t4"])
    fake.set_status(EVAL, ["t1"], "COMPLETED")

    overview = await cases.usecases.evaluations.overview(EVAL)
    assert (overview.name, overview.status) == ("Helpfulness, round 2", "PENDING")
    assert overview.completed_test_case_result_count == 1
    assert overview.total_test_case_result_count == 4

    fake.set_status(EVAL, ["t2"], "COMPLETED")
    again = await cases.usecases.evaluations.overview(EVAL)
    assert again == overview, "a second unfurl within the cache's life reads the cache"
    assert len(fake.evaluation_calls(EVAL)) == 1


async def test_overview_of_an_unknown_evaluation_raises_the_platforms_error(
    cases: Cases, fake: FakeSGP
) -> None:
    with pytest.raises(NotFoundError):
        await cases.usecases.evaluations.overview("eval_missing")
    assert await cases.store.cache.get("evaluation", "eval_missing") is None


async def _job(cases: Cases, job_id: str, ids: list[str]) -> None:
    asked = confirmation(("user-a", "UALICE", ids))
    await cases.jobs.enqueue(Job(id=job_id, confirmation=asked, created_at=NOW))


async def test_reassignment_is_the_jobs_tasks_that_are_not_completed(
    cases: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2", "t3", "t4", "t5"], assigned_to="user-a")
    fake.set_status(EVAL, ["t2"], "COMPLETED")
    fake.set_status(EVAL, ["t3"], "FIXED")
    await _job(cases, "job_1", ["t1", "t2", "t3", "t4"])

    found = await cases.usecases.evaluations.reassignment(_assignment())
    assert found.evaluation_id == EVAL
    assert found.task_ids == ("t1", "t4"), "t5 was not in the job; t2 and t3 are done"
    assert found.filtered and found.from_job


async def test_without_the_jobs_record_the_assignees_open_tasks_stand_in(
    cases: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"], assigned_to="user-a")
    fake.add_tasks(EVAL, ["t3"], assigned_to="user-z")
    fake.set_status(EVAL, ["t2"], "COMPLETED")

    found = await cases.usecases.evaluations.reassignment(_assignment("job_expired"))
    assert found.task_ids == ("t1",)
    assert not found.from_job


async def test_when_the_listing_fails_the_jobs_tasks_are_offered_unfiltered(
    cases: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"])
    await _job(cases, "job_1", ["t1", "t2"])
    fake.fail_next(503, times=5, route="test-case-results")

    found = await cases.usecases.evaluations.reassignment(_assignment())
    assert found.task_ids == ("t1", "t2") and not found.filtered
