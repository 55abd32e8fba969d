"""The Redis handle of the bot: one client, one key prefix, the stores built on them."""

from __future__ import annotations

import asyncio
import logging
from typing import Final
from urllib.parse import urlsplit

import fakeredis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from bot.store.audit import AuditStore
from bot.store.cache import Cache
from bot.store.confirmations import ConfirmationStore
from bot.store.drafts import DraftStore
from bot.store.events import EventStore
from bot.store.home import HomeIndex
from bot.store.identities import IdentityStore
from bot.store.kinds import MAX_CONNECTIONS, cluster_prefix, open_client
from bot.store.reminders import ReminderStore
from bot.store.undo import UndoStore

__all__ = ["DEFAULT_PREFIX", "IN_MEMORY_WARNING", "Store", "open_store"]

logger = logging.getLogger(__name__)

DEFAULT_PREFIX: Final = "assignbot:"
IN_MEMORY_WARNING: Final = (
    "REDIS_URL is not set: using an in-memory store; "
    "pending confirmations and user links are lost on restart"
)

#: /healthz says "Redis does not answer" after this, whatever the client's own timeouts.
PING_TIMEOUT_SECONDS: Final = 1.0


class Store:
    """Redis handle + key prefix; all keys of the bot live under the prefix.

    The prefix lets the bot share a Redis database (and lets tests run against a real one
    without touching anyone else's keys). On a cluster it gets a hash tag ("{assignbot}:"), so
    every key of the bot is in one slot and multi-key commands and transactions work.
    """

    def __init__(self, redis: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        if not prefix:
            raise ValueError("prefix must not be empty: the bot's keys must be findable")
        self.cluster = isinstance(redis, RedisCluster)
        options = (
            redis.get_connection_kwargs()
            if isinstance(redis, RedisCluster)
            else redis.connection_pool.connection_kwargs
        )
        if not options.get("decode_responses"):
            raise ValueError("the Redis client must be created with decode_responses=True")
        self.redis = redis
        self.prefix = cluster_prefix(prefix) if self.cluster else prefix
        self.identities = IdentityStore(redis, self.key)
        self.confirmations = ConfirmationStore(redis, self.key)
        self.audit = AuditStore(redis, self.key)
        self.cache = Cache(redis, self.key)
        self.drafts = DraftStore(redis, self.key)
        self.events = EventStore(redis, self.key)
        self.undo = UndoStore(redis, self.key)
        self.reminders = ReminderStore(redis, self.key)
        self.home = HomeIndex(redis, self.key)

    def key(self, *parts: str) -> str:
        """A key under the prefix: key("identities", "T1") -> "assignbot:identities:T1"."""
        return self.prefix + ":".join(parts)

    async def ping(self) -> bool:
        """True when Redis answers within PING_TIMEOUT_SECONDS; False (never raises), for
        /healthz: a frozen Redis must not freeze the health check with it."""
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS):
                return bool(await self.redis.ping())
        except TimeoutError:
            logger.warning("store ping failed: no answer within %.1f s", PING_TIMEOUT_SECONDS)
            return False
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


def open_store(
    redis_url: str | None,
    prefix: str = DEFAULT_PREFIX,
    *,
    sentinels: str | None = None,
    sentinel_master: str = "",
) -> Store:
    """The Store for this deployment (see bot/store/kinds.py), or an embedded in-memory one
    when neither REDIS_URL nor REDIS_SENTINELS is set.

    Connecting is lazy: nothing touches the network here, so a Redis that is down at start
    shows up in /healthz instead of preventing the bot from starting.
    """
    if not redis_url and not sentinels:
        logger.warning(IN_MEMORY_WARNING)
        # Its own FakeServer, so two stores in one process (two apps, two tests) never share.
        memory: Redis = fakeredis.FakeAsyncRedis(
            server=fakeredis.FakeServer(),
            decode_responses=True,
            connection_pool_class=BlockingConnectionPool,
            max_connections=MAX_CONNECTIONS,
        )
        return Store(memory, prefix=prefix)
    client = open_client(redis_url, sentinels, sentinel_master)
    if sentinels:
        logger.info("using Redis master %r from sentinels %s", sentinel_master, sentinels)
    else:
        logger.info("using Redis at %s", redacted_url(redis_url or ""))
    return Store(client, prefix=prefix)
