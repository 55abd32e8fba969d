"""Shortcuts: "Assign tasks" (global) opens the form; "Assign these tasks" (on a message)
opens it filled with what the message names, and the summary replies in that message's thread.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.extract import extract_from_message
from bot.slack import mrkdwn as md
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.opening import Opening, open_form
from bot.slack.ui_ids import Callback

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_global(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        deps.after_ack.start(_open_global(deps, body, client), "global shortcut")

    async def on_message(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        deps.after_ack.start(_open_from_message(deps, body, client, respond), "message shortcut")

    app.shortcut(Callback.GLOBAL_SHORTCUT.value)(on_global)
    app.shortcut(Callback.MESSAGE_SHORTCUT.value)(on_message)


async def _open_global(deps: Deps, body: dict[str, Any], client: AsyncWebClient) -> None:
    opening = Opening(
        trigger_id=payload.text(body, "trigger_id"),
        team_id=_team(body),
        user_id=payload.text(body, "user", "id"),
    )
    opened = await _open(client, deps, opening)
    deps.metrics.request("shortcut", "ok" if opened else "error")


async def _open_from_message(
    deps: Deps, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
) -> None:
    message = payload.mapping(body, "message")
    found = extract_from_message(message)
    opening = Opening(
        trigger_id=payload.text(body, "trigger_id"),
        team_id=_team(body),
        user_id=payload.text(body, "user", "id"),
        channel_id=payload.text(body, "channel", "id") or None,
        # A reply in a thread belongs to its thread; a top-level message starts one.
        thread_ts=payload.text(message, "thread_ts") or payload.text(message, "ts") or None,
        evaluation_id=found.evaluation_id,
        other_evaluations=found.evaluation_ids[1:],
        task_ids=found.task_ids,
        from_message=True,
    )
    opened = await _open(client, deps, opening, respond if body.get("response_url") else None)
    deps.metrics.request("message_action", "ok" if opened else "error")


def _team(body: dict[str, Any]) -> str:
    return payload.text(body, "team", "id") or payload.text(body, "user", "team_id")


async def _open(
    client: AsyncWebClient, deps: Deps, opening: Opening, respond: AsyncRespond | None = None
) -> bool:
    """Open the form; if Slack refuses, say so where we can (a global shortcut has nowhere).

    False when it could not be opened, for the requests metric.
    """
    try:
        await open_form(client, deps, opening)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        log.warning("could not open the form: %s", error)
        if respond is not None:
            text = f"I could not open the form ({md.escape(error)}): please try again."
            await respond(response_type="ephemeral", replace_original=False, text=text)
        return False
    return True
