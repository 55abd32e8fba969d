"""The kinds of Redis a team runs, each turned into one client with the same bounded waits.

Standalone (`redis://`, `rediss://` with TLS options in the query), Sentinel (REDIS_SENTINELS +
REDIS_SENTINEL_MASTER) and cluster mode (`redis+cluster://`, `rediss+cluster://`). Every client
gets timeouts short enough that a frozen Redis never holds a Slack ack or /healthz (see
SOCKET_TIMEOUT_SECONDS), and a burst past the connection cap waits instead of failing.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = [
    "CLUSTER_SCHEMES",
    "MAX_CONNECTIONS",
    "SOCKET_TIMEOUT_SECONDS",
    "cluster_prefix",
    "is_cluster_url",
    "open_client",
    "parse_sentinels",
]

#: Connections per process. redis-py's own pool fails a command outright ("Too many
#: connections") past its cap; a burst of previews reaches that. Past this, a command waits.
MAX_CONNECTIONS: Final = 50
#: A reply slower than this is a Redis that does not answer. Above the worker's 1 s blocking
#: read (XREADGROUP BLOCK 1000), well under Slack's 3 s ack.
SOCKET_TIMEOUT_SECONDS: Final = 2.0
CONNECT_TIMEOUT_SECONDS: Final = 1.0
#: How long a command waits for a free connection before StoreUnavailable.
POOL_WAIT_SECONDS: Final = 2.0
HEALTH_CHECK_INTERVAL_SECONDS: Final = 30
#: One quick retry rides out a dropped connection (or a READONLY replica after a failover:
#: the retry reconnects, to the new primary) and still fails within about 4 s.
RETRIES: Final = 1
CLUSTER_SCHEMES: Final = {"redis+cluster": "redis", "rediss+cluster": "rediss"}


def _retry() -> Retry:
    return Retry(ExponentialWithJitterBackoff(cap=0.5, base=0.05), retries=RETRIES)


#: Errors after which a command is retried on a fresh connection.
RETRY_ON: Final = [RedisConnectionError, RedisTimeoutError, ReadOnlyError]


def _common() -> dict[str, Any]:
    return {
        "decode_responses": True,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "health_check_interval": HEALTH_CHECK_INTERVAL_SECONDS,
        "retry": _retry(),
        "retry_on_error": RETRY_ON,
    }


def is_cluster_url(url: str) -> bool:
    return url.split("://", 1)[0].lower() in CLUSTER_SCHEMES


def cluster_prefix(prefix: str) -> str:
    """The prefix with a hash tag, so every key of the bot (and every multi-key command,
    transaction or script over them) lands in one cluster slot: "assignbot:" -> "{assignbot}:".

    A prefix that already holds a tag ("{team1}:bot:") is kept as it is.
    """
    opening = prefix.find("{")
    if opening != -1 and prefix.find("}", opening + 2) != -1:
        return prefix
    body = prefix.rstrip(":")
    return "{" + body + "}" + prefix[len(body) :]


def parse_sentinels(value: str) -> list[tuple[str, int]]:
    """REDIS_SENTINELS ("host:port,host:port") as pairs; a port left out is 26379."""
    sentinels: list[tuple[str, int]] = []
    for part in (piece.strip() for piece in value.split(",")):
        if part.startswith("["):  # [::1]:26379
            host, _, rest = part[1:].partition("]")
            port = rest.lstrip(":")
        elif part.count(":") == 1:
            host, port = part.split(":")
        else:
            host, port = part, ""
        if host:
            sentinels.append((host, int(port) if port else 26379))
    if not sentinels:
        raise ValueError("no sentinel given: REDIS_SENTINELS=host:port,host:port")
    return sentinels


class WaitingCluster(RedisCluster):
    """A cluster client whose commands wait for a free connection instead of failing.

    redis-py's cluster client raises MaxConnectionsError past a node's cap; a burst of requests
    (every preview at once) would fail. At most MAX_CONNECTIONS commands run at once; the rest
    wait their turn, for at most POOL_WAIT_SECONDS, then fail as "unavailable".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns = asyncio.Semaphore(MAX_CONNECTIONS)

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        if self._initialize:
            # redis-py 8.1 races commands sent while the client first reads the topology
            # (AttributeError 'writelines' on a half-made connection): let it finish first.
            await self.initialize()
        try:
            async with asyncio.timeout(POOL_WAIT_SECONDS):
                await self._turns.acquire()
        except TimeoutError:
            raise RedisConnectionError("no free Redis connection in time") from None
        try:
            return await super().execute_command(*args, **kwargs)
        finally:
            self._turns.release()


class _BlockingSentinelPool(SentinelConnectionPool, BlockingConnectionPool):
    """The Sentinel-managed pool (it follows the master) that waits like the standalone one."""


def open_client(url: str | None, sentinels: str | None = None, master: str = "") -> Redis:
    """The client for this deployment: cluster, Sentinel or standalone (in that order)."""
    if sentinels:
        return _sentinel_client(url, parse_sentinels(sentinels), master)
    if not url:
        raise ValueError("REDIS_URL or REDIS_SENTINELS is needed for a Redis client")
    if is_cluster_url(url):
        scheme, rest = url.split("://", 1)
        cluster = WaitingCluster.from_url(
            f"{CLUSTER_SCHEMES[scheme.lower()]}://{rest}",
            max_connections=MAX_CONNECTIONS * 2,  # per node; pipelines use connections beside
            **_common(),
        )
        return cluster  # type: ignore[return-value]  # the commands the bot uses are the same
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=POOL_WAIT_SECONDS, **_common()
    )
    return Redis.from_pool(pool)  # closes the pool with the client


def _sentinel_client(url: str | None, sentinels: list[tuple[str, int]], master: str) -> Redis:
    """The master of `master` as the sentinels name it; REDIS_URL, when set, gives the
    master's credentials, database and TLS options (its host is not used)."""
    options: dict[str, Any] = {}
    if url:
        from redis.asyncio.connection import parse_url

        options = dict(parse_url(url))
        for unused in ("host", "port", "path", "connection_class"):
            options.pop(unused, None)
        if url.lower().startswith("rediss://"):
            options["ssl"] = True
    manager = Sentinel(  # type: ignore[no-untyped-call]
        sentinels,
        sentinel_kwargs={
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        },
    )
    client: Redis = manager.master_for(
        master,
        redis_class=Redis,
        connection_pool_class=_BlockingSentinelPool,
        max_connections=MAX_CONNECTIONS,
        timeout=POOL_WAIT_SECONDS,
        **(_common() | options),
    )
    return client
