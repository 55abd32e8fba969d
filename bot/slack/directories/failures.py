"""What a Web API call raises when Slack could not answer it, as one tuple to catch, and the
log-safe reason of each; `users.info` read once for every directory that needs a person."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

#: Slack said no (SlackApiError), the SDK gave up (SlackClientError), or the network failed.
SLACK_FAILURES: Final = (
    SlackApiError,
    SlackClientError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)


def failure_reason(exc: BaseException) -> str:
    """A log-safe reason: Slack's error code, or the exception's type (never a URL or token)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "unknown_error"))
    return type(exc).__name__


async def user_info(client: AsyncWebClient, slack_user_id: str) -> Mapping[str, Any] | None:
    """The `user` of users.info; None (logged) when Slack cannot say."""
    try:
        response = await client.users_info(user=slack_user_id)
    except SLACK_FAILURES as exc:
        log.warning("users.info for %s failed: %s", slack_user_id, failure_reason(exc))
        return None
    user = response.get("user")
    return user if isinstance(user, dict) else None
