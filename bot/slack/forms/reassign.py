""" "Reassign these tasks": the message shortcut on one of the bot's own assignment messages.

The message's metadata names the evaluation and the job (`bot.core.readback`); the form opens
filled with that job's tasks that are not completed, as the platform lists them now. The
shortcut listener (`bot.slack.listeners.shortcuts`) asks this module first and, for any other
message, reads the message's text as before.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.metrics import RequestOutcome
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.deps import Deps
from bot.slack.forms.opening import Opening, open_form
from bot.slack.listener import Incoming
from bot.slack.reporting.metadata import assignment_on

log = logging.getLogger(__name__)


async def reassign_from_own_message(incoming: Incoming, deps: Deps) -> RequestOutcome | None:
    """Open the reassign form for one of the bot's messages; None for any other message."""
    message = incoming.message
    channel = incoming.channel_id
    assignment = await assignment_on(incoming.client, message, channel, incoming.bot_user_id)
    if assignment is None:
        return None
    reassignment = await deps.usecases.evaluations.reassignment(assignment)
    if not reassignment.task_ids:
        text = (
            f"Every task of this assignment in {md.code(assignment.evaluation_id)} is completed "
            "or gone from the evaluation: nothing to reassign."
        )
        await incoming.answer(blocks.notice_blocks(text), text)
        return "ok"
    opening = Opening(
        trigger_id=incoming.trigger_id,
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=channel or None,
        # The new summary answers in the old one's thread.
        thread_ts=payload.text(message, "thread_ts") or payload.text(message, "ts") or None,
        evaluation_id=reassignment.evaluation_id,
        task_ids=reassignment.task_ids,
        from_message=True,
    )
    return await open_or_refuse(incoming, deps, opening)


async def open_or_refuse(incoming: Incoming, deps: Deps, opening: Opening) -> RequestOutcome:
    """Open the form; when Slack refuses, tell the person (privately) why."""
    try:
        await open_form(incoming.client, deps, opening)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        log.warning("could not open the form: %s", error)
        await incoming.refuse(f"I could not open the form ({md.escape(error)}): please try again.")
        return "error"
    return "ok"
