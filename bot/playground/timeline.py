"""What the playground's Slack shows: messages (channel, threads, DMs, ephemeral ones), each
person's open modals, as Slack would build them from the bot's Web API calls, its answers on
response_urls and its acks.

It watches the fake Slack (`FakeSlack.observers`); everything runs on the server's event loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Payload = Mapping[str, Any]


@dataclass
class Message:
    ts: str
    channel: str  # a channel id, or "D" + the person's id for their DM with the bot
    user: str
    text: str = ""
    blocks: list[Any] = field(default_factory=list)
    thread_ts: str | None = None
    only_for: str | None = None  # an ephemeral message: the one person who sees it
    files: list[dict[str, Any]] = field(default_factory=list)
    unfurls: dict[str, Any] = field(default_factory=dict)
    edited: bool = False

    @property
    def top_level(self) -> bool:
        return self.thread_ts in (None, self.ts)

    def visible_to(self, person: str) -> bool:
        return self.only_for in (None, person)


@dataclass
class ReplyTarget:
    """Where a response_url's posts go: who asked, where, and the message clicked (if any)."""

    user: str
    channel: str
    thread_ts: str | None = None
    source: str | None = None
    last: str | None = None


@dataclass
class Modal:
    view: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    revision: int = 0  # how many times the bot replaced it (views.update, a submission's ack)


def dm_channel(channel: str) -> str:
    """The bot posts DMs to a user id (or a D id from conversations.open): one key per person."""
    if channel.startswith("U"):
        return "D" + channel
    return channel


class Timeline:
    def __init__(self, next_ts: Callable[[], str], bot_user: str) -> None:
        self.next_ts = next_ts
        self.bot_user = bot_user
        self.messages: dict[str, Message] = {}
        self.targets: dict[str, ReplyTarget] = {}
        #: Posts to a response_url that came before the playground knew whose it is.
        self._unclaimed: dict[str, list[dict[str, Any]]] = {}
        self.modals: dict[str, list[Modal]] = {}
        self.trigger_users: Mapping[str, str] = {}
        self._view_ids = itertools.count(1)
        self.version = 0

    # -- what people and the bot do -----------------------------------------------------------

    def add(self, message: Message) -> Message:
        self.messages[message.ts] = message
        self.version += 1
        return message

    def visible(self, person: str, channel: str) -> list[Message]:
        """The messages of `channel` that `person` sees, oldest first."""
        found = [m for m in self.messages.values() if m.channel == channel and m.visible_to(person)]
        return sorted(found, key=lambda m: float(m.ts))

    def replies(self, person: str, channel: str, thread_ts: str) -> list[Message]:
        return [
            m
            for m in self.visible(person, channel)
            if m.thread_ts == thread_ts and m.ts != m.thread_ts
        ]

    def register(self, key: str, target: ReplyTarget) -> None:
        """Whose response_url `key` is; posts that beat the request's ack are shown now."""
        self.targets[key] = target
        for post in self._unclaimed.pop(key, []):
            self._responded(post, {})
        self.version += 1

    def revision(self, view_id: str) -> int:
        found = [m for stack in self.modals.values() for m in stack if m.view.get("id") == view_id]
        return found[0].revision if found else -1

    def modal(self, person: str) -> Modal | None:
        stack = self.modals.get(person)
        return stack[-1] if stack else None

    def close_modal(self, person: str, everything: bool = False) -> None:
        stack = self.modals.get(person, [])
        del stack[0 if everything else -1 :]
        self.version += 1

    # -- the fake Slack's observer ------------------------------------------------------------

    def observe(self, method: str, args: dict[str, Any], answer: dict[str, Any]) -> None:
        handler = _HANDLERS.get(method)
        if handler is not None and answer.get("ok", True):
            handler(self, args, answer)
            self.version += 1

    def _posted(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        self.add(
            Message(
                ts=str(answer["ts"]),
                channel=dm_channel(str(args.get("channel", ""))),
                user=self.bot_user,
                text=str(args.get("text") or ""),
                blocks=_blocks(args),
                thread_ts=args.get("thread_ts") or None,
            )
        )

    def _ephemeral(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        self.add(
            Message(
                ts=str(answer.get("message_ts") or self.next_ts()),
                channel=dm_channel(str(args.get("channel", ""))),
                user=self.bot_user,
                text=str(args.get("text") or ""),
                blocks=_blocks(args),
                thread_ts=args.get("thread_ts") or None,
                only_for=str(args.get("user", "")),
            )
        )

    def _updated(self, args: dict[str, Any], _: dict[str, Any]) -> None:
        found = self.messages.get(str(args.get("ts", "")))
        if found is not None:
            found.text, found.blocks, found.edited = (
                str(args.get("text") or ""),
                _blocks(args),
                True,
            )

    def _deleted(self, args: dict[str, Any], _: dict[str, Any]) -> None:
        self.messages.pop(str(args.get("ts", "")), None)

    def _uploaded(self, args: dict[str, Any], _: dict[str, Any]) -> None:
        files = [f for f in args.get("files") or [] if isinstance(f, dict)]
        self.add(
            Message(
                ts=self.next_ts(),
                channel=dm_channel(str(args.get("channel_id", ""))),
                user=self.bot_user,
                text=str(args.get("initial_comment") or ""),
                thread_ts=args.get("thread_ts") or None,
                files=files,
            )
        )

    def _unfurled(self, args: dict[str, Any], _: dict[str, Any]) -> None:
        found = self.messages.get(str(args.get("ts", "")))
        unfurls = args.get("unfurls")
        if found is not None and isinstance(unfurls, dict):
            found.unfurls.update(unfurls)

    def _opened(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        person = self.trigger_users.get(str(args.get("trigger_id", "")))
        if person is None:
            return
        view = dict(answer.get("view") or {})
        if args.get("_push"):
            self.modals.setdefault(person, []).append(Modal(view))
        else:
            self.modals[person] = [Modal(view)]

    def _pushed(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        self._opened({**args, "_push": True}, answer)

    def _view_updated(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        self.replace_view(str(args.get("view_id", "")), dict(answer.get("view") or {}))

    def replace_view(self, view_id: str, view: dict[str, Any]) -> None:
        for stack in self.modals.values():
            for index, modal in enumerate(stack):
                if modal.view.get("id") == view_id:
                    stack[index] = Modal({**view, "id": view_id}, revision=modal.revision + 1)
        self.version += 1

    def push_view(self, person: str, view: dict[str, Any]) -> None:
        view = {**view, "id": f"VPUSH{next(self._view_ids)}"}
        self.modals.setdefault(person, []).append(Modal(view))
        self.version += 1

    def _responded(self, args: dict[str, Any], _: dict[str, Any]) -> None:
        """A post to a response_url: replace or delete the message clicked, or a new one."""
        key = str(args.get("key", ""))
        target = self.targets.get(key)
        if target is None:
            self._unclaimed.setdefault(key, []).append(args)
            return
        original = target.source or target.last
        if args.get("delete_original") and original:
            self.messages.pop(original, None)
            return
        if _flag(args.get("replace_original")) and original in self.messages:
            found = self.messages[original]
            found.text, found.blocks = str(args.get("text") or ""), _blocks(args)
            return
        public = args.get("response_type") == "in_channel"
        message = Message(
            ts=self.next_ts(),
            channel=target.channel,
            user=self.bot_user,
            text=str(args.get("text") or ""),
            blocks=_blocks(args),
            thread_ts=target.thread_ts,
            only_for=None if public else target.user,
        )
        self.add(message)
        target.last = message.ts


def _blocks(args: Mapping[str, Any]) -> list[Any]:
    blocks = args.get("blocks")
    return list(blocks) if isinstance(blocks, list) else []


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


_HANDLERS: dict[str, Callable[[Timeline, dict[str, Any], dict[str, Any]], None]] = {
    "chat.postMessage": Timeline._posted,
    "chat.postEphemeral": Timeline._ephemeral,
    "chat.update": Timeline._updated,
    "chat.delete": Timeline._deleted,
    "chat.unfurl": Timeline._unfurled,
    "files.completeUploadExternal": Timeline._uploaded,
    "views.open": Timeline._opened,
    "views.push": Timeline._pushed,
    "views.update": Timeline._view_updated,
    "response_url": Timeline._responded,
}
