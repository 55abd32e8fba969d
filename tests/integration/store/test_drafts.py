"""Drafts of open forms: kept under an unguessable key, with a TTL, read back intact."""

from __future__ import annotations

import pytest

from bot.core.form import Draft
from bot.store import Store
from bot.store.drafts import DRAFT_TTL_SECONDS, new_draft_key

DRAFT = Draft(
    team_id="T1", requester_id="ULEAD", channel_id="C1", thread_ts="1.5", task_ids=("t1", "t2")
)


async def test_put_then_get(store: Store) -> None:
    key = new_draft_key()
    await store.drafts.put(key, DRAFT)
    assert await store.drafts.get(key) == DRAFT
    ttl = await store.redis.ttl(store.drafts.key(key))
    assert 0 < ttl <= DRAFT_TTL_SECONDS


async def test_unknown_odd_and_unreadable_keys_are_none(store: Store) -> None:
    assert await store.drafts.get(new_draft_key()) is None
    assert await store.drafts.get("../../etc") is None
    key = new_draft_key()
    await store.redis.set(store.drafts.key(key), '{"not": "a draft"}')
    assert await store.drafts.get(key) is None


async def test_only_made_keys_are_written(store: Store) -> None:
    with pytest.raises(ValueError):
        await store.drafts.put("short", DRAFT)
