"""Running a confirmed request and reporting it, whatever surface the requester is looking at."""

from __future__ import annotations

import logging
from typing import Protocol

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.confirmation import Confirmation
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.report import Reporter

log = logging.getLogger(__name__)

CRASHED = (
    "The bot failed while assigning; some tasks may have been assigned. "
    "Check the evaluation before trying again."
)


class Surface(Protocol):
    """Where the requester watches their request: an ephemeral message, a modal..."""

    async def show(self, content: blocks.Blocks, text: str) -> None: ...


class ResponseUrlSurface:
    """The ephemeral preview, replaced in place through the interaction's response_url."""

    def __init__(self, respond: AsyncRespond) -> None:
        self.respond = respond

    async def show(self, content: blocks.Blocks, text: str) -> None:
        await self.respond(replace_original=True, blocks=content, text=text[:300])


async def execute(
    deps: Deps, confirmation: Confirmation, surface: Surface, client: AsyncWebClient
) -> None:
    """Assigning... -> the platform calls -> summary, thread detail, DMs -> the result."""
    await surface.show(blocks.assigning_blocks(confirmation), "Assigning...")
    try:
        summary = await deps.service.run(confirmation)
    except Exception:
        log.exception("assignment of %s failed", confirmation.evaluation_id)
        await surface.show(blocks.error_blocks(CRASHED), CRASHED)
        return
    if summary.assigned == 0:
        # Nothing changed on the platform: tell the requester why, and keep the channel quiet.
        await surface.show(blocks.failure_blocks(summary), "Nothing was assigned.")
        return
    reporter = Reporter(client, deps.csv_threshold)
    publication = await reporter.publish(summary, confirmation.channel_id, confirmation.thread_ts)
    await surface.show(blocks.result_blocks(summary, publication), blocks.summary_text(summary))
