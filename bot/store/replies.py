"""How many times the bot used each response_url: Slack takes 5 posts on one, in 30 minutes.

Counted in Redis because the web process ("Assigning...") and a worker (progress, the result)
share one URL. Progress may use at most 4, so the last use is kept for the final result; and a
post waits (briefly) for the posts counted before it, so a slow "Assigning..." never lands on
top of the result.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import Final

from redis.asyncio import Redis

from bot.store.errors import unavailable_on_connection_error

__all__ = ["FINAL_USES", "PROGRESS_USES", "ResponseUrlUses"]

#: Slack's limit of posts on one response_url, and how many may go to anything but the result.
FINAL_USES: Final = 5
PROGRESS_USES: Final = 4
URL_LIFETIME_SECONDS: Final = 30 * 60
#: Longest wait for the posts counted before this one to be over.
TURN_SECONDS: Final = 5.0

#: Take one use under `limit`: the use's number (1-based), or 0 when none is left; and how
#: many posts are over, so a post whose turn it is already does not ask again.
_TAKE: Final = (
    "local used = tonumber(redis.call('HGET', KEYS[1], 'uses') or '0') "
    "if used >= tonumber(ARGV[1]) then return {0, 0} end "
    "redis.call('HINCRBY', KEYS[1], 'uses', 1) "
    "redis.call('EXPIRE', KEYS[1], ARGV[2]) "
    "return {used + 1, tonumber(redis.call('HGET', KEYS[1], 'settled') or '0')}"
)


class ResponseUrlUses:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, url: str) -> str:
        """Keyed by a hash: the URL itself is a credential for 30 minutes."""
        return self._key("response-url", hashlib.sha256(url.encode()).hexdigest()[:32])

    async def take(self, url: str, *, final: bool, at_most: float = TURN_SECONDS) -> int:
        """The number of this use, or 0 when the budget (4 for progress, 5 in all) is spent;
        once the posts before it are over (`wait_turn`, at most `at_most` seconds)."""
        limit = FINAL_USES if final else PROGRESS_USES
        with unavailable_on_connection_error():
            use, settled = await self._redis.eval(
                _TAKE, 1, self.key(url), limit, URL_LIFETIME_SECONDS
            )
        use = int(use)
        if use > 1 and int(settled) < use - 1:
            await self.wait_turn(url, use, at_most)
        return use

    async def settle(self, url: str) -> None:
        """One post on `url` is over (taken or not): later ones may go."""
        with unavailable_on_connection_error():
            await self._redis.hincrby(self.key(url), "settled", 1)

    async def wait_turn(self, url: str, use: int, at_most: float = TURN_SECONDS) -> None:
        """Wait until the posts before use number `use` are over, at most `at_most` seconds."""
        deadline = time.monotonic() + at_most
        while time.monotonic() < deadline:
            with unavailable_on_connection_error():
                settled = int(await self._redis.hget(self.key(url), "settled") or 0)
            if settled >= use - 1:
                return
            await asyncio.sleep(0.05)
