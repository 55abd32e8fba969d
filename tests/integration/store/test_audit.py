"""The audit stream: append, read newest first, capped, per team; on fakeredis and real Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.core.audit import AuditedShare, AuditRecord
from bot.store import Store, StoreUnavailable
from tests.fakes.server import free_port

START = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def record(n: int, team_id: str = "T1", permalink: str | None = "https://x/p1") -> AuditRecord:
    return AuditRecord(
        at=START + timedelta(minutes=n),
        team_id=team_id,
        channel_id="C1",
        requester_id="ULEAD",
        evaluation_id=f"eval_{n}",
        assignees=(
            AuditedShare(platform_user_id="user-a", slack_user_id="UA", requested=2, assigned=2),
            AuditedShare(platform_user_id="user-b", requested=1, assigned=0),
        ),
        requested=3,
        assigned=2,
        failed=1,
        permalink=permalink,
    )


async def test_records_come_back_newest_first_and_whole(store: Store) -> None:
    for n in range(5):
        await store.audit.append(record(n, permalink=None if n == 4 else "https://x/p"))
    latest = await store.audit.latest("T1", 3)
    assert [r.evaluation_id for r in latest] == ["eval_4", "eval_3", "eval_2"]
    assert latest[0] == record(4, permalink=None)
    assert [r.evaluation_id for r in await store.audit.latest("T1", 100)][-1] == "eval_0"
    assert await store.audit.latest("T1", 0) == []


async def test_teams_have_their_own_trail(store: Store) -> None:
    await store.audit.append(record(1, team_id="T1"))
    await store.audit.append(record(2, team_id="T2"))
    assert [r.evaluation_id for r in await store.audit.latest("T1", 10)] == ["eval_1"]
    assert await store.audit.latest("T3", 10) == []
    assert store.audit.key("T1").startswith(store.prefix)


async def test_the_stream_is_capped(store: Store) -> None:
    store.audit.max_entries = 100
    for n in range(1_000):
        await store.audit.append(record(n))
    length = await store.redis.xlen(store.audit.key("T1"))
    # MAXLEN ~ trims whole macro nodes (100 entries each by default): about the cap, never 1,000.
    assert 100 <= length <= 300, length
    assert (await store.audit.latest("T1", 1))[0].evaluation_id == "eval_999"


async def test_an_unreadable_entry_is_skipped(store: Store) -> None:
    await store.audit.append(record(1))
    await store.redis.xadd(store.audit.key("T1"), {"record": "{not json"})
    await store.redis.xadd(store.audit.key("T1"), {"other": "field"})
    assert [r.evaluation_id for r in await store.audit.latest("T1", 10)] == ["eval_1"]


def down() -> Redis:
    """A client of a port nobody listens on, failing at once (no retries)."""
    return Redis(port=free_port(), decode_responses=True, retry=Retry(NoBackoff(), 0))


async def test_redis_down_is_store_unavailable() -> None:
    store = Store(down(), prefix="down:")
    with pytest.raises(StoreUnavailable):
        await store.audit.append(record(1))
    with pytest.raises(StoreUnavailable):
        await store.audit.latest("T1", 5)
    await store.aclose()
