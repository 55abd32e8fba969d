"""The platform client as configured: the one place settings become an SGPClient."""

from __future__ import annotations

from collections.abc import Callable

from redis.asyncio import Redis

from bot.settings import PlatformSettings
from bot.sgp.client import Observer, SGPClient
from bot.sgp.gate import SharedCap


def platform_client(
    settings: PlatformSettings,
    *,
    observer: Observer | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
    cap: SharedCap | None = None,
) -> SGPClient:
    """`timeout` and `max_retries` override the settings (a health check wants a quick answer).

    `cap`: every process's requests together (`shared_cap`); None leaves them uncapped.
    """
    return SGPClient(
        base_url=settings.sgp_base_url,
        api_key=settings.sgp_api_key.get_secret_value(),
        account_id=settings.sgp_account_id,
        timeout=settings.sgp_timeout_seconds if timeout is None else timeout,
        max_retries=settings.sgp_max_retries if max_retries is None else max_retries,
        chunk_size=settings.chunk_size,
        concurrency=settings.concurrency,
        observer=observer,
        cap=cap,
    )


def shared_cap(settings: PlatformSettings, redis: Redis, key: Callable[[str], str]) -> SharedCap:
    """ASSIGN_PLATFORM_MAX_IN_FLIGHT through the bot's Redis; a slot's lease outlives a request
    with all its retries' waits (twice the timeout, and a minute)."""
    return SharedCap(
        redis,
        (key("platform:in-flight"), key("platform:paused")),
        settings.platform_max_in_flight,
        lease_seconds=2 * settings.sgp_timeout_seconds + 60,
    )
