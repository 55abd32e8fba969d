"""People's time zones from Slack (`users.info` `tz` / `tz_offset`), for quiet hours.

The zone's name is used when this machine knows it (daylight saving then follows the calendar);
otherwise the offset Slack gave. Answers are cached in the store for an hour: a digest pass may
ask about many people, and users.info is rate limited (tier 4).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta, timezone, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.directories.failures import user_info
from bot.store.cache import Cache
from bot.store.errors import StoreUnavailable

CACHE_NAMESPACE: Final = "tz"
CACHE_SECONDS: Final = 3600


def zone_from(tz: Any, offset: Any) -> tzinfo | None:
    """Slack's `tz` name when known here, else its `tz_offset` (seconds east of UTC)."""
    if isinstance(tz, str) and tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if isinstance(offset, int) and not isinstance(offset, bool) and abs(offset) < 86_400:
        return timezone(timedelta(seconds=offset))
    return None


class SlackTimeZones:
    """TimeZones over Slack's users.info, cached."""

    def __init__(self, client: AsyncWebClient, cache: Cache) -> None:
        self.client = client
        self.cache = cache

    async def zone_of(self, slack_user_id: str) -> tzinfo | None:
        cached = await self._cached(slack_user_id)
        if cached is None:
            cached = await self._ask(slack_user_id)
            if cached is None:
                return None
            with contextlib.suppress(StoreUnavailable):
                await self.cache.put(CACHE_NAMESPACE, slack_user_id, cached, CACHE_SECONDS)
        return zone_from(cached.get("tz"), cached.get("tz_offset"))

    async def _cached(self, slack_user_id: str) -> dict[str, Any] | None:
        try:
            value = await self.cache.get(CACHE_NAMESPACE, slack_user_id)
        except StoreUnavailable:
            return None
        return value if isinstance(value, dict) else None

    async def _ask(self, slack_user_id: str) -> dict[str, Any] | None:
        user = await user_info(self.client, slack_user_id)
        if user is None:
            return None
        return {"tz": user.get("tz"), "tz_offset": user.get("tz_offset")}
