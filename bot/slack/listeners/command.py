"""`/assign`: no text opens the form; otherwise parse, then answer (see `answers`)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core.commands import parse
from bot.core.requester import Requester
from bot.metrics import RequestOutcome
from bot.slack.deps import Deps
from bot.slack.forms.opening import open_form_from_command
from bot.slack.listener import Incoming, listener
from bot.slack.listeners.answers import answer_command
from bot.slack.ui_ids import COMMAND


def register(app: AsyncApp, deps: Deps) -> None:
    app.command(COMMAND)(listener(deps, "command", handle_assign))


async def handle_assign(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """Open the form, or answer the command on its response_url."""
    text = str(incoming.body.get("text", ""))
    if not text.strip():  # no text: the modal form (`help` helps)
        opened = await open_form_from_command(incoming, deps)
        return "ok" if opened else "error"
    requester = Requester(
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=incoming.channel_id,
        response_url=incoming.response_url,
        enterprise_id=incoming.enterprise_id,
    )
    parsed = parse(
        text, max_ids=deps.max_task_ids, max_picked=deps.max_picked_tasks, hosts=deps.hosts
    )
    await incoming.answer(await answer_command(parsed, requester, deps))
    return "ok"
