"""Deliveries of Events API callbacks already seen, so a retried event is acted on once.

Slack retries an event it thinks was not received (`X-Slack-Retry-Num`), and two bot
processes may each get a copy. Each delivery claims its `event_id` with SET NX: only the first
claim wins, whichever process or retry makes it. The claim expires, since Slack stops retrying
within minutes and event ids are never reused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from redis.asyncio import Redis

from bot.store.errors import unavailable_on_connection_error

__all__ = ["SEEN_TTL_SECONDS", "EventStore"]

#: How long an event id is remembered; Slack's last retry comes about 5 minutes after the first.
SEEN_TTL_SECONDS: Final = 60 * 60

#: Event ids are short (`Ev0123ABCD`); anything much longer is not one and is not stored.
_MAX_EVENT_ID_LENGTH: Final = 128


class EventStore:
    """Event ids already delivered, each claimed once."""

    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, event_id: str) -> str:
        """The Redis key marking an event as seen (for tests and operators)."""
        return self._key("event", event_id)

    async def first_delivery(self, event_id: str, ttl_seconds: int = SEEN_TTL_SECONDS) -> bool:
        """True for the first delivery of `event_id`; False for a retry or a duplicate."""
        if not event_id or len(event_id) > _MAX_EVENT_ID_LENGTH:
            raise ValueError("event_id must be 1 to 128 characters")
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        with unavailable_on_connection_error():
            claimed = await self._redis.set(self.key(event_id), "1", ex=ttl_seconds, nx=True)
        return bool(claimed)
