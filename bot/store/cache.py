"""A small TTL cache in Redis, for answers of Slack that change rarely (user group members).

Kept in Redis rather than in the process, so every bot process shares one answer and Slack's
rate limits (usergroups.* is tier 2, about 20 calls a minute) are met however many run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from bot.store.errors import unavailable_on_connection_error

__all__ = ["Cache"]


class Cache:
    """JSON values under `cache:<namespace>:<name>`, each with its own TTL."""

    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, namespace: str, name: str) -> str:
        return self._key("cache", namespace, name)

    async def get(self, namespace: str, name: str) -> Any | None:
        """The cached value, or None when absent, expired or unreadable."""
        with unavailable_on_connection_error():
            raw = await self._redis.get(self.key(namespace, name))
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    async def put(self, namespace: str, name: str, value: Any, ttl_seconds: int) -> None:
        """Remember `value` (JSON-serialisable) for `ttl_seconds`; 0 or less stores nothing."""
        if ttl_seconds <= 0:
            return
        with unavailable_on_connection_error():
            await self._redis.set(self.key(namespace, name), json.dumps(value), ex=ttl_seconds)
