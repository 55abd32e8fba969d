"""Reading the bot's own messages back from Slack, metadata included.

A message shortcut's payload and a thread's first message as listeners first see them need not
carry the message's metadata; Slack returns it from conversations.history / .replies when asked
with `include_all_metadata`. Only the bot's own messages are read this way: any app can attach
metadata of any type to its messages (the values are in `bot.core.readback`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.readback import Assignment, is_own_message, read_metadata

log = logging.getLogger(__name__)


async def fetch_message(
    client: AsyncWebClient, channel: str, ts: str, thread_ts: str | None = None
) -> Mapping[str, Any] | None:
    """The message at `ts` as Slack keeps it, with its metadata; None when Slack will not say.

    A reply is read from its thread (conversations.replies), any other message from the
    channel's history; both bounded to that one timestamp.
    """
    window: dict[str, Any] = {
        "channel": channel,
        "oldest": ts,
        "latest": ts,
        "inclusive": True,
        "limit": 1,
        "include_all_metadata": True,
    }
    try:
        if thread_ts and thread_ts != ts:
            response = await client.conversations_replies(ts=thread_ts, **window)
        else:
            response = await client.conversations_history(**window)
    except SlackApiError as exc:
        log.warning("could not read message %s in %s: %s", ts, channel, exc.response.get("error"))
        return None
    for message in response.get("messages") or []:
        if isinstance(message, Mapping) and message.get("ts") == ts:
            return message
    return None


async def assignment_on(
    client: AsyncWebClient, message: Mapping[str, Any], channel: str, bot_user_id: str | None
) -> Assignment | None:
    """The assignment one of the bot's messages was posted for; None for any other message.

    The payload's copy of the message is read first; when it has no metadata, Slack's.
    """
    if not is_own_message(message, bot_user_id):
        return None
    found = read_metadata(message)
    if found is not None or not channel:
        return found
    ts = str(message.get("ts") or "")
    if not ts:
        return None
    thread_ts = message.get("thread_ts")
    kept = await fetch_message(client, channel, ts, str(thread_ts) if thread_ts else None)
    return read_metadata(kept) if kept is not None else None


def thread_parent_assignment(
    parent: Mapping[str, Any], bot_user_id: str | None
) -> Assignment | None:
    """For a mention in a thread: the assignment its first message (the bot's summary) names.

    `parent` must have been read with `include_all_metadata=True`. Exact: no text is parsed.
    """
    if not is_own_message(parent, bot_user_id):
        return None
    return read_metadata(parent)


#: How many of a channel's or thread's latest messages a worker taking a job over reads.
LOOKUP_LIMIT = 200


async def find_job_message(
    client: AsyncWebClient,
    channel: str,
    job_id: str,
    part: str,
    *,
    thread_ts: str | None = None,
    oldest: float = 0.0,
) -> str | None:
    """The ts of a message the bot already posted for `job_id` (`part`), else None.

    What a worker taking a job over reads before posting, so a post whose record was lost with
    the worker that made it is not made twice. Read in the thread when there is one, else in
    the channel's history; a channel Slack will not show counts as "not found".
    """
    window: dict[str, Any] = {
        "channel": channel,
        "limit": LOOKUP_LIMIT,
        "include_all_metadata": True,
    }
    if oldest > 0:
        window["oldest"] = f"{oldest:.6f}"
    try:
        if thread_ts:
            response = await client.conversations_replies(ts=thread_ts, **window)
        else:
            response = await client.conversations_history(**window)
    except SlackApiError as exc:
        log.warning("could not read %s for job %s: %s", channel, job_id, exc.response.get("error"))
        return None
    for message in response.get("messages") or []:
        if not isinstance(message, Mapping):
            continue
        found = read_metadata(message)
        if found is not None and found.job_id == job_id and found.part == part:
            return str(message.get("ts") or "") or None
    return None
