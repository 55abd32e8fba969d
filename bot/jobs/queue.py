"""The job queue: a Redis Stream with a consumer group, leases and takeover.

Each job is one stream entry naming a job id; the job itself lives in a plain key beside it (its
chunk results and markers are in `bot.jobs.records`). A worker reads new entries with XREADGROUP and
keeps its lease alive by re-claiming the entry (XCLAIM resets the idle time). If a worker dies,
its entry stays pending and goes idle; another worker takes it over with XAUTOCLAIM once it has
been idle longer than the lease, and skips the chunks already recorded as done. Chunk locks stop
two workers that both think they own a job (a paused one, a taker-over) from sending the same
chunk at the same time.

Redis may lose the stream or its group (a restart without persistence, FLUSHALL, a failover to a
replica that never had them): every call that needs them recreates them and goes on, and a job
whose record vanished is not run blind: `on_lost` tells its requester what is known, from what
the stream entry itself carries. Workers keep a heartbeat in one sorted set, for `check`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
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

#: What a stream entry whose job record vanished still says: the entry's fields.
LostJob = Callable[[str, dict[str, str]], Awaitable[None]]


def is_missing_stream(exc: ResponseError) -> bool:
    """Redis lost the stream or its group: NOGROUP, or a blocked read told the key is gone."""
    text = str(exc)
    return "NOGROUP" in text or "no longer exists" in text


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
        #: Told of a job whose entry is left but whose record vanished (with a Redis reset).
        self.on_lost: LostJob | None = None

    def _job_key(self, job_id: str, *parts: str) -> str:
        return self._key("job", job_id, *parts)

    @staticmethod
    def new_id() -> str:
        """Unguessable; starting with a letter or digit, as ids read back from metadata must."""
        while not (job_id := secrets.token_urlsafe(12))[0].isalnum():
            continue
        return job_id

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

    def _lost_group(self, exc: ResponseError, during: str) -> None:
        """Forget the group was made, so the next call makes it again; other errors go on up."""
        if not is_missing_stream(exc):
            raise exc
        self._group_ready = False
        logger.warning("the job stream or its group vanished during %s: recreating it", during)

    async def enqueue(self, job: Job) -> None:
        """Record the job, then announce it; a worker can only see a job that is complete."""
        await self._ensure_group()
        with unavailable_on_connection_error():
            await self._redis.set(
                self._job_key(job.id), job.model_dump_json(), ex=FINISHED_TTL_SECONDS
            )
            await self._redis.xadd(
                self.stream, _entry_fields(job), maxlen=STREAM_MAXLEN, approximate=True
            )
        self._enqueued.set()

    async def claim(self, consumer: str, lease_ms: int, block_ms: int) -> ClaimedJob | None:
        """An abandoned job (idle past the lease) first, else a new one; None when idle."""
        await self._ensure_group()
        try:
            return await self._claim(consumer, lease_ms, block_ms)
        except ResponseError as exc:
            self._lost_group(exc, "a claim")
            await self._ensure_group()
            return None

    async def _claim(self, consumer: str, lease_ms: int, block_ms: int) -> ClaimedJob | None:
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
            # Expired, or lost with Redis: nothing left to run. Tell who asked, drop the entry.
            logger.warning("job entry %s names no stored job; dropping it", entry_id)
            await self._tell_lost(str(job_id or ""), dict(fields or {}))
            await self.ack(entry_id)
            return None
        try:
            job = Job.model_validate_json(raw)
        except ValidationError:
            logger.warning("job %s no longer parses; dropping it", job_id)
            await self.ack(entry_id)
            return None
        return ClaimedJob(entry_id, job, deliveries=deliveries)

    async def _tell_lost(self, job_id: str, fields: dict[str, str]) -> None:
        if self.on_lost is None:
            return
        try:
            await self.on_lost(job_id, fields)
        except Exception:
            logger.exception("could not tell the requester of lost job %s", job_id)

    async def renew(self, consumer: str, entry_id: str) -> bool:
        """Keep the lease: re-claiming resets the entry's idle time. False if another took it.

        An entry no longer pending at all went with Redis (or was trimmed): nobody else can
        claim it, so the worker holding the job in memory keeps it and finishes it.
        """
        try:
            with unavailable_on_connection_error():
                pending = await self._redis.xpending_range(
                    self.stream, GROUP, min=entry_id, max=entry_id, count=1
                )
        except ResponseError as exc:
            self._lost_group(exc, "a lease renewal")
            return True
        if not pending:
            logger.warning("job entry %s vanished from the stream: finishing it anyway", entry_id)
            return True
        if pending[0]["consumer"] != consumer:
            return False
        with unavailable_on_connection_error():
            await self._redis.xclaim(
                self.stream, GROUP, consumer, min_idle_time=0, message_ids=[entry_id], justid=True
            )
        return True

    async def hand_back(self, entry_id: str, lease_ms: int) -> None:
        """On shutdown: mark the entry idle past the lease so the next worker takes it at once."""
        with unavailable_on_connection_error(), _unless_missing():
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
        """Done with the entry; one that vanished with its group needs no ack."""
        with unavailable_on_connection_error(), _unless_missing():
            await self._redis.xack(self.stream, GROUP, entry_id)

    async def heartbeat(self, consumer: str, ttl_ms: int) -> None:
        """This worker is alive for `ttl_ms` more; the dead drop out of the set as they lapse."""
        now = time.time()
        with unavailable_on_connection_error():
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.zadd(self._key("workers"), {consumer: now + ttl_ms / 1000})
                pipe.zremrangebyscore(self._key("workers"), "-inf", now)
                await pipe.execute()

    async def live_workers(self) -> list[str]:
        """The workers whose heartbeat has not lapsed, for `python -m bot check`."""
        with unavailable_on_connection_error():
            alive = await self._redis.zrangebyscore(self._key("workers"), time.time(), "+inf")
        return [str(name) for name in alive]

    async def job(self, job_id: str) -> Job | None:
        with unavailable_on_connection_error():
            raw = await self._redis.get(self._job_key(job_id))
        return Job.model_validate_json(raw) if raw else None


def _entry_fields(job: Job) -> dict[Any, Any]:
    """The job id, and enough to tell the requester if the job's record is ever lost."""
    confirmation = job.confirmation
    return {
        "job": job.id,
        "surface": job.surface.model_dump_json(),
        "requester": confirmation.requester_id,
        "channel": confirmation.channel_id,
        "thread": confirmation.thread_ts or "",
        "evaluation": confirmation.evaluation_id,
        "tasks": str(confirmation.task_count),
    }


class _unless_missing:
    """Swallow "the stream or group is gone" (nothing to ack or hand back then)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        return isinstance(exc, ResponseError) and is_missing_stream(exc)


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
