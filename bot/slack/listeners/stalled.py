"""The stalled-work message's buttons: "Remind again", "Reassign to..." and "Give to the others
in the split". Each button carries the job's id; what the lead was told is kept in the store
(`bot.store.reminders`), and the requester or an admin may act on it.

Reassigning is always a new assignment: the form (pre-filled) or the usual preview with
Confirm, then the summary in the same thread and the audit record.
"""

from __future__ import annotations

from typing import Final

from slack_bolt.async_app import AsyncApp

from bot.core.commands import Assign, PlatformUser, SlackUser
from bot.core.reminders import StalledWork
from bot.core.requester import Requester
from bot.metrics import RequestOutcome
from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.deps import Deps
from bot.slack.forms.opening import Opening
from bot.slack.forms.reassign import open_or_refuse
from bot.slack.listener import Handler, Incoming, listener
from bot.slack.listeners.summary import SummaryMessage
from bot.slack.ui_ids import Action
from bot.usecases.reminders import Reminding

GONE: Final = (
    "I no longer know this work (it is more than two weeks old, or the store lost it). "
    "Use `/assign` to hand the tasks out again."
)
NOTHING_LEFT: Final = (
    "Every one of these tasks is completed or with someone else now: nothing is stalled."
)


def register(app: AsyncApp, deps: Deps) -> None:
    handlers: dict[Action, Handler] = {
        Action.STALLED_REMIND: handle_remind,
        Action.STALLED_REASSIGN: handle_reassign,
        Action.STALLED_SPLIT: handle_split,
    }
    for action, handler in handlers.items():
        app.action(action.value)(listener(deps, "action", handler))


async def _told(incoming: Incoming, deps: Deps) -> tuple[Reminding, StalledWork] | None:
    """The reminders and what the clicked message told; None (the clicker told) when gone."""
    reminding = deps.reminders
    work = await reminding.told(incoming.action_value, incoming.user_id) if reminding else None
    if reminding is None or work is None:
        await incoming.refuse(GONE)
        return None
    return reminding, work


async def handle_remind(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """A digest now to whoever still holds the stalled tasks; a line in the thread says so."""
    told = await _told(incoming, deps)
    if told is None:
        return "refused"
    reminding, work = told
    work = await reminding.current(work)
    if not work.stalled:
        await incoming.answer(blocks.notice_blocks(NOTHING_LEFT), NOTHING_LEFT)
        return "ok"
    reminded = await reminding.remind_again(work)
    if reminded is None:
        text = "A reminder about this work went out a few minutes ago; give it a little time."
        await incoming.answer(blocks.notice_blocks(text), text)
        return "ok"
    who = ", ".join(md.user(user) for user in reminded) or "nobody (no one could be messaged)"
    text = (
        f"{md.user(incoming.user_id)} reminded {who} about {md.plural(len(work.stalled), 'task')}."
    )
    await SummaryMessage.of(incoming.body).post_in_thread(
        incoming.client, blocks.notice_blocks(f":bell: {text}"), text
    )
    return "ok"


async def handle_reassign(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """The form, filled with the stalled tasks; nothing slow before views.open (3 s trigger).

    The form's preview reads the listing, so a task completed meanwhile is flagged there.
    """
    told = await _told(incoming, deps)
    if told is None:
        return "refused"
    _, work = told
    watch = work.watch
    opening = Opening(
        trigger_id=incoming.trigger_id,
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=watch.channel_id,
        thread_ts=watch.thread_ts,  # the new summary answers in the same thread
        evaluation_id=watch.evaluation_id,
        task_ids=work.task_ids,
        from_message=True,
    )
    return await open_or_refuse(incoming, deps, opening)


async def handle_split(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """The usual preview of the stalled tasks split among the rest of the job's assignees."""
    told = await _told(incoming, deps)
    if told is None:
        return "refused"
    reminding, work = told
    others = work.others
    if not others:
        text = "Everyone in this split holds stalled work: use *Reassign to...* instead."
        await incoming.answer(blocks.notice_blocks(text), text)
        return "ok"
    work = await reminding.current(work)
    if not work.stalled:
        await incoming.answer(blocks.notice_blocks(NOTHING_LEFT), NOTHING_LEFT)
        return "ok"
    watch = work.watch
    command = Assign(
        evaluation_id=watch.evaluation_id,
        task_ids=work.task_ids,
        duplicates_dropped=0,
        assignees=tuple(
            SlackUser(other.slack_user_id)
            if other.slack_user_id
            else PlatformUser(other.platform_user_id)
            for other in others
        ),
    )
    requester = Requester(
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=watch.channel_id,
        thread_ts=watch.thread_ts,
        response_url=incoming.response_url,
        enterprise_id=incoming.enterprise_id,
    )
    pending = await deps.usecases.assigning.prepare(requester, command)
    await incoming.answer(blocks.preview_blocks(pending.confirmation, pending.token))
    return "ok"
