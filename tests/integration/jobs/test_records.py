"""What a job records as it runs: chunk results, chunk locks, the publication claim."""

from __future__ import annotations

import asyncio

from bot.jobs.records import ChunkLock, JobRecords
from bot.store import Store
from tests.conftest import StoreFactory


def jobs_of(store: Store) -> JobRecords:
    return JobRecords(store.redis, store.key)


RECORD = {"task_ids": ["t1"], "tasks": [], "error": None}


async def test_chunk_records_and_locks(store: Store, make_store: StoreFactory) -> None:
    jobs = jobs_of(store)
    other = jobs_of(make_store(prefix=store.prefix, new_connection=True))
    assert await jobs.lock_chunk("j", 0, "w1", 60_000) == ChunkLock(locked=True)
    assert await other.lock_chunk("j", 0, "w2", 60_000) == ChunkLock(locked=False)
    await other.unlock_chunk("j", 0, "w2")  # not its lock: no effect
    assert await other.lock_chunk("j", 0, "w2", 60_000) == ChunkLock(locked=False)
    await jobs.unlock_chunk("j", 0, "w1")
    assert await other.lock_chunk("j", 0, "w2", 60_000) == ChunkLock(locked=True)


async def test_recording_a_chunk_frees_its_lock_and_hands_its_record_to_the_next_locker(
    store: Store, make_store: StoreFactory
) -> None:
    jobs = jobs_of(store)
    other = jobs_of(make_store(prefix=store.prefix, new_connection=True))
    assert (await jobs.lock_chunk("j", 0, "w1", 60_000)).locked
    await jobs.record_chunk("j", 0, RECORD, "w1")
    assert not await store.redis.exists(store.key("job", "j", "lock", "0"))
    # The next worker to try gets the record, not a lock: it does not send the chunk again.
    assert await other.lock_chunk("j", 0, "w2", 60_000) == ChunkLock(False, RECORD)
    assert await other.recorded_chunks("j") == {0: RECORD}


async def test_a_record_leaves_a_lock_another_worker_took_since(
    store: Store, make_store: StoreFactory
) -> None:
    jobs = jobs_of(store)
    other = jobs_of(make_store(prefix=store.prefix, new_connection=True))
    assert (await other.lock_chunk("j", 1, "w2", 60_000)).locked  # w1's lapsed, w2 took it
    await jobs.record_chunk("j", 1, RECORD, "w1")
    assert await store.redis.get(store.key("job", "j", "lock", "1")) == "w2"


async def test_a_job_starts_from_its_undo_snapshot_and_recorded_chunks(store: Store) -> None:
    jobs = jobs_of(store)
    assert await jobs.start_of("j") == (None, {})  # nothing taken yet
    await jobs.set_undo("j", None)
    await jobs.record_chunk("j", 2, RECORD, "w1")
    assert await jobs.start_of("j") == ("", {2: RECORD})  # taken: the job has no Undo
    await jobs.set_undo("j", "u1")
    assert await jobs.start_of("j") == ("u1", {2: RECORD})


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
