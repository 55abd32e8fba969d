"""Running a confirmed request and reporting it, whatever surface the requester is looking at."""

from __future__ import annotations

import logging
from typing import Protocol

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.confirmation import Confirmation
from bot.slack import blocks, modals
from bot.slack.deps import Deps
from bot.slack.publication import Publication
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


class ViewSurface:
    """The modal the requester submitted, updated in place with views.update on its view id.

    No `hash`: the ack that showed "Assigning..." changed the view's hash, and nothing else
    writes to this view, so last write wins is right. A modal the requester closed cannot be
    updated; that is logged and the assignment carries on (the summary and DMs still go out).
    """

    def __init__(
        self, client: AsyncWebClient, view_id: str, shown: blocks.Blocks | None = None
    ) -> None:
        self.client = client
        self.view_id = view_id
        self._shown = shown

    async def show(self, content: blocks.Blocks, text: str) -> None:
        if content == self._shown:
            return  # already on screen (the ack of the submission put it there)
        self._shown = content
        try:
            await self.client.views_update(view_id=self.view_id, view=modals.status_view(content))
        except SlackApiError as exc:
            log.warning("could not update view %s: %s", self.view_id, exc.response.get("error"))


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
        await deps.service.record(confirmation, summary, permalink=None)
        await surface.show(blocks.failure_blocks(summary), "Nothing was assigned.")
        return
    reporter = Reporter(client, deps.csv_threshold)
    publication = Publication()
    try:
        publication = await reporter.publish(
            summary, confirmation.channel_id, confirmation.thread_ts
        )
    finally:  # audited even when publishing broke half-way: the tasks are assigned either way
        await deps.service.record(confirmation, summary, permalink=publication.permalink)
    await surface.show(blocks.result_blocks(summary, publication), blocks.summary_text(summary))
