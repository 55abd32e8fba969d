"""Slack's users.info time zone, as quiet hours read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.slack.directories.timezones import zone_from

SUMMER = datetime(2025, 7, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "offset", "summer_offset"),
    [
        ("Europe/Paris", 3600, timedelta(hours=2)),  # the name follows daylight saving
        ("Mars/Olympus_Mons", -18000, timedelta(hours=-5)),  # unknown name: the offset
        (None, 19800, timedelta(hours=5, minutes=30)),
        ("", "garbage", None),
        (None, True, None),
    ],
)
def test_the_zone_name_wins_and_the_offset_is_the_fallback(
    tz: object, offset: object, summer_offset: timedelta | None
) -> None:
    zone = zone_from(tz, offset)
    if summer_offset is None:
        assert zone is None
    else:
        assert zone is not None and SUMMER.astimezone(zone).utcoffset() == summer_offset
    if tz == "Europe/Paris":
        assert zone == ZoneInfo("Europe/Paris")
