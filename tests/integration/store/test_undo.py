"""Undo snapshots: kept 24 hours, taken once (also by two processes), untrusted ids."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.undo import UNDO_TTL_SECONDS, Snapshot, UndoEntry
from bot.store import Store
from tests.conftest import StoreFactory


def make_snapshot() -> Snapshot:
    return Snapshot(
        team_id="T1",
        requester_id="ULEAD",
        evaluation_id="eval_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        entries=(
            UndoEntry(task_id="t1", assigned_to="user_new", previous="user_a"),
            UndoEntry(task_id="t2", assigned_to="user_new", previous=None),
        ),
    )


async def test_put_peek_take_once(store: Store) -> None:
    snapshot_id = await store.undo.put(make_snapshot())
    assert len(snapshot_id) >= 24
    assert await store.undo.peek(snapshot_id) == make_snapshot()
    assert 0 < await store.redis.ttl(store.undo.key(snapshot_id)) <= UNDO_TTL_SECONDS
    assert not await store.undo.undone(snapshot_id)

    assert await store.undo.take(snapshot_id) == make_snapshot()
    assert await store.undo.take(snapshot_id) is None
    assert await store.undo.peek(snapshot_id) is None
    assert await store.undo.undone(snapshot_id)


async def test_two_processes_race_and_one_wins(store: Store, make_store: StoreFactory) -> None:
    other = make_store(prefix=store.prefix, new_connection=True)
    snapshot_id = await store.undo.put(make_snapshot())
    taken = await asyncio.gather(*(s.undo.take(snapshot_id) for s in [store, other] * 5))
    assert sum(1 for t in taken if t is not None) == 1


async def test_untrusted_ids_touch_nothing(store: Store) -> None:
    for bad in ["", "short", "x" * 200, "../../etc", "a b c d e f g h i j k l"]:
        assert await store.undo.peek(bad) is None
        assert await store.undo.take(bad) is None
        assert not await store.undo.undone(bad)


async def test_an_unreadable_snapshot_counts_as_missing(store: Store) -> None:
    snapshot_id = await store.undo.put(make_snapshot())
    await store.redis.set(store.undo.key(snapshot_id), '{"written by": "another version"}')
    assert await store.undo.peek(snapshot_id) is None
    assert await store.undo.take(snapshot_id) is None
