"""What a job leaves in Redis as it runs: chunk results, chunk locks, the publication lease and
the reporting steps done, its undo snapshot id and its retry marker; all kept for
FINISHED_TTL_SECONDS.

Chunk results are recorded as each answer arrives, so a worker taking a job over sends only
what is missing; chunk locks keep two workers that both hold a job from sending one chunk twice,
and are released by compare-and-delete so a lock that lapsed and was taken is never freed by its
old owner. A worker's records are `patient`: while Redis cannot be reached they wait for it
(an answer not yet recorded is kept, and no new chunk is locked, so nothing is sent that could
not be recorded); the request path's records fail fast instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final, NamedTuple, TypeVar

from redis.asyncio import Redis

from bot.jobs.queue import FINISHED_TTL_SECONDS
from bot.store.errors import StoreUnavailable, unavailable_on_connection_error

__all__ = ["ChunkLock", "JobRecords"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: One-key scripts: a lock or lease is only touched by the owner that holds it.
RELEASE: Final = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
)
RENEW: Final = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
)
#: Take the lease when it is free, keep it when it is ours already (a retried command too);
#: never once the job was published (KEYS[2]).
CLAIM: Final = (
    "if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end "
    "local held = redis.call('GET', KEYS[1]) "
    "if held == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
    "if held then return 0 end "
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1"
)
#: A chunk's lock (KEYS[1]), unless the chunk is recorded already (field ARGV[3] of KEYS[2]):
#: then its record, and nothing locked. One round trip, and no moment between the two looks.
LOCK: Final = (
    "local done = redis.call('HGET', KEYS[2], ARGV[3]) if done then return done end "
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end return 0"
)
#: A chunk's record (ARGV[1] of KEYS[1], kept ARGV[3] s), and its lock (KEYS[2]) freed if
#: it is still ARGV[2]'s.
RECORD: Final = (
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[4]) redis.call('EXPIRE', KEYS[1], ARGV[3]) "
    "if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end return 1"
)
#: Waits between tries while Redis is away: short first, so a blip costs a blip.
PATIENCE_DELAYS: Final = (0.05, 0.1, 0.2, 0.5, 1.0)


class ChunkLock(NamedTuple):
    """What trying to lock a chunk found: the lock, or the chunk finished by another worker."""

    locked: bool
    recorded: dict[str, Any] | None = None


class JobRecords:
    def __init__(self, redis: Redis, key: Callable[..., str], *, patient: bool = False) -> None:
        self._redis = redis
        self._key = key
        self.patient = patient

    def patient_view(self) -> JobRecords:
        """The same records for a worker: every call waits for Redis instead of failing."""
        return JobRecords(self._redis, self._key, patient=True)

    def _job_key(self, job_id: str, *parts: str) -> str:
        return self._key("job", job_id, *parts)

    async def _call(self, operation: Callable[[], Awaitable[T]]) -> T:
        """`operation()`, as StoreUnavailable; when patient, tried again until Redis answers."""
        attempt = 0
        while True:
            try:
                with unavailable_on_connection_error():
                    return await operation()
            except StoreUnavailable:
                if not self.patient:
                    raise
                if attempt == 0:
                    log.warning("the store is unavailable: the job waits for it")
                await asyncio.sleep(PATIENCE_DELAYS[min(attempt, len(PATIENCE_DELAYS) - 1)])
                attempt += 1

    async def _script(self, script: str, keys: tuple[str, ...], *args: str | int) -> Any:
        return await self._call(lambda: self._redis.eval(script, len(keys), *keys, *args))

    async def record_chunk(
        self, job_id: str, index: int, result: dict[str, Any], owner: str
    ) -> None:
        """The chunk's result, and its lock (`owner`'s) freed: one round trip."""
        keys = (self._job_key(job_id, "chunks"), self._job_key(job_id, "lock", str(index)))
        await self._script(
            RECORD, keys, str(index), owner, FINISHED_TTL_SECONDS, json.dumps(result)
        )

    async def recorded_chunks(self, job_id: str) -> dict[int, dict[str, Any]]:
        raw = await self._call(lambda: self._redis.hgetall(self._job_key(job_id, "chunks")))
        return _decoded(raw)

    async def start_of(self, job_id: str) -> tuple[str | None, dict[int, dict[str, Any]]]:
        """Where a job starts from, in one round trip: its undo snapshot id ("" when the job
        has none, None when none was taken yet) and the chunks recorded so far."""

        async def read() -> list[Any]:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(self._job_key(job_id, "undo"))
                pipe.hgetall(self._job_key(job_id, "chunks"))
                return list(await pipe.execute())

        undo, chunks = await self._call(read)
        return (None if undo is None else str(undo)), _decoded(chunks)

    async def lock_chunk(self, job_id: str, index: int, owner: str, lease_ms: int) -> ChunkLock:
        """The chunk's lock, or its record when another worker finished it. Not re-entrant:
        two tries of one chunk by one worker must not both send it."""
        keys = (self._job_key(job_id, "lock", str(index)), self._job_key(job_id, "chunks"))
        answer = await self._script(LOCK, keys, owner, lease_ms, str(index))
        if isinstance(answer, str | bytes):
            return ChunkLock(locked=False, recorded=json.loads(answer))
        return ChunkLock(locked=bool(answer))

    async def unlock_chunk(self, job_id: str, index: int, owner: str) -> None:
        """Compare-and-delete: a lock that lapsed and another worker took stays theirs."""
        await self._script(RELEASE, (self._job_key(job_id, "lock", str(index)),), owner)

    # -- publication, exactly once ------------------------------------------------------------

    async def claim_publication(self, job_id: str, owner: str, lease_ms: int) -> bool:
        """The publication lease: one worker reports at a time, renewing it while it does.

        False when the job was reported already or another live worker holds the lease; a dead
        publisher's lease runs out, and whoever takes it over finishes the steps not done.
        """
        keys = (self._job_key(job_id, "publishing"), self._job_key(job_id, "published"))
        return bool(await self._script(CLAIM, keys, owner, lease_ms))

    async def renew_publication(self, job_id: str, owner: str, lease_ms: int) -> bool:
        key = self._job_key(job_id, "publishing")
        return bool(await self._script(RENEW, (key,), owner, lease_ms))

    async def release_publication(self, job_id: str, owner: str) -> None:
        await self._script(RELEASE, (self._job_key(job_id, "publishing"),), owner)

    async def mark_step(self, job_id: str, step: str, value: str = "1") -> None:
        """One reporting step done (summary, detail, a DM, the result, the audit record)."""
        key = self._job_key(job_id, "steps")

        async def mark() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, step, value)
                pipe.expire(key, FINISHED_TTL_SECONDS)
                await pipe.execute()

        await self._call(mark)

    async def steps(self, job_id: str) -> dict[str, str]:
        """The reporting steps done so far, each with what it left (a ts, a permalink)."""
        raw = await self._call(lambda: self._redis.hgetall(self._job_key(job_id, "steps")))
        return {str(k): str(v) for k, v in raw.items()}

    async def mark_published(self, job_id: str, where: dict[str, Any]) -> None:
        await self._call(
            lambda: self._redis.set(
                self._job_key(job_id, "published"), json.dumps(where), ex=FINISHED_TTL_SECONDS
            )
        )

    async def publication(self, job_id: str) -> dict[str, Any] | None:
        raw = await self._call(lambda: self._redis.get(self._job_key(job_id, "published")))
        return json.loads(raw) if raw else None

    async def set_undo(self, job_id: str, undo_id: str | None) -> None:
        """The job's undo snapshot ("" for none), taken once before its first chunk."""
        await self._call(
            lambda: self._redis.set(
                self._job_key(job_id, "undo"), undo_id or "", ex=FINISHED_TTL_SECONDS
            )
        )

    async def claim_retry(self, job_id: str) -> bool:
        """A job's failed tasks are retried once, however many times the button is pressed."""
        return bool(
            await self._call(
                lambda: self._redis.set(
                    self._job_key(job_id, "retried"), "1", nx=True, ex=FINISHED_TTL_SECONDS
                )
            )
        )

    async def retried(self, job_id: str) -> bool:
        """Whether Retry failed was pressed for the job already (read, never claimed)."""
        key = self._job_key(job_id, "retried")
        return bool(await self._call(lambda: self._redis.exists(key)))


def _decoded(chunks: dict[Any, Any]) -> dict[int, dict[str, Any]]:
    """The chunks hash as read: chunk index -> its record."""
    return {int(index): json.loads(value) for index, value in chunks.items()}
