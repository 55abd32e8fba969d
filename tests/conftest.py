"""Shared configuration: markers by directory, the Hypothesis profile, the store fixtures.

Store fixtures: the same tests run on fakeredis and on a real Redis.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import fakeredis
import pytest
from _pytest.terminal import TerminalReporter
from hypothesis import HealthCheck, settings
from redis.asyncio import Redis

from bot.store import Store

#: Fixtures for tests that run `python -m bot` as a process (the `fakes` fixture).
pytest_plugins = ["tests.e2e.processes"]

# ---------------------------------------------------------------------------------------------
# Hypothesis: the same examples on every run, and never a failure because a machine is slow
# ---------------------------------------------------------------------------------------------

settings.register_profile(
    "ci",
    derandomize=True,  # examples chosen from each test's name: a rerun sees the same inputs
    database=None,  # nothing remembered between runs, so a run never depends on the last one
    deadline=None,  # a slow or busy machine is not a bug
    suppress_health_check=[HealthCheck.too_slow],  # the only health check that measures time
    max_examples=100,
    print_blob=True,
)
#: `HYPOTHESIS_PROFILE=explore`: random examples, more of them, for hunting new failures.
settings.register_profile(
    "explore", settings.get_profile("ci"), derandomize=False, max_examples=500
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# ---------------------------------------------------------------------------------------------
# Markers by directory, so that `pytest -m "not e2e"` is the quick run
# ---------------------------------------------------------------------------------------------

TESTS = Path(__file__).parent
#: The marker each directory's tests get; `bench` starts HTTP servers, like integration tests.
KINDS = {
    "unit": "unit",
    "integration": "integration",
    "bench": "integration",
    "e2e": "e2e",
    "faults": "e2e",  # real processes (bot, redis-server) started, stopped and frozen
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(TESTS):
            kind = KINDS.get(path.relative_to(TESTS).parts[0])
            if kind is not None:
                item.add_marker(kind)


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """One line per reason for the skipped tests, so a failure below stays on the screen."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if reasons:
        summary = "; ".join(f"{count} x {reason}" for reason, count in reasons.most_common())
        terminalreporter.write_line(f"skipped: {summary}")


# ---------------------------------------------------------------------------------------------
# Store fixtures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedisTarget:
    """A Redis server under test, and how to open another connection to it."""

    name: str  # "fake" or "real"
    connect: Callable[[], Redis]


def _fake_target() -> RedisTarget:
    """A fresh in-memory server per test, so tests never see each other's keys."""
    server = fakeredis.FakeServer()
    return RedisTarget(
        "fake", lambda: fakeredis.FakeAsyncRedis(server=server, decode_responses=True)
    )


def _real_target() -> RedisTarget:
    """The Redis named by REDIS_URL; skipped (not failed) when it is not set."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: real-Redis variant skipped")
    return RedisTarget(
        "real",
        lambda: Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        ),
    )


#: A Redis Cluster (`redis+cluster://host:port`) the store tests also run on when set:
#: tests/faults/test_redis_cluster.py starts a 3-node cluster and sets it.
CLUSTER_URL = os.environ.get("REDIS_TEST_CLUSTER_URL")


def _cluster_target(url: str) -> RedisTarget:
    from bot.store.kinds import open_client

    return RedisTarget("cluster", lambda: open_client(url))


@pytest.fixture(
    params=[
        pytest.param("fake", id="fake"),
        pytest.param("real", id="real", marks=pytest.mark.real_redis),
        *([pytest.param("cluster", id="cluster")] if CLUSTER_URL else []),
    ]
)
def redis_target(request: pytest.FixtureRequest) -> RedisTarget:
    """Which server a test runs on; every test using it runs once per server."""
    if request.param == "cluster" and CLUSTER_URL:
        return _cluster_target(CLUSTER_URL)
    return _fake_target() if request.param == "fake" else _real_target()


@pytest.fixture
async def redis_client(redis_target: RedisTarget) -> AsyncIterator[Redis]:
    """A client of the server under test (decode_responses=True, like the bot's)."""
    client = redis_target.connect()
    yield client
    await client.aclose()


def _new_prefix() -> str:
    return f"test:{uuid4().hex}:"


async def _delete_prefixed(client: Redis, prefix: str) -> None:
    """Delete only this test's keys: the real database may hold other people's data."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
    if keys:
        await client.delete(*keys)


@pytest.fixture
async def store(redis_client: Redis) -> AsyncIterator[Store]:
    """A Store under a unique prefix; its keys are deleted afterwards (never FLUSHDB)."""
    store = Store(redis_client, prefix=_new_prefix())
    yield store
    await _delete_prefixed(redis_client, store.prefix)  # hash-tagged on a cluster


StoreFactory = Callable[..., Store]


@pytest.fixture
async def make_store(redis_target: RedisTarget, redis_client: Redis) -> AsyncIterator[StoreFactory]:
    """More Stores on the same server: another prefix, or the same prefix over a new connection.

    `make_store(prefix=store.prefix, new_connection=True)` is "a second process" of the bot.
    """
    prefixes: list[str] = []
    clients: list[Redis] = []

    def make(prefix: str | None = None, new_connection: bool = False) -> Store:
        client = redis_client
        if new_connection:
            client = redis_target.connect()
            clients.append(client)
        made = Store(client, prefix=prefix or _new_prefix())
        prefixes.append(made.prefix)
        return made

    yield make
    for client in clients:
        await client.aclose()
    for prefix in prefixes:
        await _delete_prefixed(redis_client, prefix)
