"""Reminder schedules in Redis (fake and real): claimed once, finished safely, covered once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.reminders import Tracked
from bot.store import Store
from bot.store.reminders import Due
from tests.conftest import StoreFactory

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
ALICE = Due.person("T1", "UALICE")


def tasks(*hours: float) -> list[Tracked]:
    return [Tracked("ev1", f"t{i}", "p1", NOW + timedelta(hours=h)) for i, h in enumerate(hours, 1)]


async def test_a_due_schedule_is_claimed_by_one_process_only(
    store: Store, make_store: StoreFactory
) -> None:
    await store.reminders.track("T1", "UALICE", tasks(5), NOW - timedelta(minutes=1), NOW)
    others = [make_store(prefix=store.prefix, new_connection=True) for _ in range(4)]
    claims = await asyncio.gather(*(s.reminders.claim(NOW, LEASE, 10) for s in [store, *others]))
    assert sorted(len(claimed) for claimed in claims) == [0, 0, 0, 0, 1]
    assert await store.reminders.claim(NOW + timedelta(minutes=1), LEASE, 10) == []
    [again] = await store.reminders.claim(NOW + LEASE, LEASE, 10)  # the taker died: lease over
    assert again.member == ALICE and again.parts == ["T1", "UALICE"]


async def test_nothing_is_claimed_before_it_is_due(store: Store) -> None:
    await store.reminders.track("T1", "UALICE", tasks(30), NOW + timedelta(hours=6), NOW)
    assert await store.reminders.claim(NOW, LEASE, 10) == []
    assert await store.reminders.due_at(ALICE) == NOW + timedelta(hours=6)


async def test_finishing_sets_the_next_time_but_never_delays_a_newer_schedule(
    store: Store,
) -> None:
    await store.reminders.track("T1", "UALICE", tasks(5), NOW, NOW)
    [due] = await store.reminders.claim(NOW, LEASE, 10)
    await store.reminders.finish(due, NOW + timedelta(hours=3))
    assert await store.reminders.due_at(ALICE) == NOW + timedelta(hours=3)

    [due] = await store.reminders.claim(NOW + timedelta(hours=3), LEASE, 10)
    # Meanwhile a new job scheduled an earlier digest: finishing must not push it back.
    await store.reminders.track("T1", "UALICE", tasks(1), NOW + timedelta(hours=3), NOW)
    await store.reminders.finish(due, NOW + timedelta(hours=9))
    assert await store.reminders.due_at(ALICE) == NOW + timedelta(hours=3)

    [due] = await store.reminders.claim(NOW + timedelta(hours=3), LEASE, 10)
    await store.reminders.finish(due, None)
    assert await store.reminders.due_at(ALICE) is None


async def test_a_window_is_covered_once(store: Store, make_store: StoreFactory) -> None:
    other = make_store(prefix=store.prefix, new_connection=True)
    window, until = NOW + timedelta(hours=5), NOW + timedelta(hours=24)
    won = await asyncio.gather(
        store.reminders.cover("T1", "UALICE", "ev1", window, until),
        other.reminders.cover("T1", "UALICE", "ev1", window, until),
    )
    assert sorted(won) == [False, True]
    later = NOW + timedelta(hours=30)
    assert await store.reminders.cover("T1", "UALICE", "ev1", later, later + timedelta(days=1))
    assert await store.reminders.cover("T1", "UALICE", "ev2", window, until), "per evaluation"


async def test_a_persons_tasks_round_trip_and_are_forgotten(store: Store) -> None:
    tracked = tasks(5, 7)
    await store.reminders.track("T1", "UALICE", tracked, NOW, NOW)
    await store.reminders.cover("T1", "UALICE", "ev1", NOW, NOW + timedelta(hours=1))
    found, covered = await store.reminders.person("T1", "UALICE")
    assert sorted(found, key=lambda t: t.task_id) == tracked
    assert covered == {"ev1": NOW + timedelta(hours=1)}
    await store.reminders.forget("T1", "UALICE", tracked[:1])
    found, _ = await store.reminders.person("T1", "UALICE")
    assert found == tracked[1:]
    assert await store.redis.ttl(store.reminders.person_key("T1", "UALICE")) > 0
