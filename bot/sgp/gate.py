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
import contextlib
import logging
import uuid
import weakref
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Hashable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Final

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: The lane of the requests made in this context (the executor sets the job's id); None: the
#: client falls back to the request's evaluation and assignee.
lane: ContextVar[Hashable | None] = ContextVar("platform_lane", default=None)
#: Called by the client when a batch-assign's success status line has arrived, before its
#: answer downloads and is parsed (the job runner frees the job's slot then; a refusal is an
#: error and skips it).
answered: ContextVar[Callable[[], None] | None] = ContextVar("platform_answered", default=None)

#: How long a process's poller waits before asking Redis again for a slot that was full
#: (a slot this process frees wakes it at once).
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

    Within a process, requests that find the cap full queue first come, first served, and one
    poller asks Redis for their slots: at once when this process frees one, else every
    POLL_SECONDS (another process freed it) or after a pause. Waiters never ask Redis themselves,
    so a full cap costs one call per poll, not one per waiter, and the oldest waiter goes first.
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
        #: Each event loop's queue of waiting requests (a process runs one loop; tests more).
        self._lines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Line] = (
            weakref.WeakKeyDictionary()
        )

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        member = await self._acquire()
        try:
            yield
        finally:
            if member is not None:
                await self._release(member)

    def _line(self) -> _Line:
        loop = asyncio.get_running_loop()
        line = self._lines.get(loop)
        if line is None:
            line = self._lines[loop] = _Line(self._try, self._release)
        return line

    async def _try(self) -> int | str | None:
        """A member when a slot was taken; 0 when full; -ms when paused; None: Redis is down."""
        member = uuid.uuid4().hex
        try:
            keys = [self._holders, self._pause]
            answer = int(await self._take(keys=keys, args=[self.cap, self.lease_ms, member]))
        except RedisError:
            log.warning("the platform's shared cap is unavailable; sending uncapped")
            return None
        return member if answer == 1 else answer

    async def _acquire(self) -> str | None:
        line = self._line()
        if not line.waiters:  # nobody queued: ask once, straight away
            answer = await self._try()
            if answer is None or isinstance(answer, str):
                return answer
        return await line.wait()

    async def _release(self, member: str) -> None:
        try:
            await self._redis.zrem(self._holders, member)
        except RedisError:
            log.warning("could not free a platform slot; its lease frees it")
        line = self._lines.get(asyncio.get_running_loop())
        if line is not None:
            line.freed.set()

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


class _Line:
    """One event loop's waiting requests, oldest first, and the one poller serving them."""

    def __init__(
        self,
        take: Callable[[], Awaitable[int | str | None]],
        release: Callable[[str], Coroutine[Any, Any, None]],
    ) -> None:
        self.take = take
        self.release = release
        #: Each waiter gets a member (a slot) or None (uncapped: Redis is down).
        self.waiters: deque[asyncio.Future[str | None]] = deque()
        self.freed = asyncio.Event()
        self.poller: asyncio.Task[None] | None = None
        self.background: set[asyncio.Task[None]] = set()

    async def wait(self) -> str | None:
        waiter: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        if self.poller is None or self.poller.done():
            self.poller = asyncio.create_task(self._poll())
        try:
            return await waiter
        except asyncio.CancelledError:
            granted = waiter.result() if waiter.done() and not waiter.cancelled() else None
            if granted is not None:
                self._later(self.release(granted))  # granted as it was cancelled
            raise

    async def _poll(self) -> None:
        """Hands slots to the waiters in order while any wait; a failure lets them go uncapped."""
        try:
            while self._drop_gone():
                self.freed.clear()
                answer = await self.take()
                if answer is None or isinstance(answer, str):
                    self._grant(answer)
                elif answer < 0:  # paused after a 429: nothing frees a slot sooner
                    await asyncio.sleep(-answer / 1000)
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(POLL_SECONDS):
                            await self.freed.wait()
        except Exception:
            log.exception("the platform's shared cap failed; sending uncapped")
            self._grant(None)

    def _drop_gone(self) -> bool:
        """Forgets cancelled waiters at the head; whether anyone still waits."""
        while self.waiters and self.waiters[0].done():
            self.waiters.popleft()
        return bool(self.waiters)

    def _grant(self, member: str | None) -> None:
        """The slot to the oldest waiter; None (uncapped) to every waiter."""
        if member is None:
            while self.waiters:
                waiter = self.waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
            return
        if self._drop_gone():
            self.waiters.popleft().set_result(member)
        else:  # the waiter left while its slot was taken
            self._later(self.release(member))

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
