"""The platform client as configured: the one place settings become an SGPClient."""

from __future__ import annotations

from bot.settings import PlatformSettings
from bot.sgp.client import Observer, SGPClient


def platform_client(
    settings: PlatformSettings,
    *,
    observer: Observer | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> SGPClient:
    """`timeout` and `max_retries` override the settings (a health check wants a quick answer)."""
    return SGPClient(
        base_url=settings.sgp_base_url,
        api_key=settings.sgp_api_key.get_secret_value(),
        account_id=settings.sgp_account_id,
        timeout=settings.sgp_timeout_seconds if timeout is None else timeout,
        max_retries=settings.sgp_max_retries if max_retries is None else max_retries,
        chunk_size=settings.chunk_size,
        concurrency=settings.concurrency,
        observer=observer,
    )
