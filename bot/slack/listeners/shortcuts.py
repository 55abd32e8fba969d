"""Shortcuts: "Assign tasks" (global) opens the form; "Assign these tasks" (on a message)
opens it filled with what the message names, and the summary replies in that message's thread.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.core.extract import extract_from_message
from bot.metrics import RequestOutcome
from bot.slack import mrkdwn as md
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.listener import Incoming, listener
from bot.slack.opening import Opening, open_form
from bot.slack.ui_ids import Callback

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: Deps) -> None:
    app.shortcut(Callback.GLOBAL_SHORTCUT.value)(listener(deps, "shortcut", handle_global))
    app.shortcut(Callback.MESSAGE_SHORTCUT.value)(
        listener(deps, "message_action", handle_message)
    )


async def handle_global(incoming: Incoming, deps: Deps) -> RequestOutcome:
    opening = Opening(
        trigger_id=incoming.trigger_id, team_id=incoming.team_id, user_id=incoming.user_id
    )
    return await _open(incoming, deps, opening)


async def handle_message(incoming: Incoming, deps: Deps) -> RequestOutcome:
    message = incoming.message
    found = extract_from_message(message)
    opening = Opening(
        trigger_id=incoming.trigger_id,
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=incoming.channel_id or None,
        # A reply in a thread belongs to its thread; a top-level message starts one.
        thread_ts=payload.text(message, "thread_ts") or payload.text(message, "ts") or None,
        evaluation_id=found.evaluation_id,
        other_evaluations=found.evaluation_ids[1:],
        task_ids=found.task_ids,
        from_message=True,
    )
    return await _open(incoming, deps, opening)


async def _open(incoming: Incoming, deps: Deps, opening: Opening) -> RequestOutcome:
    """Open the form; if Slack refuses, say so where we can (a global shortcut has nowhere)."""
    try:
        await open_form(incoming.client, deps, opening)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        log.warning("could not open the form: %s", error)
        if incoming.response_url:
            text = f"I could not open the form ({md.escape(error)}): please try again."
            await incoming.refuse(text)
        return "error"
    return "ok"
