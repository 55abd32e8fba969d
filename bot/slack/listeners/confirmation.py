"""The preview's Confirm and Cancel buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.core.confirmation import Confirmation
from bot.core.job import SurfaceRef
from bot.refusals import ConfirmationGone, ServiceError
from bot.slack import blocks, payload
from bot.slack.answers import tell_clicker
from bot.slack.deps import Deps
from bot.slack.measure import outcome_of
from bot.slack.ui_ids import Action
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

NOT_QUEUED = "Your confirmation was used up; run the command again."


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        deps.after_ack.start(_confirm(deps, body, respond), "confirm")

    async def on_cancel(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        deps.after_ack.start(_cancel(deps, body, respond), "cancel")

    app.action(Action.CONFIRM.value)(on_confirm)
    app.action(Action.CANCEL.value)(on_cancel)


async def _confirm(deps: Deps, body: dict[str, Any], respond: AsyncRespond) -> None:
    confirmation = await _take(deps, body, respond, confirm=True)
    if confirmation is None:
        return
    await respond(
        replace_original=True,
        blocks=blocks.assigning_blocks(confirmation),
        text="Assigning...",
    )
    surface = SurfaceRef(kind="response_url", response_url=payload.text(body, "response_url"))
    try:
        await deps.service.submit(confirmation, surface)
    except Exception as exc:
        log.exception("queueing a confirmed request failed")
        deps.metrics.request("action", "error")
        await tell_clicker(respond, describe(exc) + " " + NOT_QUEUED, replace_original=True)
        return
    deps.metrics.request("action", "ok")


async def _cancel(deps: Deps, body: dict[str, Any], respond: AsyncRespond) -> None:
    confirmation = await _take(deps, body, respond, confirm=False)
    if confirmation is not None:
        deps.metrics.request("action", "ok")
        await respond(
            replace_original=True,
            blocks=blocks.cancelled_blocks(confirmation),
            text="Cancelled: nothing was assigned.",
        )


async def _take(
    deps: Deps, body: dict[str, Any], respond: AsyncRespond, *, confirm: bool
) -> Confirmation | None:
    """The confirmation, taken once; or an answer to the clicker and None.

    Never raises: before the take nothing has happened, so saying "nothing was assigned"
    is true, and the clicker hears it.
    """
    token = _button_value(body)
    clicker = _clicker(body)
    try:
        if confirm:
            return await deps.service.confirm(token, clicker)
        return await deps.service.cancel(token, clicker)
    except ConfirmationGone as exc:
        deps.metrics.request("action", outcome_of(exc))
        # An expired preview is replaced so its buttons go away; a second click on a
        # preview that is already running must not overwrite its progress.
        expired = exc.ending is None
        await tell_clicker(respond, describe(exc), replace_original=expired)
    except (ServiceError, StoreUnavailable) as exc:
        deps.metrics.request("action", outcome_of(exc))
        await tell_clicker(respond, describe(exc), replace_original=False)
    except Exception:
        log.exception("taking a confirmation failed")
        deps.metrics.request("action", "error")
        await tell_clicker(respond, describe(RuntimeError()), replace_original=False)
    return None


def _button_value(body: dict[str, Any]) -> str:
    """The clicked button's value; "" for a payload without one (the store then finds none)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    value = first.get("value") if isinstance(first, dict) else None
    return value if isinstance(value, str) else ""


def _clicker(body: dict[str, Any]) -> str:
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return user_id if isinstance(user_id, str) else ""
