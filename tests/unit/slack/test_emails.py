"""Slack emails for matching: users.info's profile.email, and nothing when there is none."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.directories.emails import SlackEmailDirectory


class StubClient:
    """Answers users.info from a table; an entry that is an exception is raised."""

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users

    async def users_info(self, *, user: str) -> dict[str, Any]:
        found = self.users[user]
        if isinstance(found, Exception):
            raise found
        return {"ok": True, "user": found}


@pytest.mark.parametrize(
    ("user", "email"),
    [
        ({"id": "U1", "profile": {"email": "a@example.com"}}, "a@example.com"),
        ({"id": "U1", "profile": {"email": "  "}}, None),
        ({"id": "U1", "profile": {}}, None),  # no users:read.email scope
        ({"id": "U1"}, None),
        ({"id": "U1", "is_bot": True, "profile": {"email": "bot@example.com"}}, None),
        ({"id": "U1", "deleted": True, "profile": {"email": "gone@example.com"}}, None),
        (SlackApiError("no", {"ok": False, "error": "user_not_found"}), None),
        (OSError("down"), None),
    ],
)
async def test_email_of(user: Any, email: str | None) -> None:
    client: AsyncWebClient = StubClient({"U1": user})  # type: ignore[assignment]
    assert await SlackEmailDirectory(client).email_of("U1") == email
