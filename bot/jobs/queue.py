"""The job queue: a Redis Stream with a consumer group, leases and takeover.

Each job is one stream entry naming a job id; the job itself lives in a plain key beside it (its
chunk results and markers are in `bot.jobs.records`). A worker reads new entries with XREADGROUP and
keeps its lease alive by re-claiming the entry (XCLAIM resets the idle time). If a worker dies,
its entry stays pending and goes idle; another worker takes it over with XAUTOCLAIM once it has
been idle longer than the lease, and skips the chunks already recorded as done. Chunk locks stop
two workers that both think they own a job (a paused one, a taker-over) from sending the same
chunk at the same time.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from fakeredis import FakeAsyncRedis
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.core.job import Job
from bot.store.errors import unavailable_on_connection_error

__all__ = ["FINISHED_TTL_SECONDS", "ClaimedJob", "JobQueue"]

logger = logging.getLogger(__name__)

GROUP: Final = "workers"
#: How long a finished job's state stays readable (for "Retry failed" and late duplicates).
FINISHED_TTL_SECONDS: Final = 7 * 24 * 60 * 60
#: Most entries kept in the stream; acknowledged ones are trimmed as new jobs arrive.
STREAM_MAXLEN: Final = 100_000
#: How often a worker on the embedded store looks for jobs enqueued by another store object.
EMBEDDED_POLL_SECONDS: Final = 0.1


@dataclass(frozen=True)
class ClaimedJob:
    entry_id: str
    job: Job
    #: How often the stream delivered this entry: above 1 means a worker took it over.
    deliveries: int = 1


class JobQueue:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key
        self.stream = key("jobs")
        self._group_ready = False
        # The embedded store answers a blocking XREADGROUP at once, which would make an idle
        # worker spin and starve the event loop: there, `claim` waits for an enqueue itself.
        self._reads_block = not isinstance(redis, FakeAsyncRedis)
        self._enqueued = asyncio.Event()

    def _job_key(self, job_id: str, *parts: str) -> str:
        return self._key("job", job_id, *parts)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(12)

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        with unavailable_on_connection_error():
            try:
                await self._redis.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        self._group_ready = True

    async def enqueue(self, job: Job) -> None:
        """Record the job, then announce it; a worker can only see a job that is complete."""
        await self._ensure_group()
        with unavailable_on_connection_error():
            await self._redis.set(
                self._job_key(job.id), job.model_dump_json(), ex=FINISHED_TTL_SECONDS
            )
            await self._redis.xadd(
                self.stream, {"job": job.id}, maxlen=STREAM_MAXLEN, approximate=True
            )
        self._enqueued.set()

    async def claim(self, consumer: str, lease_ms: int, block_ms: int) -> ClaimedJob | None:
        """An abandoned job (idle past the lease) first, else a new one; None when idle."""
        await self._ensure_group()
        with unavailable_on_connection_error():
            _, stale, _ = await self._redis.xautoclaim(
                self.stream, GROUP, consumer, min_idle_time=lease_ms, start_id="0-0", count=1
            )
            if stale:
                entry_id, fields = stale[0]
                return await self._load(
                    entry_id, fields, deliveries=await self._deliveries(entry_id)
                )
            entry = await self._read_new(consumer, block_ms)
        if entry is None:
            return None
        return await self._load(entry[0], entry[1], deliveries=1)

    async def _read_new(self, consumer: str, block_ms: int) -> tuple[str, Any] | None:
        """The next new entry, waiting up to `block_ms` for one."""
        if self._reads_block:
            fresh: Any = await self._redis.xreadgroup(
                GROUP, consumer, {self.stream: ">"}, count=1, block=block_ms
            )
            return _first_entry(fresh)
        deadline = time.monotonic() + block_ms / 1000
        while True:
            self._enqueued.clear()  # before reading, so an enqueue during the read still wakes
            entry = _first_entry(
                await self._redis.xreadgroup(GROUP, consumer, {self.stream: ">"}, count=1)
            )
            left = deadline - time.monotonic()
            if entry is not None or left <= 0:
                return entry
            try:
                async with asyncio.timeout(min(left, EMBEDDED_POLL_SECONDS)):
                    await self._enqueued.wait()
            except TimeoutError:
                pass

    async def _deliveries(self, entry_id: str) -> int:
        pending = await self._redis.xpending_range(
            self.stream, GROUP, min=entry_id, max=entry_id, count=1
        )
        return int(pending[0]["times_delivered"]) if pending else 1

    async def _load(self, entry_id: str, fields: Any, *, deliveries: int) -> ClaimedJob | None:
        job_id = (fields or {}).get("job")
        raw = await self._redis.get(self._job_key(job_id)) if job_id else None
        if raw is None:
            # Trimmed or expired: nothing left to run. Drop the entry so nobody retries it.
            logger.warning("job entry %s names no stored job; dropping it", entry_id)
            await self.ack(entry_id)
            return None
        try:
            job = Job.model_validate_json(raw)
        except ValidationError:
            logger.warning("job %s no longer parses; dropping it", job_id)
            await self.ack(entry_id)
            return None
        return ClaimedJob(entry_id, job, deliveries=deliveries)

    async def renew(self, consumer: str, entry_id: str) -> bool:
        """Keep the lease: re-claiming resets the entry's idle time. False if another took it."""
        with unavailable_on_connection_error():
            pending = await self._redis.xpending_range(
                self.stream, GROUP, min=entry_id, max=entry_id, count=1
            )
            if not pending or pending[0]["consumer"] != consumer:
                return False
            await self._redis.xclaim(
                self.stream, GROUP, consumer, min_idle_time=0, message_ids=[entry_id], justid=True
            )
        return True

    async def hand_back(self, entry_id: str, lease_ms: int) -> None:
        """On shutdown: mark the entry idle past the lease so the next worker takes it at once."""
        with unavailable_on_connection_error():
            await self._redis.xclaim(
                self.stream,
                GROUP,
                "handed-back",
                min_idle_time=0,
                message_ids=[entry_id],
                idle=lease_ms + 1,
                justid=True,
            )

    async def ack(self, entry_id: str) -> None:
        with unavailable_on_connection_error():
            await self._redis.xack(self.stream, GROUP, entry_id)

    async def job(self, job_id: str) -> Job | None:
        with unavailable_on_connection_error():
            raw = await self._redis.get(self._job_key(job_id))
        return Job.model_validate_json(raw) if raw else None


def _first_entry(response: Any) -> tuple[str, dict[str, str]] | None:
    """The one entry of an XREADGROUP answer, in RESP2 or RESP3 shape."""
    if not response:
        return None
    # RESP3: {stream: [[entry, ...]]}; RESP2: [[stream, [entry, ...]]]
    entries = next(iter(response.values()))[0] if isinstance(response, dict) else response[0][1]
    if not entries:
        return None
    entry_id, fields = entries[0]
    return str(entry_id), dict(fields or {})
