"""Requests as Slack sends them, signed with the app's signing secret: commands and
interactions form-encoded, Events API callbacks as JSON.

The tests send them; the playground (`bot.playground`) sends the same ones for a person in the
browser (from a worker thread: the posts are synchronous).
"""

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
        #: Who each trigger_id was given to: a view opened with it belongs to that person.
        self.trigger_users: dict[str, str] = {}

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def _trigger(self, user: str) -> str:
        trigger = self._next("trig")
        self.trigger_users[trigger] = user
        return trigger

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
            "trigger_id": self._trigger(user),
        }
        return self.post(urlencode(form)), key

    def click(
        self,
        action_id: str,
        value: str,
        user: str = "ULEAD",
        channel: str = "CCHAN",
        *,
        block_id: str = "assign_preview_actions",
        message: dict[str, Any] | None = None,
    ) -> tuple[httpx.Response, str]:
        """Click a button of a message; returns the response and its response_url key.

        Without `message` the button is on an ephemeral message (Slack sends no message then);
        with it, on that message of the channel.
        """
        key = self._next("act")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": self.team_id},
            "api_app_id": "A1",
            "token": "legacy-unused",
            "container": {
                "type": "message",
                "message_ts": (message or {}).get("ts", "1.1"),
                "channel_id": channel,
                "is_ephemeral": message is None,
            },
            "trigger_id": self._trigger(user),
            "channel": {"id": channel, "name": "evals"},
            "response_url": f"{self.response_base}/response/{key}",
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "type": "button",
                    "value": value,
                    "action_ts": "1700000000.1",
                }
            ],
        }
        if message is not None:
            payload["message"] = message
            if message.get("thread_ts"):
                payload["container"]["thread_ts"] = message["thread_ts"]
        return self.post(urlencode({"payload": json.dumps(payload)})), key

    def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        """Any interactivity payload, form-encoded as Slack posts it."""
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def _who(self, user: str) -> dict[str, Any]:
        return {
            "team": {"id": self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": self.team_id},
            "api_app_id": "A1",
            "token": "legacy-unused",
            "trigger_id": self._trigger(user),
        }

    def shortcut(self, callback_id: str, user: str = "ULEAD") -> httpx.Response:
        """A global shortcut (no channel, no response_url)."""
        payload = {"type": "shortcut", "callback_id": callback_id, **self._who(user)}
        payload["action_ts"] = "1700000000.2"
        return self.interaction(payload)

    def message_action(
        self, callback_id: str, message: dict[str, Any], user: str = "ULEAD", channel: str = "CCHAN"
    ) -> tuple[httpx.Response, str]:
        """A message shortcut on `message`; returns the response and its response_url key."""
        key = self._next("msg")
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            **self._who(user),
            "action_ts": "1700000000.3",
            "message_ts": message.get("ts", ""),
            "message": {"type": "message", **message},
            "channel": {"id": channel, "name": "evals"},
            "response_url": f"{self.response_base}/response/{key}",
        }
        return self.interaction(payload), key

    def view_submission(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        user: str = "ULEAD",
        view_id: str = "VFORM",
    ) -> httpx.Response:
        """Submit a view the bot opened, with `state.values` as Slack reports the inputs.

        The response carries the bot's ack: `response_action` with errors or a new view.
        """
        submitted = {
            "id": view_id,
            "team_id": self.team_id,
            "app_id": "A1",
            "bot_id": "BBOT",
            "hash": "1700000000.abc",
            "root_view_id": view_id,
            "previous_view_id": None,
            **view,
            "state": {"values": values},
        }
        payload = {"type": "view_submission", **self._who(user), "view": submitted}
        payload["response_urls"] = []
        return self.interaction(payload)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> tuple[httpx.Response, str]:
        """Deliver an Events API callback; pass the same `event_id` and `retry_num` to retry."""
        event_id = event_id or self._next("Ev")
        body = json.dumps(
            {
                "token": "legacy-unused",
                "type": "event_callback",
                "team_id": self.team_id,
                "api_app_id": "A1",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        headers = {**sign(self.secret, body), "Content-Type": "application/json"}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return self.post(body, headers), event_id

    def mention_event(
        self,
        text: str,
        user: str = "ULEAD",
        channel: str = "CCHAN",
        thread_ts: str | None = None,
        bot_user: str = "UBOT",
    ) -> dict[str, Any]:
        """An `app_mention` event: `<@bot> text`, in a thread when `thread_ts` is given."""
        ts = self._next("1700000100.")
        event: dict[str, Any] = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{bot_user}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "team": self.team_id,
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return event

    def url_verification(self, challenge: str) -> httpx.Response:
        body = json.dumps(
            {"token": "legacy-unused", "challenge": challenge, "type": "url_verification"}
        )
        return self.post(body, {**sign(self.secret, body), "Content-Type": "application/json"})
