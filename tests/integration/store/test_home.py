"""The App Home's index: a finished job under everyone it involves, and the tasks it gave each."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.audit import AuditedShare
from bot.core.home import JobEntry
from bot.store import Store
from bot.store.home import KEPT_SECONDS

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def entry(job_id: str, evaluation_id: str = "eval_1", **fields: object) -> JobEntry:
    values: dict[str, object] = {
        "job_id": job_id,
        "team_id": "T1",
        "requester_id": "ULEAD",
        "channel_id": "C1",
        "evaluation_id": evaluation_id,
        "finished_at": AT,
        "requested": 3,
        "assigned": 3,
        "failed": 0,
        "assignees": (
            AuditedShare(platform_user_id="user-a", slack_user_id="UA", requested=3, assigned=3),
        ),
    }
    return JobEntry.model_validate(values | fields)


async def test_a_finished_job_is_listed_for_its_requester_and_assignees(store: Store) -> None:
    await store.home.add_job(entry("job1"), {"UA": ("t1", "t2", "t3")})
    for person in ("ULEAD", "UA"):
        assert [e.job_id for e in await store.home.jobs("T1", person, 10)] == ["job1"]
    assert await store.home.evaluations("T1", "UA", 10) == ["eval_1"]
    assert await store.home.given("T1", "UA", "eval_1") == {"t1", "t2", "t3"}


async def test_the_tasks_of_every_job_add_up_and_expire_with_the_index(store: Store) -> None:
    """10,000 ids of one job (sent as one argument) and a later job's: all of them, kept."""
    many = tuple(f"task-{i:05d}" for i in range(10_000))
    await store.home.add_job(entry("job1"), {"UA": many})
    await store.home.add_job(entry("job2"), {"UA": ("odd id\nwith a newline", 'and "quotes"')})
    given = await store.home.given("T1", "UA", "eval_1")
    assert given == {*many, "odd id\nwith a newline", 'and "quotes"'}
    key = store.home._person("tasks", "T1", "UA", "eval_1")
    assert 0 < await store.redis.ttl(key) <= KEPT_SECONDS


async def test_tasks_are_kept_per_person_and_evaluation(store: Store) -> None:
    await store.home.add_job(entry("job1"), {"UA": ("t1",), "UB": ("t2",)})
    await store.home.add_job(entry("job2", "eval_2"), {"UA": ("t9",)})
    assert await store.home.given("T1", "UA", "eval_1") == {"t1"}
    assert await store.home.given("T1", "UB", "eval_1") == {"t2"}
    assert await store.home.given("T1", "UA", "eval_2") == {"t9"}
    assert await store.home.given("T1", "UC", "eval_1") == set()
