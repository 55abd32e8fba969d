"""The Store handle: keys, ping, open_store, and StoreUnavailable when Redis is unreachable."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import fakeredis
import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.core.confirmation import Assignee, Confirmation, Share
from bot.store import IN_MEMORY_WARNING, Store, StoreUnavailable, open_store

PASSWORD = "hunter2-secret"
VALID_TOKEN = "A" * 24


def _confirmation() -> Confirmation:
    now = datetime(2024, 5, 1, tzinfo=UTC)
    return Confirmation(
        team_id="T1",
        requester_id="U1",
        channel_id="C1",
        evaluation_id="eval_1",
        shares=(Share(assignee=Assignee(platform_user_id="user_a"), task_ids=("t1",)),),
        created_at=now,
        expires_at=now,
    )


def _closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- key, ping, aclose ----------------------------------------------------------------------


async def test_key_is_under_prefix(store: Store) -> None:
    assert store.key("identities", "T1") == f"{store.prefix}identities:T1"
    default = "{assignbot}:" if store.cluster else "assignbot:"  # one cluster slot
    assert Store(store.redis).key("a", "b") == f"{default}a:b"


async def test_ping(store: Store) -> None:
    assert await store.ping() is True


async def test_aclose(make_store: Callable[..., Store], store: Store) -> None:
    second = make_store(prefix=store.prefix, new_connection=True)
    assert await second.ping()
    await second.aclose()


async def test_rejects_empty_prefix(redis_client: Redis) -> None:
    with pytest.raises(ValueError, match="prefix"):
        Store(redis_client, prefix="")


async def test_rejects_client_without_decode_responses() -> None:
    client = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer())
    with pytest.raises(ValueError, match="decode_responses"):
        Store(client)
    await client.aclose()


# --- unreachable Redis ----------------------------------------------------------------------


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts connections and never answers: exercises the timeouts."""
    writers: list[asyncio.StreamWriter] = []

    async def swallow(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.fixture(params=["fake-disconnected", "real-closed-port", "real-silent-server"])
async def down_store(request: pytest.FixtureRequest, silent_port: int) -> AsyncIterator[Store]:
    """A Store whose Redis cannot be reached, three ways."""
    if request.param == "fake-disconnected":
        server = fakeredis.FakeServer()
        server.connected = False
        store = Store(fakeredis.FakeAsyncRedis(server=server, decode_responses=True))
    elif request.param == "real-closed-port":
        # Through open_store, so the production client settings are the ones tested.
        store = open_store(f"redis://:{PASSWORD}@127.0.0.1:{_closed_port()}/0")
    else:
        store = Store(
            Redis(
                host="127.0.0.1",
                port=silent_port,
                password=PASSWORD,
                decode_responses=True,
                socket_timeout=0.1,
                socket_connect_timeout=0.1,
                retry=Retry(NoBackoff(), 0),
            )
        )
    yield store
    await store.aclose()


StoreCall = Callable[[Store], Awaitable[object]]

STORE_CALLS: list[tuple[str, StoreCall]] = [
    ("identities.link", lambda s: s.identities.link("T1", "U1", "user_a")),
    ("identities.unlink", lambda s: s.identities.unlink("T1", "U1")),
    ("identities.get", lambda s: s.identities.get("T1", "U1")),
    ("identities.get_many", lambda s: s.identities.get_many("T1", ["U1", "U2"])),
    ("identities.all", lambda s: s.identities.all("T1")),
    ("confirmations.put", lambda s: s.confirmations.put(_confirmation(), 60)),
    ("confirmations.peek", lambda s: s.confirmations.peek(VALID_TOKEN)),
    ("confirmations.take", lambda s: s.confirmations.take(VALID_TOKEN, "confirmed")),
    ("confirmations.ending", lambda s: s.confirmations.ending(VALID_TOKEN)),
    ("events.first_delivery", lambda s: s.events.first_delivery("Ev01")),
]


@pytest.mark.parametrize("call", [c for _, c in STORE_CALLS], ids=[n for n, _ in STORE_CALLS])
async def test_unreachable_raises_store_unavailable(down_store: Store, call: StoreCall) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        await call(down_store)
    assert str(caught.value) == "the bot's store is unavailable"
    assert PASSWORD not in str(caught.value)
    assert caught.value.__cause__ is not None  # the redis error stays available for logs


async def test_unreachable_ping_is_false(down_store: Store) -> None:
    assert await down_store.ping() is False


def test_store_unavailable_message() -> None:
    assert str(StoreUnavailable()) == "the bot's store is unavailable"


# --- open_store -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [None, ""], ids=["none", "empty"])
async def test_open_store_in_memory(url: str | None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        store = open_store(url)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [IN_MEMORY_WARNING]
    assert IN_MEMORY_WARNING == (
        "REDIS_URL is not set: using an in-memory store; "
        "pending confirmations and user links are lost on restart"
    )
    assert await store.ping() is True
    assert await store.identities.link("T1", "U1", "user_a") is None
    assert await store.identities.get("T1", "U1") == "user_a"
    token = await store.confirmations.put(_confirmation(), 60)
    assert await store.confirmations.take(token, "confirmed") == _confirmation()
    assert await store.confirmations.ending(token) == "confirmed"
    await store.aclose()


async def test_in_memory_stores_do_not_share() -> None:
    first, second = open_store(None), open_store(None)
    await first.identities.link("T1", "U1", "user_a")
    assert await second.identities.get("T1", "U1") is None
    await first.aclose()
    await second.aclose()


async def test_open_store_never_logs_the_password(caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://admin:{PASSWORD}@127.0.0.1:{_closed_port()}/3?password={PASSWORD}"
    with caplog.at_level(logging.DEBUG):
        store = open_store(url, prefix="x:")
        assert await store.ping() is False
        with pytest.raises(StoreUnavailable):
            await store.identities.get("T1", "U1")
    await store.aclose()
    assert PASSWORD not in caplog.text
    assert "127.0.0.1" in caplog.text


@pytest.mark.real_redis
async def test_open_store_url_real() -> None:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: real-Redis variant skipped")
    store = open_store(url, prefix="test:open-store:")
    try:
        assert await store.ping() is True
        assert store.key("x") == "test:open-store:x"
    finally:
        await store.aclose()


@pytest.fixture(params=["memory", pytest.param("real", marks=pytest.mark.real_redis)])
async def opened_store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """A store as `python -m bot` opens it: in memory, or on REDIS_URL."""
    url = None
    if request.param == "real":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set: real-Redis variant skipped")
    store = open_store(url, prefix="test:burst:")
    yield store
    await store.aclose()


async def test_a_burst_of_requests_waits_for_connections_instead_of_failing(
    opened_store: Store,
) -> None:
    # A shared task listing can answer a hundred waiting previews at once; each then reads
    # the store. None of them may fail with "the bot's store is unavailable" for that.
    found = await asyncio.gather(
        *(opened_store.identities.get_many("T1", [f"U{i}"]) for i in range(300))
    )
    assert found == [{}] * 300
    assert opened_store.redis.connection_pool.max_connections <= 50
