"""What a job records as it runs: chunk results, chunk locks, the publication claim."""

from __future__ import annotations

import asyncio

from bot.jobs.records import JobRecords
from bot.store import Store
from tests.conftest import StoreFactory


def jobs_of(store: Store) -> JobRecords:
    return JobRecords(store.redis, store.key)


async def test_chunk_records_and_locks(store: Store, make_store: StoreFactory) -> None:
    jobs = jobs_of(store)
    other = jobs_of(make_store(prefix=store.prefix, new_connection=True))
    assert await jobs.lock_chunk("j", 0, "w1", 60_000) is True
    assert await other.lock_chunk("j", 0, "w2", 60_000) is False
    await other.unlock_chunk("j", 0, "w2")  # not its lock: no effect
    assert await other.lock_chunk("j", 0, "w2", 60_000) is False
    await jobs.record_chunk("j", 0, {"task_ids": ["t1"], "tasks": [], "error": None})
    await jobs.unlock_chunk("j", 0, "w1")
    assert await other.recorded_chunks("j") == {0: {"task_ids": ["t1"], "tasks": [], "error": None}}
    assert await other.lock_chunk("j", 0, "w2", 60_000) is True


async def test_publication_is_claimed_once(store: Store, make_store: StoreFactory) -> None:
    jobs = jobs_of(store)
    other = jobs_of(make_store(prefix=store.prefix, new_connection=True))
    wins = await asyncio.gather(
        *(j.claim_publication("j", f"w{i}", 60_000) for i, j in enumerate([jobs, other] * 5))
    )
    assert wins.count(True) == 1
    await jobs.mark_published("j", {"ts": "1.2"})
    assert await other.claim_publication("j", "w9", 60_000) is False
    assert await other.publication("j") == {"ts": "1.2"}
