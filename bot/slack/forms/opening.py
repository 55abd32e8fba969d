"""Opening the modal form, from `/assign` with no text or from a shortcut.

views.open goes first: a trigger_id lives 3 seconds and works once, so nothing slow may run
before it. The draft (where the form came from) is written to Redis after.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import form
from bot.core.form import Draft
from bot.slack import mrkdwn as md
from bot.slack.blocks import modals
from bot.slack.blocks.modals import View
from bot.slack.deps import Deps
from bot.slack.listener import Incoming
from bot.slack.ui_ids import COMMAND
from bot.store.drafts import new_draft_key
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opening:
    """Why and where a form opens: the trigger, who, the conversation, and what a message held."""

    trigger_id: str
    team_id: str
    user_id: str
    channel_id: str | None = None
    thread_ts: str | None = None
    evaluation_id: str | None = None
    task_ids: tuple[str, ...] = ()
    from_message: bool = False


async def open_form(client: AsyncWebClient, deps: Deps, opening: Opening) -> None:
    """views.open first (the trigger lives 3 seconds), then remember the draft.

    Raises SlackApiError when Slack refuses to open it; the caller tells the person.
    """
    key = new_draft_key()
    view, carried = form_view_for(
        deps,
        key,
        opening.user_id,
        opening.channel_id,
        opening.evaluation_id,
        opening.task_ids,
        from_message=opening.from_message,
    )
    await client.views_open(trigger_id=opening.trigger_id, view=view)
    draft = Draft(
        team_id=opening.team_id,
        requester_id=opening.user_id,
        channel_id=opening.channel_id,
        thread_ts=opening.thread_ts,
        task_ids=carried,
    )
    await keep_draft(deps, key, draft)


def form_view_for(
    deps: Deps,
    key: str,
    user_id: str,
    channel_id: str | None,
    evaluation_id: str | None,
    task_ids: tuple[str, ...],
    *,
    from_message: bool,
) -> tuple[View, tuple[str, ...]]:
    """The form, filled with what a message held; and the ids it carries past the text box."""
    text, carried = form.prefill(task_ids)
    view = modals.form_view(
        draft_key=key,
        requester_id=user_id,
        channel_id=channel_id,
        max_task_ids=deps.max_task_ids,
        evaluation_id=evaluation_id,
        task_ids_text=text,
        carried=carried,
        from_message=from_message,
    )
    return view, carried


async def keep_draft(deps: Deps, key: str, draft: Draft) -> None:
    """Remember where a form came from (its private_metadata holds `key`), if the store can."""
    try:
        await deps.usecases.assigning.save_draft(key, draft)
    except StoreUnavailable:
        # The form still works: it loses only the thread to reply in and any carried ids,
        # and a submission that needed those says so.
        log.warning("could not save the draft of a form")


async def open_form_from_command(incoming: Incoming, deps: Deps) -> bool:
    """`/assign` with no text: the form, defaulting to the command's channel.

    False when Slack would not open it (the person is told why), for the requests metric.
    """
    opening = Opening(
        trigger_id=incoming.trigger_id,
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=incoming.channel_id or None,
    )
    try:
        await open_form(incoming.client, deps, opening)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        log.warning("could not open the form: %s", error)
        text = (
            f"I could not open the form ({md.escape(error)}). Try again, or type the request: "
            f"`{COMMAND} eval_123 t1 t2 to @alice` (`{COMMAND} help` for more)."
        )
        await incoming.refuse(text)
        return False
    return True
