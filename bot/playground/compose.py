"""What a person types, as Slack delivers it: escaped, with @names turned into user ids.

Slack escapes &, < and > in typed text and turns a picked @name into `<@U123>`; a slash command
with "escape channels, users and links" on (the manifest's `should_escape`) gets `<@U123|name>`.
The form's inputs become `state.values` as Slack reports them. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.playground.seed import BOT_USER, CHANNEL, CHANNEL_NAME, PEOPLE

COMMAND: Final = "/assign"
BOT_NAMES: Final = ("assign-bot", "bot", "assign_bot")
_AT = re.compile(r"(?<![\w<])@([A-Za-z][\w.-]*)")
_HASH = re.compile(r"(?<![\w<&])#([a-z0-9_-]+)")
PLATFORM_LINK = re.compile(r"https://app\.sgp\.scale\.com/[^\s<>|]+")


@dataclass(frozen=True)
class Typed:
    """A line from the message box: a slash command (its text) or a message (mentioning?)."""

    kind: str  # "command", "message" or "unknown_command"
    text: str
    mentions_bot: bool = False


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user_ids(handles: Mapping[str, str] | None = None) -> dict[str, str]:
    """handle -> Slack user id, the bot under each name it answers to."""
    found = {p.handle: p.slack_id for p in PEOPLE}
    found.update({name: BOT_USER for name in BOT_NAMES})
    found.update(handles or {})
    return found


def read_typed(line: str) -> Typed:
    """Which request a typed line is, with its text as Slack would send it."""
    line = line.strip()
    if line.startswith("/"):
        word, _, rest = line.partition(" ")
        if word != COMMAND:
            return Typed("unknown_command", word)
        return Typed("command", _with_ids(slack_escape(rest.strip()), named=True))
    text = _with_ids(slack_escape(line), named=False)
    return Typed("message", text, mentions_bot=f"<@{BOT_USER}>" in text)


def _with_ids(text: str, *, named: bool) -> str:
    ids = user_ids()

    def user(match: re.Match[str]) -> str:
        handle = match.group(1).rstrip(".")
        user_id = ids.get(handle.lower())
        if user_id is None:
            return match.group(0)
        tail = match.group(1)[len(handle) :]
        shown = f"<@{user_id}|{handle}>" if named and user_id != BOT_USER else f"<@{user_id}>"
        return shown + tail

    def channel(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<#{CHANNEL}|{name}>" if name == CHANNEL_NAME else match.group(0)

    return _HASH.sub(channel, _AT.sub(user, text))


def platform_links(text: str) -> list[str]:
    """Links to the platform's app in a message: Slack sends `link_shared` for them."""
    return PLATFORM_LINK.findall(text)


#: A file a person picked in a form's file input: name and text content.
AddFile = Callable[[str, bytes], dict[str, Any]]


def state_values(inputs: Sequence[Mapping[str, Any]], add_file: AddFile) -> dict[str, Any]:
    """A modal's inputs as `view.state.values`: {block_id: {action_id: {type, value...}}}."""
    values: dict[str, Any] = {}
    for item in inputs:
        kind = str(item.get("type", ""))
        raw = item.get("value")
        state: dict[str, Any] = {"type": kind, **_state_of(kind, raw, add_file)}
        values.setdefault(str(item.get("block_id", "")), {})[str(item.get("action_id", ""))] = state
    return values


def _state_of(kind: str, raw: Any, add_file: AddFile) -> dict[str, Any]:
    many = [str(v) for v in raw if v] if isinstance(raw, list) else []
    one = str(raw) if isinstance(raw, str) and raw else None
    if kind == "static_select":
        option = {"value": one, "text": {"type": "plain_text", "text": one}} if one else None
        return {"selected_option": option}
    if kind == "multi_static_select":
        return {"selected_options": [{"value": v} for v in many]}
    if kind == "multi_users_select":
        return {"selected_users": many}
    if kind == "users_select":
        return {"selected_user": one}
    if kind == "conversations_select":
        return {"selected_conversation": one}
    if kind == "channels_select":
        return {"selected_channel": one}
    if kind == "file_input":
        files = raw if isinstance(raw, list) else []
        return {
            "files": [
                add_file(str(f.get("name", "file.txt")), str(f.get("content", "")).encode())
                for f in files
                if isinstance(f, Mapping)
            ]
        }
    return {"value": one}
