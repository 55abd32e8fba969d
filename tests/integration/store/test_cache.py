"""The small TTL cache (user group members): values, expiry, bad entries."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.fakes.waiting import eventually
from bot.store import Store, StoreUnavailable
from tests.fakes.server import free_port


async def test_values_round_trip_with_their_ttl(store: Store) -> None:
    assert await store.cache.get("groups", "S1") is None
    await store.cache.put("groups", "S1", ["U1", "U2"], ttl_seconds=300)
    await store.cache.put("handles", "all", {"leads": "S1"}, ttl_seconds=300)
    assert await store.cache.get("groups", "S1") == ["U1", "U2"]
    assert await store.cache.get("handles", "all") == {"leads": "S1"}
    ttl = await store.redis.ttl(store.cache.key("groups", "S1"))
    assert 0 < ttl <= 300
    assert store.cache.key("groups", "S1").startswith(store.prefix)


async def test_entries_expire(store: Store) -> None:
    await store.cache.put("groups", "S1", [], ttl_seconds=1)
    assert await store.cache.get("groups", "S1") == []
    key = store.cache.key("groups", "S1")
    assert 0 < await store.redis.pttl(key) <= 1000
    await store.redis.pexpire(key, 1)  # the second it was given, run out now

    async def missing() -> bool:
        return await store.cache.get("groups", "S1") is None

    await eventually(missing, "the entry to expire")


async def test_no_ttl_stores_nothing_and_garbage_reads_as_missing(store: Store) -> None:
    await store.cache.put("groups", "S1", ["U1"], ttl_seconds=0)
    assert await store.cache.get("groups", "S1") is None
    await store.redis.set(store.cache.key("groups", "S2"), "{not json")
    assert await store.cache.get("groups", "S2") is None


def down() -> Redis:
    """A client of a port nobody listens on, failing at once (no retries)."""
    return Redis(port=free_port(), decode_responses=True, retry=Retry(NoBackoff(), 0))


async def test_redis_down_is_store_unavailable() -> None:
    store = Store(down(), prefix="down:")
    with pytest.raises(StoreUnavailable):
        await store.cache.get("groups", "S1")
    with pytest.raises(StoreUnavailable):
        await store.cache.put("groups", "S1", [], ttl_seconds=5)
    await store.aclose()
