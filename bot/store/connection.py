"""The Redis handle of the bot: one client, one key prefix, the stores built on them."""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import urlsplit

import fakeredis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import RedisError

from bot.store.audit import AuditStore
from bot.store.cache import Cache
from bot.store.confirmations import ConfirmationStore
from bot.store.drafts import DraftStore
from bot.store.events import EventStore
from bot.store.identities import IdentityStore
from bot.store.undo import UndoStore

__all__ = ["DEFAULT_PREFIX", "IN_MEMORY_WARNING", "Store", "open_store"]

logger = logging.getLogger(__name__)

DEFAULT_PREFIX: Final = "assignbot:"
IN_MEMORY_WARNING: Final = (
    "REDIS_URL is not set: using an in-memory store; "
    "pending confirmations and user links are lost on restart"
)

_TIMEOUT_SECONDS: Final = 5.0
_HEALTH_CHECK_INTERVAL_SECONDS: Final = 30
# redis-py's default is 10 retries: with a 5 s timeout a black-holed Redis would hold a request
# for about a minute. Two quick retries ride out a dropped connection and still fail fast.
_RETRIES: Final = 2
#: Connections per process. redis-py's own pool fails a command outright ("Too many
#: connections") past its cap of 100; a burst of previews (one shared task listing answering a
#: hundred waiting requests at once) reaches that. This pool makes the excess wait its turn.
MAX_CONNECTIONS: Final = 50


class Store:
    """Redis handle + key prefix; all keys of the bot live under the prefix.

    The prefix lets the bot share a Redis database (and lets tests run against a real one
    without touching anyone else's keys).
    """

    def __init__(self, redis: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        if not prefix:
            raise ValueError("prefix must not be empty: the bot's keys must be findable")
        if not redis.connection_pool.connection_kwargs.get("decode_responses"):
            raise ValueError("the Redis client must be created with decode_responses=True")
        self.redis = redis
        self.prefix = prefix
        self.identities = IdentityStore(redis, self.key)
        self.confirmations = ConfirmationStore(redis, self.key)
        self.audit = AuditStore(redis, self.key)
        self.cache = Cache(redis, self.key)
        self.drafts = DraftStore(redis, self.key)
        self.events = EventStore(redis, self.key)
        self.undo = UndoStore(redis, self.key)

    def key(self, *parts: str) -> str:
        """A key under the prefix: key("identities", "T1") -> "assignbot:identities:T1"."""
        return self.prefix + ":".join(parts)

    async def ping(self) -> bool:
        """True when Redis answers; False (never raises) otherwise, for /healthz."""
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError) as exc:
            logger.warning("store ping failed: %s", type(exc).__name__)
            return False

    async def aclose(self) -> None:
        """Release the client's connections (call once, at shutdown)."""
        await self.redis.aclose()


def redacted_url(url: str) -> str:
    """The URL with credentials and query dropped, safe for logs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "<unparsable REDIS_URL>"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def open_store(redis_url: str | None, prefix: str = DEFAULT_PREFIX) -> Store:
    """The Store for REDIS_URL, or an embedded in-memory one when it is not set.

    Connecting is lazy: nothing touches the network here, so a Redis that is down at start
    shows up in /healthz instead of preventing the bot from starting.
    """
    if not redis_url:
        logger.warning(IN_MEMORY_WARNING)
        # Its own FakeServer, so two stores in one process (two apps, two tests) never share.
        memory: Redis = fakeredis.FakeAsyncRedis(
            server=fakeredis.FakeServer(),
            decode_responses=True,
            connection_pool_class=BlockingConnectionPool,
            max_connections=MAX_CONNECTIONS,
        )
        return Store(memory, prefix=prefix)
    pool = BlockingConnectionPool.from_url(
        redis_url,
        max_connections=MAX_CONNECTIONS,
        timeout=_TIMEOUT_SECONDS,  # waiting for a free connection, then StoreUnavailable
        decode_responses=True,
        socket_timeout=_TIMEOUT_SECONDS,
        socket_connect_timeout=_TIMEOUT_SECONDS,
        health_check_interval=_HEALTH_CHECK_INTERVAL_SECONDS,
        retry=Retry(ExponentialWithJitterBackoff(cap=0.5, base=0.05), retries=_RETRIES),
    )
    client = Redis.from_pool(pool)  # closes the pool with the client
    logger.info("using Redis at %s", redacted_url(redis_url))
    return Store(client, prefix=prefix)
