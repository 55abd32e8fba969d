"""Slack users' email addresses, for matching them to platform users (bot.usecases.matching).

`users.info` returns `user.profile.email` only with the `users:read.email` scope (besides
`users:read`); without it, or for bots and guests without an address, there is none. A Slack
failure is no address, logged: the requester then gets the usual "no linked account" answer,
which says how to link the person by hand.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.directories.failures import user_info


class SlackEmailDirectory:
    """EmailDirectory over Slack's users.info."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def email_of(self, slack_user_id: str) -> str | None:
        user = await user_info(self.client, slack_user_id)
        profile = user.get("profile") if user is not None else None
        email = profile.get("email") if isinstance(profile, dict) else None
        if user is not None and (user.get("is_bot") or user.get("deleted")):
            return None  # a bot or a deactivated account is nobody to hand tasks to
        return email if isinstance(email, str) and email.strip() else None
