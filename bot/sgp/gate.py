"""How many requests reach the platform at once: fair in a process, capped across processes.

`FairSlots` bounds one process's batch-assigns (ASSIGN_CONCURRENCY) and hands a freed slot to
the waiting lanes in turn (a lane is a job, or an evaluation and assignee), so a 3-task job
does not wait behind the queued chunks of three 10,000-task jobs.

`SharedCap` bounds every process's requests together (ASSIGN_PLATFORM_MAX_IN_FLIGHT) through
Redis: each request holds a leased member of a sorted set, so the slots of a worker killed
mid-request come back when their lease lapses. A 429 with Retry-After pauses every process's
requests for that long (a key with that TTL), not just the one request that got it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Final

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: The lane of the requests made in this context (the executor sets the job's id); None: the
#: client falls back to the request's evaluation and assignee.
lane: ContextVar[Hashable | None] = ContextVar("platform_lane", default=None)

#: How long a process waits before asking Redis again for a slot that was full.
POLL_SECONDS: Final = 0.01
#: The longest pause one 429 may impose on every process.
MAX_PAUSE_SECONDS: Final = 120.0

# KEYS: holders (sorted set: member -> lease end, ms), pause key. ARGV: cap, lease ms, member.
# Answers 1 (taken), 0 (full) or -ms (paused for that long). Redis's clock, not the callers'.
_TAKE: Final = """
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return -paused end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
"""


class FairSlots:
    """A semaphore whose waiters are served lane by lane in turn, FIFO within a lane."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._free = size
        self._lanes: OrderedDict[Hashable, deque[asyncio.Future[None]]] = OrderedDict()

    @asynccontextmanager
    async def slot(self, key: Hashable) -> AsyncIterator[None]:
        await self._acquire(key)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, key: Hashable) -> None:
        if self._free > 0 and not self._lanes:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lanes.setdefault(key, deque()).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # granted as it was cancelled: pass the slot on
            else:
                self._forget(key, waiter)
            raise

    def _forget(self, key: Hashable, waiter: asyncio.Future[None]) -> None:
        queue = self._lanes.get(key)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._lanes[key]

    def _release(self) -> None:
        while self._lanes:
            key, queue = next(iter(self._lanes.items()))
            waiter = queue.popleft()
            del self._lanes[key]
            if queue:
                self._lanes[key] = queue  # to the back: the other lanes go first
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class SharedCap:
    """At most `cap` platform requests in flight across every process sharing `redis`.

    A held slot lapses after `lease_seconds` (longer than a request may take), so a killed
    process cannot keep it. When Redis cannot answer, requests go on uncapped (logged): the
    platform's own limits and the retry policy still apply, and assignments do not stop.
    """

    def __init__(
        self, redis: Redis, keys: tuple[str, str], cap: int, lease_seconds: float = 180.0
    ) -> None:
        """`keys`: the holders' sorted set and the pause key (one hash slot in a cluster)."""
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self.lease_ms = int(lease_seconds * 1000)
        self._redis = redis
        self._holders, self._pause = keys
        self._take = redis.register_script(_TAKE)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        member = await self._acquire()
        try:
            yield
        finally:
            if member is not None:
                await self._release(member)

    async def _acquire(self) -> str | None:
        member = uuid.uuid4().hex
        while True:
            try:
                keys = [self._holders, self._pause]
                answer = int(await self._take(keys=keys, args=[self.cap, self.lease_ms, member]))
            except RedisError:
                log.warning("the platform's shared cap is unavailable; sending uncapped")
                return None
            if answer == 1:
                return member
            wait = -answer / 1000 if answer < 0 else POLL_SECONDS * (1 + random.random())
            await asyncio.sleep(wait)

    async def _release(self, member: str) -> None:
        try:
            await self._redis.zrem(self._holders, member)
        except RedisError:
            log.warning("could not free a platform slot; its lease frees it")

    async def pause(self, seconds: float) -> None:
        """Every process's next requests wait `seconds` (at most MAX_PAUSE_SECONDS)."""
        ms = int(min(seconds, MAX_PAUSE_SECONDS) * 1000)
        if ms <= 0:
            return
        try:
            current = await self._redis.pttl(self._pause)
            if current < ms:
                await self._redis.set(self._pause, "1", px=ms)
        except RedisError:
            log.warning("could not pause the other processes after a 429")

    async def in_flight(self) -> int:
        """Slots held now (lapsed leases included until the next taker clears them)."""
        return int(await self._redis.zcard(self._holders))
