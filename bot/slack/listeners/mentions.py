"""A mention of the bot (`@assign-bot t1 t2 to @alice`), typically in a notification's thread.

Answers go to the person who mentioned the bot only (ephemeral, in the thread); the Confirm and
Cancel buttons of the preview are handled by `actions`, like those of `/assign`. The summary and
the details of a confirmed request go into the mention's thread.

Slack redelivers an event it thinks was lost (`X-Slack-Retry-Num`); Bolt does nothing about
that, and acks every delivery with 200 before this listener runs. So each delivery first claims
its `event_id` in the store: a retry, or a copy handled by another process, finds it claimed and
does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.extract import Extracted, extract_from_message
from bot.core.grammar import UsageError
from bot.core.mention import parse_mention, strip_bot_mention
from bot.refusals import ServiceError
from bot.service import Requester
from bot.sgp.errors import SGPError
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.listeners.commands import answer_command, fallback_text
from bot.slack.measure import outcome_of
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

#: Subtypes of a message a person wrote: plain, a reply also sent to the channel, with a file.
_PERSON_SUBTYPES: frozenset[str | None] = frozenset({None, "thread_broadcast", "file_share"})
#: A thread's first message that could not be read counts as naming nothing.
_UNREAD = Extracted(evaluation_id=None, task_ids=())


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_mention(
        ack: AsyncAck,
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        await ack()
        deps.after_ack.start(
            _handle_mention(deps, body, event, context, client, request), "app_mention"
        )

    app.event("app_mention")(on_mention)


async def _handle_mention(
    deps: Deps,
    body: dict[str, Any],
    event: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    request: AsyncBoltRequest,
) -> None:
    if not _from_a_person(event):
        return
    channel = str(event.get("channel", ""))
    user = str(event.get("user", ""))
    thread_ts = _str_or_none(event.get("thread_ts"))
    event_id = str(body.get("event_id") or "")
    try:
        if event_id and not await deps.service.store.events.first_delivery(event_id):
            log.info(
                "ignoring a repeated delivery of %s (retry %s, %s)",
                event_id,
                _header(request, "x-slack-retry-num") or "-",
                _header(request, "x-slack-retry-reason") or "-",
            )
            return
        answer = await _answer(deps, body, event, context, client)
        outcome = outcome_of(None)
    except (UsageError, ServiceError, SGPError, StoreUnavailable) as exc:
        answer = blocks.error_blocks(describe(exc))
        outcome = outcome_of(exc)
    except Exception:
        log.exception("answering a mention failed")
        answer = blocks.error_blocks(describe(RuntimeError()))
        outcome = "error"
    deps.metrics.request("app_mention", outcome)
    await _tell(client, channel, user, thread_ts, answer)


async def _answer(
    deps: Deps,
    body: Mapping[str, Any],
    event: Mapping[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> blocks.Blocks:
    """Parse the mention in the light of its thread, then answer it as `/assign` would."""
    channel = str(event.get("channel", ""))
    thread_ts = _str_or_none(event.get("thread_ts"))
    text = strip_bot_mention(str(event.get("text", "")), context.bot_user_id)
    thread = await _thread_parent(client, channel, thread_ts) if thread_ts else None
    parsed = parse_mention(text, max_ids=deps.max_task_ids, thread=thread)
    requester = Requester(
        team_id=str(body.get("team_id") or event.get("team") or context.team_id or ""),
        user_id=str(event.get("user", "")),
        channel_id=channel,
        # The summary answers the mention: in its thread, or in a new thread under it.
        thread_ts=thread_ts or _str_or_none(event.get("ts")),
    )
    return await answer_command(parsed, requester, deps)


async def _thread_parent(client: AsyncWebClient, channel: str, thread_ts: str) -> Extracted:
    """What the thread's first message names; nothing when Slack will not show it to us."""
    try:
        response = await client.conversations_replies(
            channel=channel, ts=thread_ts, limit=1, inclusive=True
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
    return extract_from_message(parent)


def _from_a_person(event: Mapping[str, Any]) -> bool:
    """Edits, bots and other subtypes are not someone asking: answering them would repeat."""
    return bool(
        event.get("user")
        and event.get("channel")
        and event.get("subtype") in _PERSON_SUBTYPES
        and not event.get("bot_id")
        and not event.get("edited")
    )


async def _tell(
    client: AsyncWebClient,
    channel: str,
    user: str,
    thread_ts: str | None,
    answer: blocks.Blocks,
) -> None:
    """Only the person who mentioned the bot sees the answer, in the thread they wrote in."""
    try:
        await client.chat_postEphemeral(
            channel=channel,
            user=user,
            thread_ts=thread_ts,
            blocks=answer,
            text=fallback_text(answer),
        )
    except SlackApiError as exc:
        log.warning("could not answer a mention in %s: %s", channel, exc.response.get("error"))


def _header(request: AsyncBoltRequest, name: str) -> str | None:
    values = request.headers.get(name) or []
    return values[0] if values else None


def _str_or_none(value: object) -> str | None:
    return str(value) if value else None
