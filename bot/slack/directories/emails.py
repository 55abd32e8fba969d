"""Slack users' email addresses, for matching them to platform users (bot.usecases.matching).

`users.info` returns `user.profile.email` only with the `users:read.email` scope (besides
`users:read`); without it, or for bots and guests without an address, there is none. A Slack
failure is no address, logged: the requester then gets the usual "no linked account" answer,
which says how to link the person by hand.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.directories.failures import SLACK_FAILURES

log = logging.getLogger(__name__)


class SlackEmailDirectory:
    """EmailDirectory over Slack's users.info."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def email_of(self, slack_user_id: str) -> str | None:
        try:
            response = await self.client.users_info(user=slack_user_id)
        except SLACK_FAILURES as exc:
            reason = (
                str(exc.response.get("error", "unknown_error"))
                if isinstance(exc, SlackApiError)
                else type(exc).__name__
            )
            log.warning("users.info for %s failed: %s", slack_user_id, reason)
            return None
        user = response.get("user")
        profile = user.get("profile") if isinstance(user, dict) else None
        email = profile.get("email") if isinstance(profile, dict) else None
        if isinstance(user, dict) and (user.get("is_bot") or user.get("deleted")):
            return None  # a bot or a deactivated account is nobody to hand tasks to
        return email if isinstance(email, str) and email.strip() else None
