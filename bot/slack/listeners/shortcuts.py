"""Shortcuts: "Assign tasks" (global) opens the form; "Assign these tasks" (on a message)
opens it filled with what the message names, and the summary replies in that message's thread.

A message that names several evaluations is never guessed from: a small modal asks which
(one button each), and the chosen one turns it into the form (views.update, no new trigger).
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.core.extract import Extracted, extract_from_message
from bot.core.form import Draft
from bot.metrics import RequestOutcome
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.blocks.choose import CHOICES_SHOWN, FORM_CHOICE, choice_action_pattern
from bot.slack.deps import Deps
from bot.slack.forms.opening import Opening, form_view_for, keep_draft, open_form
from bot.slack.forms.reassign import reassign_from_own_message
from bot.slack.listener import Incoming, listener
from bot.slack.ui_ids import Callback
from bot.store.drafts import new_draft_key
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: Deps) -> None:
    app.shortcut(Callback.GLOBAL_SHORTCUT.value)(listener(deps, "shortcut", handle_global))
    app.shortcut(Callback.MESSAGE_SHORTCUT.value)(listener(deps, "message_action", handle_message))
    app.action(choice_action_pattern(FORM_CHOICE))(listener(deps, "action", handle_choice))


async def handle_global(incoming: Incoming, deps: Deps) -> RequestOutcome:
    opening = Opening(
        trigger_id=incoming.trigger_id, team_id=incoming.team_id, user_id=incoming.user_id
    )
    return await _open(incoming, deps, opening)


async def handle_message(incoming: Incoming, deps: Deps) -> RequestOutcome:
    reassigned = await reassign_from_own_message(incoming, deps)  # the bot's own summary
    if reassigned is not None:
        return reassigned
    message = incoming.message
    found = extract_from_message(message, deps.hosts)
    # A reply in a thread belongs to its thread; a top-level message starts one.
    thread_ts = payload.text(message, "thread_ts") or payload.text(message, "ts") or None
    if found.several:
        return await _ask_which(incoming, deps, found, thread_ts)
    opening = Opening(
        trigger_id=incoming.trigger_id,
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=incoming.channel_id or None,
        thread_ts=thread_ts,
        evaluation_id=found.evaluation_id,
        task_ids=found.task_ids,
        from_message=True,
    )
    return await _open(incoming, deps, opening)


async def handle_choice(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """An evaluation picked in the "which evaluation?" modal: that modal becomes the form."""
    view = payload.mapping(incoming.body, "view")
    key = payload.text(view, "private_metadata")
    draft = await _draft(deps, key) or Draft(
        team_id=incoming.team_id, requester_id=incoming.user_id
    )
    content, carried = form_view_for(
        deps,
        key,
        incoming.user_id,
        draft.channel_id,
        incoming.action_value,
        draft.task_ids,
        from_message=True,
    )
    await incoming.client.views_update(
        view_id=payload.text(view, "id"), hash=payload.text(view, "hash") or None, view=content
    )
    await keep_draft(deps, key, draft.model_copy(update={"task_ids": carried}))
    return "ok"


async def _ask_which(
    incoming: Incoming, deps: Deps, found: Extracted, thread_ts: str | None
) -> RequestOutcome:
    """Open the question first (the trigger lives 3 seconds), then remember the draft."""
    key = new_draft_key()
    shown = ", ".join(md.code(e) for e in found.evaluation_ids[:CHOICES_SHOWN])
    question = (
        f"This message names several evaluations ({shown}) and I won't guess which one "
        f"its {md.plural(len(found.task_ids), 'task id')} belong to. Which one?"
    )
    if len(found.evaluation_ids) > CHOICES_SHOWN:
        question += " (Not listed? Pick any and change it in the form.)"
    view = blocks.choose_view(question, found.evaluation_ids, key)
    try:
        await incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)
    except SlackApiError as exc:
        return await _refused(incoming, exc)
    draft = Draft(
        team_id=incoming.team_id,
        requester_id=incoming.user_id,
        channel_id=incoming.channel_id or None,
        thread_ts=thread_ts,
        task_ids=found.task_ids,
    )
    await keep_draft(deps, key, draft)
    return "ok"


async def _draft(deps: Deps, key: str) -> Draft | None:
    try:
        return await deps.usecases.assigning.draft(key) if key else None
    except StoreUnavailable:
        log.warning("could not read the draft of a form")
        return None


async def _open(incoming: Incoming, deps: Deps, opening: Opening) -> RequestOutcome:
    """Open the form; if Slack refuses, say so where we can (a global shortcut has nowhere)."""
    try:
        await open_form(incoming.client, deps, opening)
    except SlackApiError as exc:
        return await _refused(incoming, exc)
    return "ok"


async def _refused(incoming: Incoming, exc: SlackApiError) -> RequestOutcome:
    error = str(exc.response.get("error", "unknown_error"))
    log.warning("could not open the form: %s", error)
    if incoming.response_url:
        text = f"I could not open the form ({md.escape(error)}): please try again."
        await incoming.refuse(text)
    return "error"
