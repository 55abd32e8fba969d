"""Requests as Slack sends them: form-encoded, signed with the app's signing secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


class SlackSender:
    """Plays Slack's side: slash commands and button clicks against the bot's Request URL."""

    def __init__(self, bot_url: str, signing_secret: str, response_base: str, team_id: str = "T1"):
        self.events_url = f"{bot_url}/slack/events"
        self.secret = signing_secret
        self.response_base = response_base
        self.team_id = team_id
        self._counter = 0

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def post(self, body: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(
            self.events_url, content=body, headers=headers or sign(self.secret, body), timeout=10
        )

    def command(
        self, text: str, user: str = "ULEAD", channel: str = "CCHAN"
    ) -> tuple[httpx.Response, str]:
        """Send `/assign text`; returns the HTTP response and the response_url key used."""
        key = self._next("cmd")
        form = {
            "token": "legacy-unused",
            "team_id": self.team_id,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "evals",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/assign",
            "text": text,
            "api_app_id": "A1",
            "response_url": f"{self.response_base}/response/{key}",
            "trigger_id": self._next("trig"),
        }
        return self.post(urlencode(form)), key

    def click(
        self, action_id: str, value: str, user: str = "ULEAD", channel: str = "CCHAN"
    ) -> tuple[httpx.Response, str]:
        """Click a button of an ephemeral message; returns the response and its response_url key."""
        key = self._next("act")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": self.team_id},
            "api_app_id": "A1",
            "token": "legacy-unused",
            "container": {
                "type": "message",
                "message_ts": "1.1",
                "channel_id": channel,
                "is_ephemeral": True,
            },
            "trigger_id": self._next("trig"),
            "channel": {"id": channel, "name": "evals"},
            "response_url": f"{self.response_base}/response/{key}",
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "assign_preview_actions",
                    "type": "button",
                    "value": value,
                    "action_ts": "1700000000.1",
                }
            ],
        }
        return self.post(urlencode({"payload": json.dumps(payload)})), key
