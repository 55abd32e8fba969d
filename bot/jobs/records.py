"""What a job leaves in Redis as it runs: chunk results, chunk locks, the publication claim,
its undo snapshot id and its retry marker; all kept for FINISHED_TTL_SECONDS.

Chunk results are recorded as each answer arrives, so a worker taking a job over sends only
what is missing; chunk locks keep two workers that both hold a job from sending one chunk twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from bot.jobs.queue import FINISHED_TTL_SECONDS
from bot.store.errors import unavailable_on_connection_error

__all__ = ["JobRecords"]


class JobRecords:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def _job_key(self, job_id: str, *parts: str) -> str:
        return self._key("job", job_id, *parts)

    async def record_chunk(self, job_id: str, index: int, result: dict[str, Any]) -> None:
        key = self._job_key(job_id, "chunks")
        with unavailable_on_connection_error():
            await self._redis.hset(key, str(index), json.dumps(result))
            await self._redis.expire(key, FINISHED_TTL_SECONDS)

    async def recorded_chunks(self, job_id: str) -> dict[int, dict[str, Any]]:
        with unavailable_on_connection_error():
            raw = await self._redis.hgetall(self._job_key(job_id, "chunks"))
        return {int(index): json.loads(value) for index, value in raw.items()}

    async def lock_chunk(self, job_id: str, index: int, owner: str, lease_ms: int) -> bool:
        with unavailable_on_connection_error():
            return bool(
                await self._redis.set(
                    self._job_key(job_id, "lock", str(index)), owner, nx=True, px=lease_ms
                )
            )

    async def unlock_chunk(self, job_id: str, index: int, owner: str) -> None:
        key = self._job_key(job_id, "lock", str(index))
        with unavailable_on_connection_error():
            if await self._redis.get(key) == owner:
                await self._redis.delete(key)

    # -- publication, exactly once ------------------------------------------------------------

    async def claim_publication(self, job_id: str, owner: str, lease_ms: int) -> bool:
        """Only one worker publishes a job's summary; a dead publisher's claim runs out."""
        with unavailable_on_connection_error():
            if await self._redis.exists(self._job_key(job_id, "published")):
                return False
            return bool(
                await self._redis.set(
                    self._job_key(job_id, "publishing"), owner, nx=True, px=lease_ms
                )
            )

    async def mark_published(self, job_id: str, where: dict[str, Any]) -> None:
        with unavailable_on_connection_error():
            await self._redis.set(
                self._job_key(job_id, "published"), json.dumps(where), ex=FINISHED_TTL_SECONDS
            )

    async def publication(self, job_id: str) -> dict[str, Any] | None:
        with unavailable_on_connection_error():
            raw = await self._redis.get(self._job_key(job_id, "published"))
        return json.loads(raw) if raw else None

    async def set_undo(self, job_id: str, undo_id: str | None) -> None:
        """The job's undo snapshot ("" for none), taken once before its first chunk."""
        with unavailable_on_connection_error():
            await self._redis.set(
                self._job_key(job_id, "undo"), undo_id or "", ex=FINISHED_TTL_SECONDS
            )

    async def undo(self, job_id: str) -> str | None:
        """The recorded snapshot id; "" when the job has none, None when none was taken yet."""
        with unavailable_on_connection_error():
            value = await self._redis.get(self._job_key(job_id, "undo"))
        return None if value is None else str(value)

    async def claim_retry(self, job_id: str) -> bool:
        """A job's failed tasks are retried once, however many times the button is pressed."""
        with unavailable_on_connection_error():
            return bool(
                await self._redis.set(
                    self._job_key(job_id, "retried"), "1", nx=True, ex=FINISHED_TTL_SECONDS
                )
            )
