"""The playground's Slack side: the fakes, what the page shows, and the person's actions sent
to the bot as Slack sends them (signed, through the bot's own HTTP endpoint).

The sender is synchronous (it is the tests' too), so each request goes out from a worker thread
while the event loop goes on serving the bot that answers it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import httpx

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.slack_requests import SlackSender
from bot.fakes.slack_server import FakeSlack
from bot.playground import seed
from bot.playground.compose import platform_links, read_typed, state_values
from bot.playground.timeline import Message, ReplyTarget, Timeline
from bot.slack.ui_ids import Callback

SIGNING_SECRET: Final = "playground-signing-secret"
BOT_TOKEN: Final = "xoxb-playground"
SGP_KEY: Final = "playground-sgp-key"

T = TypeVar("T")


class Playground:
    """Everything but the bot: `base_url` is where this server answers (the bot, the fakes)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.slack = FakeSlack(bot_token=BOT_TOKEN, team_id=seed.TEAM)
        self.slack.base_url = f"{base_url}/fake-slack"
        self.slack.permalink_base = f"{base_url}/archives"
        self.sgp = FakeSGP(api_key=SGP_KEY)
        seed.seed_slack(self.slack)
        seed.seed_platform(self.sgp)
        self.sender = SlackSender(
            f"{base_url}/bot", SIGNING_SECRET, self.slack.base_url, team_id=seed.TEAM
        )
        self.timeline = Timeline(self.slack.next_ts, seed.BOT_USER)
        self.timeline.trigger_users = self.sender.trigger_users
        self.slack.observers.append(self.timeline.observe)
        self.timeline.add(
            Message(ts=seed.NOTIFICATION_TS, channel=seed.CHANNEL, **_message(seed.notification()))
        )
        self._sending = asyncio.Lock()

    async def _send(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """One request to the bot at a time, from a thread (the loop keeps serving the bot)."""
        async with self._sending:
            return await asyncio.to_thread(call, *args, **kwargs)

    # -- the message box ----------------------------------------------------------------------

    async def say(self, person: str, channel: str, thread_ts: str | None, line: str) -> str:
        """Send a typed line; returns a note for the page when Slack would say something."""
        typed = read_typed(line)
        if typed.kind == "unknown_command":
            return f"{typed.text} is not a command here: only /assign is installed."
        if typed.kind == "command":
            response, key = await self._send(self.sender.command, typed.text, person, channel)
            self.timeline.register(key, ReplyTarget(person, channel))
            self._ack_as_ephemeral(response, person, channel, None)
            return ""
        ts = self.slack.next_ts()
        message = {"user": person, "text": typed.text}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.slack.add_message(channel, ts, message)
        self.timeline.add(Message(ts=ts, channel=channel, **_message(message)))
        if typed.mentions_bot:
            await self._send(self.sender.event, _event("app_mention", person, channel, ts, message))
        if links := platform_links(typed.text):
            event = {
                "type": "link_shared",
                "user": person,
                "channel": channel,
                "message_ts": ts,
                "links": [{"domain": "app.sgp.scale.com", "url": url} for url in links],
            }
            await self._send(self.sender.event, event)
        return ""

    def _ack_as_ephemeral(
        self, response: httpx.Response, person: str, channel: str, thread_ts: str | None
    ) -> None:
        """A command's ack with a body is an answer too (only the person sees it)."""
        answer = _json(response)
        if answer.get("text") or answer.get("blocks"):
            self.timeline.add(
                Message(
                    ts=self.slack.next_ts(),
                    channel=channel,
                    user=seed.BOT_USER,
                    text=str(answer.get("text") or ""),
                    blocks=list(answer.get("blocks") or []),
                    thread_ts=thread_ts,
                    only_for=person,
                )
            )

    # -- buttons and shortcuts ----------------------------------------------------------------

    async def click(
        self, person: str, message_ts: str, action_id: str, block_id: str, value: str
    ) -> None:
        message = self.timeline.messages.get(message_ts)
        if message is None:
            return
        shown = None if message.only_for else _as_slack_message(message)
        response, key = await self._send(
            self.sender.click,
            action_id,
            value,
            person,
            message.channel,
            block_id=block_id,
            message=shown,
        )
        self.timeline.register(
            key, ReplyTarget(person, message.channel, message.thread_ts, source=message.ts)
        )
        self._ack_as_ephemeral(response, person, message.channel, message.thread_ts)

    async def global_shortcut(self, person: str) -> None:
        await self._send(self.sender.shortcut, Callback.GLOBAL_SHORTCUT.value, person)

    async def message_shortcut(self, person: str, message_ts: str) -> None:
        message = self.timeline.messages.get(message_ts)
        if message is None:
            return
        _, key = await self._send(
            self.sender.message_action,
            Callback.MESSAGE_SHORTCUT.value,
            _as_slack_message(message),
            person,
            message.channel,
        )
        self.timeline.register(key, ReplyTarget(person, message.channel, message.thread_ts))

    async def open_home(self, person: str) -> None:
        """The Home tab opened: Slack sends `app_home_opened`; the bot may views.publish."""
        event = {"type": "app_home_opened", "user": person, "channel": "D" + person, "tab": "home"}
        await self._send(self.sender.event, event)

    # -- modals -------------------------------------------------------------------------------

    async def submit(self, person: str, inputs: Sequence[Mapping[str, Any]]) -> None:
        """Submit the person's open modal; the bot's ack says what becomes of it."""
        modal = self.timeline.modal(person)
        if modal is None:
            return
        view = modal.view
        view_id = str(view.get("id", ""))
        values = state_values(inputs, self.slack.add_file)
        revision = self.timeline.revision(view_id)
        response = await self._send(
            self.sender.view_submission, view, values, person, view_id=view_id
        )
        answer = _json(response)
        action = answer.get("response_action")
        if action == "errors":
            modal.errors = {str(k): str(v) for k, v in dict(answer.get("errors") or {}).items()}
            self.timeline.version += 1
        elif action == "update":
            if self.timeline.revision(view_id) == revision:  # not already updated by the bot
                self.timeline.replace_view(view_id, dict(answer.get("view") or {}))
        elif action == "push":
            self.timeline.push_view(person, dict(answer.get("view") or {}))
        else:
            self.timeline.close_modal(person, everything=action == "clear")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        parsed = json.loads(response.text or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _message(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Message fields of a raw Slack message (as the fake keeps it)."""
    return {
        "user": str(raw.get("user", "")),
        "text": str(raw.get("text", "")),
        "blocks": list(raw.get("blocks") or []),
        "thread_ts": raw.get("thread_ts"),
    }


def _as_slack_message(message: Message) -> dict[str, Any]:
    """A message as Slack puts it in a payload (a shortcut's or a button's)."""
    shown: dict[str, Any] = {
        "type": "message",
        "ts": message.ts,
        "user": message.user,
        "text": message.text,
        "blocks": message.blocks,
    }
    if message.user == seed.BOT_USER:
        shown["bot_id"] = "BBOT"
    if message.thread_ts:
        shown["thread_ts"] = message.thread_ts
    return shown


def _event(
    kind: str, person: str, channel: str, ts: str, message: Mapping[str, Any]
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "user": person,
        "text": message["text"],
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": seed.TEAM,
    }
    if message.get("thread_ts"):
        event["thread_ts"] = message["thread_ts"]
    return event
