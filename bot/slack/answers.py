"""Telling the person who clicked what happened, through the interaction's response_url."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncRespond

from bot.slack import blocks

log = logging.getLogger(__name__)


async def tell_clicker(respond: AsyncRespond, text: str, *, replace_original: bool = False) -> None:
    """An ephemeral warning only the clicker sees; `replace_original` swaps their message.

    Best effort: a payload without a usable response_url gets a log line instead, because the
    click has been handled and nothing the person could do depends on the answer arriving.
    """
    try:
        await respond(
            replace_original=replace_original,
            response_type="ephemeral",
            blocks=blocks.error_blocks(text),
            text=text[:300],
        )
    except Exception as exc:
        log.warning("could not answer a click: %s", type(exc).__name__)
