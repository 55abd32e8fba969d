"""Pending confirmations: put, peek, take once, expiry, and untrusted tokens."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime, timedelta

import fakeredis
import pytest

from bot.core.confirmation import Assignee, Confirmation, Share
from bot.fakes.waiting import eventually
from bot.store import ENDING_TTL_SECONDS, Ending, Store
from tests.conftest import StoreFactory

TTL = 900


def make_confirmation(evaluation_id: str = "eval_123") -> Confirmation:
    created = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    return Confirmation(
        team_id="T0001",
        requester_id="U_LEAD",
        channel_id="C0001",
        thread_ts="1714564800.000100",
        response_url="https://hooks.slack.com/commands/T0001/1/abc",
        evaluation_id=evaluation_id,
        shares=(
            Share(
                assignee=Assignee(platform_user_id="user_alice", slack_user_id="U1"),
                task_ids=("t1", "t2"),
            ),
            Share(assignee=Assignee(platform_user_id="user_bob"), task_ids=("t3",)),
        ),
        duplicates_dropped=1,
        created_at=created,
        expires_at=created + timedelta(seconds=TTL),
    )


async def test_put_returns_unguessable_token(store: Store) -> None:
    tokens = {await store.confirmations.put(make_confirmation(), TTL) for _ in range(5)}
    assert len(tokens) == 5
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{24}", token)


async def test_put_then_peek(store: Store) -> None:
    confirmation = make_confirmation()
    token = await store.confirmations.put(confirmation, TTL)
    assert await store.confirmations.peek(token) == confirmation
    assert await store.confirmations.peek(token) == confirmation  # peek does not take


async def test_put_sets_ttl(store: Store) -> None:
    token = await store.confirmations.put(make_confirmation(), TTL)
    assert 0 < await store.redis.pttl(store.confirmations.key(token)) <= TTL * 1000


async def test_put_rejects_non_positive_ttl(store: Store) -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        await store.confirmations.put(make_confirmation(), 0)


async def test_take_returns_it_once(store: Store) -> None:
    confirmation = make_confirmation()
    token = await store.confirmations.put(confirmation, TTL)
    assert await store.confirmations.ending(token) is None  # still pending
    assert await store.confirmations.take(token, "confirmed") == confirmation
    assert await store.confirmations.peek(token) is None
    assert await store.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.take(token, "cancelled") is None
    assert await store.confirmations.ending(token) == "confirmed"


async def test_cancel_is_remembered(store: Store) -> None:
    token = await store.confirmations.put(make_confirmation(), TTL)
    assert await store.confirmations.take(token, "cancelled") is not None
    assert await store.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.ending(token) == "cancelled"


async def test_ending_is_kept_a_day(store: Store) -> None:
    token = await store.confirmations.put(make_confirmation(), TTL)
    await store.confirmations.take(token, "confirmed")
    ttl = await store.redis.ttl(store.confirmations.key(token))  # the tombstone
    assert ENDING_TTL_SECONDS - 5 <= ttl <= ENDING_TTL_SECONDS == 24 * 60 * 60


async def test_take_rejects_unknown_ending(store: Store) -> None:
    token = await store.confirmations.put(make_confirmation(), TTL)
    with pytest.raises(ValueError, match="ending"):
        await store.confirmations.take(token, "maybe")  # type: ignore[arg-type]
    assert await store.confirmations.peek(token) is not None  # untouched


def _endings(n: int) -> list[Ending]:
    return ["confirmed" if i % 2 else "cancelled" for i in range(n)]


async def test_concurrent_takes_have_one_winner(store: Store) -> None:
    confirmation = make_confirmation()
    token = await store.confirmations.put(confirmation, TTL)
    endings = _endings(20)
    results = await asyncio.gather(*(store.confirmations.take(token, ending) for ending in endings))
    winners = [i for i, result in enumerate(results) if result is not None]
    assert len(winners) == 1
    assert results[winners[0]] == confirmation
    assert await store.confirmations.ending(token) == endings[winners[0]]


async def test_concurrent_takes_from_two_connections_have_one_winner(
    store: Store, make_store: StoreFactory
) -> None:
    """Two processes of the bot (two connections) handling the same click."""
    other = make_store(prefix=store.prefix, new_connection=True)
    assert other.redis is not store.redis
    token = await store.confirmations.put(make_confirmation(), TTL)
    endings = _endings(20)
    results = await asyncio.gather(
        *(
            (store if i % 2 else other).confirmations.take(token, ending)
            for i, ending in enumerate(endings)
        )
    )
    winners = [i for i, result in enumerate(results) if result is not None]
    assert len(winners) == 1
    assert await other.confirmations.ending(token) == endings[winners[0]]


async def _expire_now(store: Store, token: str) -> None:
    """Make the key expire in 1 ms instead of waiting out the TTL (keeps the suite fast)."""
    key = store.confirmations.key(token)
    assert await store.redis.pexpire(key, 1)
    await eventually(lambda: _gone(store, key), "the confirmation to expire")


async def _gone(store: Store, key: str) -> bool:
    return not await store.redis.exists(key)


async def test_expired_is_gone_without_ending(store: Store) -> None:
    token = await store.confirmations.put(make_confirmation(), 1)
    assert 0 < await store.redis.pttl(store.confirmations.key(token)) <= 1000
    await _expire_now(store, token)
    assert await store.confirmations.peek(token) is None
    assert await store.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.ending(token) is None


async def test_unknown_token(store: Store) -> None:
    token = "A" * 24
    assert await store.confirmations.peek(token) is None
    assert await store.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.ending(token) is None


MALFORMED_TOKENS = [
    "",
    "short",
    "A" * 65,
    "A" * 5000,
    "*",
    "A" * 23 + "*",
    "A" * 20 + ":x:y",
    "../../" + "A" * 20,
    "A" * 20 + " abc",
    "A" * 20 + "\n",
    "ä" * 24,
    "A" * 20 + "%2F",
]


@pytest.mark.parametrize("token", MALFORMED_TOKENS)
async def test_malformed_token_is_unknown(store: Store, token: str) -> None:
    # Even if a key built from the bad token exists, it must not be read or deleted.
    key = store.confirmations.key(token)
    await store.redis.set(key, make_confirmation().model_dump_json())
    await store.redis.set(store.confirmations.ending_key(token), "confirmed")
    assert await store.confirmations.peek(token) is None
    assert await store.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.ending(token) is None
    assert await store.redis.exists(key) == 1


@pytest.mark.parametrize("token", MALFORMED_TOKENS)
async def test_malformed_token_never_reaches_redis(token: str) -> None:
    """A disconnected server raises on any command: returning None proves none was sent."""
    server = fakeredis.FakeServer()
    server.connected = False
    store = Store(fakeredis.FakeAsyncRedis(server=server, decode_responses=True))
    assert await store.confirmations.peek(token) is None
    assert await store.confirmations.take(token, "cancelled") is None
    assert await store.confirmations.ending(token) is None
    await store.aclose()


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        "{}",
        '{"team_id": "T0001"}',
        '{"version": 99, "payload": "something new"}',
        "[1, 2, 3]",
    ],
)
async def test_corrupted_value_is_missing(
    store: Store, stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = "B" * 24
    key = store.confirmations.key(token)
    await store.redis.set(key, stored, ex=TTL)
    with caplog.at_level(logging.WARNING, logger="bot.store.confirmations"):
        assert await store.confirmations.peek(token) is None
    assert any("unreadable confirmation" in r.getMessage() for r in caplog.records)
    assert token not in caplog.text  # a token is a capability: only a short prefix is logged
    assert await store.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.ending(token) is None  # nothing was run, nothing recorded


async def test_ending_ignores_unexpected_value(store: Store) -> None:
    token = "C" * 24
    await store.redis.set(store.confirmations.ending_key(token), "exploded")
    assert await store.confirmations.ending(token) is None


async def test_keys_live_under_prefix(store: Store) -> None:
    token = await store.confirmations.put(make_confirmation(), TTL)
    await store.confirmations.take(token, "confirmed")
    token2 = await store.confirmations.put(make_confirmation(), TTL)
    keys = {key async for key in store.redis.scan_iter(match="*")}
    mine = {key for key in keys if key.startswith(store.prefix)}
    assert mine == {store.confirmations.key(token), store.confirmations.key(token2)}


async def test_prefixes_are_isolated(store: Store, make_store: StoreFactory) -> None:
    other = make_store()
    token = await store.confirmations.put(make_confirmation(), TTL)
    assert await other.confirmations.peek(token) is None
    assert await other.confirmations.take(token, "confirmed") is None
    assert await store.confirmations.take(token, "confirmed") is not None
    assert await other.confirmations.ending(token) is None


async def test_a_replayed_take_still_wins(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """redis-py replays a command whose reply was lost: the replay must not turn into "taken"."""
    token = await store.confirmations.put(make_confirmation(), TTL)
    monkeypatch.setattr("bot.store.confirmations.secrets.token_hex", lambda _: "samenonce")
    assert await store.confirmations.take(token, "confirmed") is not None
    assert await store.confirmations.take(token, "confirmed") is not None  # the same take again
    monkeypatch.setattr("bot.store.confirmations.secrets.token_hex", lambda _: "othernonce")
    assert await store.confirmations.take(token, "confirmed") is None  # another click loses
    assert await store.confirmations.ending(token) == "confirmed"
    assert await store.confirmations.peek(token) is None
