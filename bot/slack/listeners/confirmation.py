"""The preview's Confirm and Cancel buttons.

Confirm takes the confirmation once and queues the job, then shows "Assigning..."; the worker
that claims it reports on the same message (its response_url). A click by anyone but the
requester or an admin, or on a preview that expired or was already answered, changes nothing
and is told why.
"""

from __future__ import annotations

import logging
from typing import Final

from slack_bolt.async_app import AsyncApp

from bot.core.job import SurfaceRef
from bot.metrics import RequestOutcome
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.listener import Incoming, listener
from bot.slack.reporting.workflow_step import cancelled
from bot.slack.ui_ids import Action
from bot.slack.wording import describe

log = logging.getLogger(__name__)

NOT_QUEUED: Final = "Your confirmation was used up; run the command again."


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(Action.CONFIRM.value)(listener(deps, "action", handle_confirm))
    app.action(Action.CANCEL.value)(listener(deps, "action", handle_cancel))


async def handle_confirm(incoming: Incoming, deps: Deps) -> RequestOutcome:
    assigning = deps.usecases.assigning
    confirmation = await assigning.confirm(incoming.action_value, incoming.user_id)
    surface = SurfaceRef(kind="response_url", response_url=incoming.response_url)
    try:  # queued before anything that can fail talks to Slack: the request is never lost
        await assigning.submit(confirmation, surface)
    except Exception as exc:
        log.exception("queueing a confirmed request failed")
        await incoming.refuse(describe(exc) + " " + NOT_QUEUED, replace_original=True)
        return "error"
    await incoming.answer(
        blocks.assigning_blocks(confirmation), "Assigning...", replace_original=True
    )
    return "ok"


async def handle_cancel(incoming: Incoming, deps: Deps) -> RequestOutcome:
    confirmation = await deps.usecases.assigning.cancel(incoming.action_value, incoming.user_id)
    await incoming.answer(
        blocks.cancelled_blocks(confirmation),
        "Cancelled: nothing was assigned.",
        replace_original=True,
    )
    await cancelled(deps.steps, confirmation)  # a workflow step's preview fails the step
    return "ok"
