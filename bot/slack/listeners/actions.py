"""The preview's Confirm and Cancel buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.confirmation import Confirmation
from bot.service import ConfirmationGone, ServiceError
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.execute import ResponseUrlSurface, execute
from bot.slack.ui_ids import Action
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_confirm(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        confirmation = await _take(deps, body, respond, confirm=True)
        if confirmation is not None:
            await execute(deps, confirmation, ResponseUrlSurface(respond), client)

    async def on_cancel(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        confirmation = await _take(deps, body, respond, confirm=False)
        if confirmation is not None:
            await respond(
                replace_original=True,
                blocks=blocks.cancelled_blocks(confirmation),
                text="Cancelled: nothing was assigned.",
            )

    app.action(Action.CONFIRM.value)(on_confirm)
    app.action(Action.CANCEL.value)(on_cancel)


async def _take(
    deps: Deps, body: dict[str, Any], respond: AsyncRespond, *, confirm: bool
) -> Confirmation | None:
    """The confirmation, taken once; or an answer to the clicker and None."""
    token = _button_value(body)
    clicker = str(body.get("user", {}).get("id", ""))
    try:
        if confirm:
            return await deps.service.confirm(token, clicker)
        return await deps.service.cancel(token, clicker)
    except ConfirmationGone as exc:
        # An expired preview is replaced so its buttons go away; a second click on a
        # preview that is already running must not overwrite its progress.
        expired = exc.ending is None
        await _say(respond, describe(exc), replace_original=expired)
    except (ServiceError, StoreUnavailable) as exc:
        await _say(respond, describe(exc), replace_original=False)
    return None


def _button_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value", ""))


async def _say(respond: AsyncRespond, text: str, *, replace_original: bool) -> None:
    await respond(
        replace_original=replace_original,
        response_type="ephemeral",
        blocks=blocks.error_blocks(text),
        text=text[:300],
    )
