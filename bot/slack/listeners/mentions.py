"""A mention of the bot (`@assign-bot t1 t2 to @alice`), typically in a notification's thread.

Answers go to the person who mentioned the bot only (ephemeral, in the thread); the Confirm and
Cancel buttons of the preview are handled like those of `/assign`. The summary and the details
of a confirmed request go into the mention's thread.

Slack redelivers an event it thinks was lost (`X-Slack-Retry-Num`); Bolt does nothing about
that, and acks every delivery with 200 before this listener runs. So each delivery first claims
its `event_id` in the store: a retry, or a copy handled by another process, finds it claimed and
does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.extract import Extracted, extract_from_message
from bot.core.mention import ChooseEvaluation, answer_choice, parse_mention, strip_bot_mention
from bot.core.requester import Requester
from bot.metrics import RequestOutcome
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.blocks.choose import (
    MESSAGE_CHOICE,
    choice_action_pattern,
    mention_choice_value,
    read_mention_choice,
)
from bot.slack.deps import Deps
from bot.slack.listener import Incoming, listener
from bot.slack.listeners.answers import answer_command
from bot.slack.reporting.metadata import thread_parent_assignment

log = logging.getLogger(__name__)

#: Subtypes of a message a person wrote: plain, a reply also sent to the channel, with a file.
_PERSON_SUBTYPES: frozenset[str | None] = frozenset({None, "thread_broadcast", "file_share"})
#: A thread's first message that could not be read counts as naming nothing.
_UNREAD = Extracted(evaluation_id=None, task_ids=())


def register(app: AsyncApp, deps: Deps) -> None:
    app.event("app_mention")(listener(deps, "app_mention", handle_mention))
    app.action(choice_action_pattern(MESSAGE_CHOICE))(listener(deps, "action", handle_choice))


async def handle_mention(incoming: Incoming, deps: Deps) -> RequestOutcome | None:
    """Parse the mention in the light of its thread, then answer it as `/assign` would."""
    event = incoming.event
    if not _from_a_person(event):
        return None
    event_id = payload.text(incoming.body, "event_id")
    if event_id and not await deps.events.first_delivery(event_id):
        log.info(
            "ignoring a repeated delivery of %s (retry %s, %s)",
            event_id,
            incoming.header("x-slack-retry-num") or "-",
            incoming.header("x-slack-retry-reason") or "-",
        )
        return None
    channel = incoming.channel_id
    thread_ts = payload.text(event, "thread_ts") or None
    text = strip_bot_mention(payload.text(event, "text"), incoming.bot_user_id)
    thread = (
        await _thread_parent(incoming.client, channel, thread_ts, incoming.bot_user_id, deps.hosts)
        if thread_ts
        else None
    )
    try:
        parsed = parse_mention(text, max_ids=deps.max_task_ids, thread=thread, hosts=deps.hosts)
    except ChooseEvaluation as question:
        await incoming.answer(_question_blocks(question, thread_ts))
        return "usage_error"
    requester = Requester(
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=channel,
        # The summary answers the mention: in its thread, or in a new thread under it.
        thread_ts=thread_ts or payload.text(event, "ts") or None,
        enterprise_id=incoming.enterprise_id,
    )
    await incoming.answer(await answer_command(parsed, requester, deps))
    return "ok"


async def handle_choice(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """A button of "which evaluation?": the mention's text read again with the one picked;
    the preview replaces the question."""
    choice = read_mention_choice(incoming.action_value)
    if choice is None:
        await incoming.refuse("That button no longer works: mention me again.")
        return "usage_error"
    evaluation_id, text, thread_ts = choice
    parsed = answer_choice(text, evaluation_id, max_ids=deps.max_task_ids, hosts=deps.hosts)
    requester = Requester(
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=incoming.channel_id,
        thread_ts=thread_ts,
        enterprise_id=incoming.enterprise_id,
    )
    await incoming.answer(await answer_command(parsed, requester, deps), replace_original=True)
    return "ok"


def _question_blocks(question: ChooseEvaluation, thread_ts: str | None) -> blocks.Blocks:
    values = [(e, mention_choice_value(e, question.text, thread_ts)) for e in question.evaluations]
    return blocks.choose_blocks(md.escape(question.message), values)


async def _thread_parent(
    client: AsyncWebClient,
    channel: str,
    thread_ts: str,
    bot_user_id: str | None,
    hosts: Collection[str],
) -> Extracted:
    """What the thread's first message names; nothing when Slack will not show it to us.

    Under the bot's own summary, its metadata names the evaluation exactly.
    """
    try:
        response = await client.conversations_replies(
            channel=channel, ts=thread_ts, limit=1, inclusive=True, include_all_metadata=True
        )
    except SlackApiError as exc:
        log.warning(
            "could not read the first message of thread %s in %s: %s",
            thread_ts,
            channel,
            exc.response.get("error"),
        )
        return _UNREAD
    messages = response.get("messages") or []
    parent = messages[0] if messages and isinstance(messages[0], Mapping) else None
    if parent is None or parent.get("ts") != thread_ts:
        return _UNREAD
    assignment = thread_parent_assignment(parent, bot_user_id)
    if assignment is not None:
        named = assignment.evaluation_id
        return Extracted(evaluation_id=named, task_ids=(), evaluation_ids=(named,))
    return extract_from_message(parent, hosts)


def _from_a_person(event: Mapping[str, Any]) -> bool:
    """Edits, bots and other subtypes are not someone asking: answering them would repeat."""
    return bool(
        event.get("user")
        and event.get("channel")
        and event.get("subtype") in _PERSON_SUBTYPES
        and not event.get("bot_id")
        and not event.get("edited")
    )
