"""What the bot needs of its Redis server, read from INFO at startup and by `python -m bot check`.

Redis 7.0 or newer is required: XAUTOCLAIM's 7.0 reply (three elements) and GETDEL are used.
Keys evicted under memory pressure, or a restart that forgets everything, lose confirmed
jobs, so an eviction policy other than `noeviction` and a server that persists nothing are
warned about.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError, ResponseError

from bot.store.connection import Store, open_store

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["MIN_VERSION", "ServerReport", "inspect_server", "startup_refusal"]

logger = logging.getLogger(__name__)

MIN_VERSION: Final = (7, 0)
#: Reading INFO at startup waits this long; a Redis that does not answer is no refusal (it
#: shows in /healthz), so a Redis restarting at the same moment never stops the bot starting.
STARTUP_READ_SECONDS: Final = 5.0


@dataclass(frozen=True)
class ServerReport:
    """One server (the lowest version of a cluster's primaries) as the bot judges it."""

    version: str
    refusal: str | None = None
    warnings: list[str] = field(default_factory=list)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


async def _infos(store: Store) -> list[dict[str, Any]]:
    """INFO of the server, or of every primary of a cluster."""
    if isinstance(store.redis, RedisCluster):
        answers = await store.redis.info(target_nodes=RedisCluster.PRIMARIES)
        return list(answers.values())
    return [await store.redis.info()]


async def _persisted(store: Store, infos: list[dict[str, Any]]) -> bool | None:
    """Whether writes survive a restart: AOF on, or RDB save points set; None when the server
    will not say (managed services often disable CONFIG)."""
    if all(int(info.get("aof_enabled", 0)) for info in infos):
        return True
    try:
        saving = await store.redis.config_get("save")
    except ResponseError:
        return None
    return bool(str(saving.get("save", "")).strip())


async def inspect_server(store: Store) -> ServerReport:
    """Raises RedisError (or TimeoutError) when the server cannot be read."""
    infos = await _infos(store)
    oldest = min((str(info.get("redis_version", "0")) for info in infos), key=_version)
    if _version(oldest) < MIN_VERSION:
        return ServerReport(
            oldest,
            refusal=f"Redis {oldest} is older than 7.0, which the bot needs (XAUTOCLAIM, "
            "GETDEL): upgrade Redis, or point REDIS_URL at a Redis 7.0 or newer.",
        )
    warnings: list[str] = []
    policies = {str(info.get("maxmemory_policy", "noeviction")) for info in infos}
    if policies != {"noeviction"}:
        warnings.append(
            f"maxmemory-policy is {', '.join(sorted(policies))}: under memory pressure Redis "
            "may evict confirmed jobs and their results; set maxmemory-policy noeviction."
        )
    if await _persisted(store, infos) is False:
        warnings.append(
            "Redis persists nothing (no AOF, no RDB save points): a restart loses queued "
            "jobs and confirmations; turn on appendonly yes (or RDB snapshots)."
        )
    return ServerReport(oldest, warnings=warnings)


def _configured(settings: Settings) -> bool:
    return bool(settings.redis_url or settings.redis_sentinels)


async def startup_refusal(settings: Settings) -> str | None:
    """The one line the bot refuses to start with, or None; warnings are logged.

    A Redis that does not answer is left to /healthz: the bot starts and waits for it.
    """
    if not _configured(settings):
        return None
    store = open_store(
        settings.redis_url,
        settings.redis_key_prefix,
        sentinels=settings.redis_sentinels,
        sentinel_master=settings.redis_sentinel_master,
    )
    try:
        async with asyncio.timeout(STARTUP_READ_SECONDS):
            report = await inspect_server(store)
    except (RedisError, OSError, TimeoutError) as exc:
        logger.warning("could not read Redis INFO at startup (%s)", type(exc).__name__)
        return None
    finally:
        await store.aclose()
    for warning in report.warnings:
        logger.warning("Redis: %s", warning)
    return report.refusal
