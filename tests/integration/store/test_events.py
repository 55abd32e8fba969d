"""Event deliveries: the first one wins, retries and duplicates (in any process) do not."""

from __future__ import annotations

import asyncio

import pytest

from bot.fakes.waiting import eventually
from bot.store import Store
from bot.store.events import SEEN_TTL_SECONDS
from tests.conftest import StoreFactory


async def test_first_delivery_then_retries(store: Store) -> None:
    assert await store.events.first_delivery("Ev01") is True
    assert await store.events.first_delivery("Ev01") is False
    assert await store.events.first_delivery("Ev01") is False
    assert await store.events.first_delivery("Ev02") is True


async def test_the_mark_lives_under_the_prefix_and_expires(store: Store) -> None:
    await store.events.first_delivery("Ev01")
    key = store.events.key("Ev01")
    assert key.startswith(store.prefix)
    assert 0 < await store.redis.ttl(key) <= SEEN_TTL_SECONDS


async def test_after_expiry_the_event_counts_as_new(store: Store) -> None:
    await store.events.first_delivery("Ev01")
    key = store.events.key("Ev01")
    await store.redis.pexpire(key, 1)
    await eventually(lambda: _gone(store, key), "the mark to expire")
    assert await store.events.first_delivery("Ev01") is True


async def test_parallel_deliveries_in_two_processes_have_one_winner(
    store: Store, make_store: StoreFactory
) -> None:
    other = make_store(prefix=store.prefix, new_connection=True)
    claims = [store.events.first_delivery("Ev01") for _ in range(10)]
    claims += [other.events.first_delivery("Ev01") for _ in range(10)]
    results = await asyncio.gather(*claims)
    assert results.count(True) == 1


async def test_prefixes_keep_bots_apart(store: Store, make_store: StoreFactory) -> None:
    other = make_store()
    assert await store.events.first_delivery("Ev01") is True
    assert await other.events.first_delivery("Ev01") is True


@pytest.mark.parametrize("event_id", ["", "E" * 129])
async def test_odd_event_ids_are_refused(store: Store, event_id: str) -> None:
    with pytest.raises(ValueError):
        await store.events.first_delivery(event_id)


async def _gone(store: Store, key: str) -> bool:
    return not await store.redis.exists(key)
