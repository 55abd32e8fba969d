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
from typing import Any, Final, TypeVar

from redis.asyncio import Redis

from bot.jobs.queue import FINISHED_TTL_SECONDS
from bot.store.errors import StoreUnavailable, unavailable_on_connection_error

__all__ = ["JobRecords"]

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
#: Waits between tries while Redis is away: short first, so a blip costs a blip.
PATIENCE_DELAYS: Final = (0.05, 0.1, 0.2, 0.5, 1.0)


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

    async def record_chunk(self, job_id: str, index: int, result: dict[str, Any]) -> None:
        key = self._job_key(job_id, "chunks")

        async def record() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, str(index), json.dumps(result))
                pipe.expire(key, FINISHED_TTL_SECONDS)
                await pipe.execute()

        await self._call(record)

    async def recorded_chunks(self, job_id: str) -> dict[int, dict[str, Any]]:
        raw = await self._call(lambda: self._redis.hgetall(self._job_key(job_id, "chunks")))
        return {int(index): json.loads(value) for index, value in raw.items()}

    async def recorded_chunk(self, job_id: str, index: int) -> dict[str, Any] | None:
        """One chunk's record: a 200-chunk job reads its own, not every record, per chunk."""
        key = self._job_key(job_id, "chunks")
        raw = await self._call(lambda: self._redis.hget(key, str(index)))
        return None if raw is None else json.loads(raw)

    async def lock_chunk(self, job_id: str, index: int, owner: str, lease_ms: int) -> bool:
        """Not re-entrant: two tries of one chunk by one worker must not both send it."""
        key = self._job_key(job_id, "lock", str(index))
        return bool(await self._call(lambda: self._redis.set(key, owner, nx=True, px=lease_ms)))

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

    async def undo(self, job_id: str) -> str | None:
        """The recorded snapshot id; "" when the job has none, None when none was taken yet."""
        value = await self._call(lambda: self._redis.get(self._job_key(job_id, "undo")))
        return None if value is None else str(value)

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
