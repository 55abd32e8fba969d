"""Slack user -> platform user links, on fakeredis and on a real Redis."""

from __future__ import annotations

import pytest

from bot.store import Store
from tests.conftest import StoreFactory

TEAM = "T0001"
OTHER_TEAM = "T0002"


async def test_get_unlinked_is_none(store: Store) -> None:
    assert await store.identities.get(TEAM, "U1") is None


async def test_link_then_get(store: Store) -> None:
    assert await store.identities.link(TEAM, "U1", "user_alice") is None
    assert await store.identities.get(TEAM, "U1") == "user_alice"


async def test_relink_returns_previous(store: Store) -> None:
    await store.identities.link(TEAM, "U1", "user_alice")
    assert await store.identities.link(TEAM, "U1", "user_alice2") == "user_alice"
    assert await store.identities.get(TEAM, "U1") == "user_alice2"


async def test_unlink_returns_removed(store: Store) -> None:
    await store.identities.link(TEAM, "U1", "user_alice")
    assert await store.identities.unlink(TEAM, "U1") == "user_alice"
    assert await store.identities.get(TEAM, "U1") is None
    assert await store.identities.unlink(TEAM, "U1") is None


async def test_unlink_never_linked_is_none(store: Store) -> None:
    assert await store.identities.unlink(TEAM, "U404") is None


async def test_get_many_only_linked(store: Store) -> None:
    await store.identities.link(TEAM, "U1", "user_alice")
    await store.identities.link(TEAM, "U2", "user_bob")
    found = await store.identities.get_many(TEAM, ["U1", "U3", "U2", "U1"])
    assert found == {"U1": "user_alice", "U2": "user_bob"}


async def test_get_many_empty(store: Store) -> None:
    assert await store.identities.get_many(TEAM, []) == {}
    assert await store.identities.get_many(TEAM, ["U1"]) == {}


async def test_all(store: Store) -> None:
    assert await store.identities.all(TEAM) == {}
    await store.identities.link(TEAM, "U1", "user_alice")
    await store.identities.link(TEAM, "U2", "user_bob")
    await store.identities.unlink(TEAM, "U2")
    await store.identities.link(TEAM, "U3", "user_carol")
    assert await store.identities.all(TEAM) == {"U1": "user_alice", "U3": "user_carol"}


async def test_teams_are_isolated(store: Store) -> None:
    await store.identities.link(TEAM, "U1", "user_alice")
    await store.identities.link(OTHER_TEAM, "U1", "user_mallory")
    assert await store.identities.get(TEAM, "U1") == "user_alice"
    assert await store.identities.get(OTHER_TEAM, "U1") == "user_mallory"
    assert await store.identities.get_many(OTHER_TEAM, ["U1"]) == {"U1": "user_mallory"}
    assert await store.identities.all(TEAM) == {"U1": "user_alice"}
    assert await store.identities.unlink(OTHER_TEAM, "U1") == "user_mallory"
    assert await store.identities.get(TEAM, "U1") == "user_alice"


async def test_prefixes_are_isolated(store: Store, make_store: StoreFactory) -> None:
    other = make_store()
    await store.identities.link(TEAM, "U1", "user_alice")
    assert await other.identities.get(TEAM, "U1") is None
    assert await other.identities.all(TEAM) == {}
    await other.identities.link(TEAM, "U1", "user_other")
    assert await store.identities.get(TEAM, "U1") == "user_alice"


async def test_keys_live_under_prefix(store: Store) -> None:
    await store.identities.link(TEAM, "U1", "user_alice")
    keys = [key async for key in store.redis.scan_iter(match=f"{store.prefix}*")]
    assert keys == [store.identities.key(TEAM)]
    assert await store.redis.type(store.identities.key(TEAM)) == "hash"


async def test_visible_from_another_connection(store: Store, make_store: StoreFactory) -> None:
    await store.identities.link(TEAM, "U1", "user_alice")
    second = make_store(prefix=store.prefix, new_connection=True)
    assert await second.identities.get(TEAM, "U1") == "user_alice"


@pytest.mark.parametrize(
    ("team_id", "slack_user_id", "platform_user_id"),
    [("", "U1", "p"), (TEAM, "", "p"), (TEAM, "U1", "")],
)
async def test_link_rejects_empty_ids(
    store: Store, team_id: str, slack_user_id: str, platform_user_id: str
) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        await store.identities.link(team_id, slack_user_id, platform_user_id)
