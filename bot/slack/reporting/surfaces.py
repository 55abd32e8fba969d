"""Where a requester watches their request, as any process can write to it.

A job names its surface with a `SurfaceRef` (plain data in Redis); the worker that runs it turns
that back into something it can show progress and the result on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.confirmation import Confirmation
from bot.core.job import SurfaceRef
from bot.slack import blocks
from bot.slack.blocks import modals
from bot.slack.blocks.preview import PlatformWait, wait_text
from bot.slack.responder import Responder

log = logging.getLogger(__name__)

#: Slack lets a response_url be used 5 times: "Assigning...", the result, and this many updates.
RESPONSE_URL_PROGRESS_UPDATES = 3
#: At most one progress update this often, per surface.
PROGRESS_INTERVAL_SECONDS = 2.0
#: Shorter waits (the platform's ordinary backoff) are not worth a message.
WAIT_SHOWN_FROM_SECONDS = 2.0
#: A wait ending within this of one already shown was said (parallel chunks, one answer).
WAIT_SAID_ALREADY = timedelta(seconds=2)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Fallback:
    """Where the final word goes when the response_url will not take it: an ephemeral message
    to the requester where they asked, else a direct message."""

    def __init__(
        self, client: AsyncWebClient, channel: str, user: str, thread_ts: str | None
    ) -> None:
        self.client = client
        self.channel = channel
        self.user = user
        self.thread_ts = thread_ts

    async def show(
        self, content: blocks.Blocks, text: str, metadata: dict[str, Any] | None
    ) -> None:
        message: dict[str, Any] = {"blocks": content, "text": text[:300]}
        try:
            await self.client.chat_postEphemeral(
                channel=self.channel, user=self.user, thread_ts=self.thread_ts, **message
            )
            return
        except SlackApiError as exc:
            log.warning("could not answer in %s: %s", self.channel, exc.response.get("error"))
        try:
            await self.client.chat_postMessage(channel=self.user, metadata=metadata, **message)
        except SlackApiError as exc:
            log.error("could not tell %s the result: %s", self.user, exc.response.get("error"))


class ResponseUrlSurface:
    """An ephemeral message, replaced in place through its interaction's response_url."""

    progress_updates: int | None = RESPONSE_URL_PROGRESS_UPDATES

    def __init__(self, url: str, responder: Responder, fallback: Fallback | None = None) -> None:
        self.url = url
        self.responder = responder
        self.fallback = fallback

    async def show(
        self,
        content: blocks.Blocks,
        text: str,
        *,
        metadata: dict[str, Any] | None = None,
        final: bool = True,
    ) -> None:
        """`metadata`: the assignment's (`bot.core.readback`), on the final message.

        Posted like every answer (`Responder`: pooled, retried, its uses counted); a progress
        update that fails is skipped, a final word that fails goes to the `fallback`.
        """
        message: dict[str, Any] = {"replace_original": True, "blocks": content, "text": text[:300]}
        if metadata is not None:
            message["metadata"] = metadata
        taken = await self.responder.reply(self.url, final=final, **message)
        if not taken and final and self.fallback is not None:
            await self.fallback.show(content, text, metadata)


class ViewSurface:
    """The modal the requester submitted, updated with views.update on its view id.

    No `hash`: nothing else writes to this view, so the last write is right. A modal the
    requester closed cannot be updated; that is logged and the assignment carries on.
    """

    progress_updates: int | None = None

    def __init__(self, client: AsyncWebClient, view_id: str) -> None:
        self.client = client
        self.view_id = view_id

    async def show(
        self,
        content: blocks.Blocks,
        text: str,
        *,
        metadata: dict[str, Any] | None = None,
        final: bool = True,
    ) -> None:
        """A view has no message metadata: `metadata` is not shown anywhere."""
        try:
            await self.client.views_update(view_id=self.view_id, view=modals.status_view(content))
        except SlackApiError as exc:
            log.warning("could not update view %s: %s", self.view_id, exc.response.get("error"))


class NoSurface:
    """A request with nowhere private to report (a retry started from the channel summary)."""

    progress_updates: int | None = 0

    async def show(
        self,
        content: blocks.Blocks,
        text: str,
        *,
        metadata: dict[str, Any] | None = None,
        final: bool = True,
    ) -> None:
        return None


AnySurface = ResponseUrlSurface | ViewSurface | NoSurface


def surface_for(
    ref: SurfaceRef,
    client: AsyncWebClient,
    responder: Responder,
    confirmation: Confirmation | None = None,
) -> AnySurface:
    """The requester's surface; with `confirmation`, a response_url's final word falls back."""
    if ref.kind == "response_url" and ref.response_url:
        fallback = None
        if confirmation is not None:
            fallback = Fallback(
                client, confirmation.channel_id, confirmation.requester_id, confirmation.thread_ts
            )
        return ResponseUrlSurface(ref.response_url, responder, fallback)
    if ref.kind == "view" and ref.view_id:
        return ViewSurface(client, ref.view_id)
    return NoSurface()


class Progress:
    """ "Assigning... 3,000 / 8,000", at most every 2 seconds and within the surface's budget;
    and, when the platform asks the bot to wait, how long and until when (`wait`)."""

    def __init__(
        self,
        surface: AnySurface,
        confirmation: Confirmation,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.surface = surface
        self.confirmation = confirmation
        self.clock = clock
        self.wall = wall
        self.left = surface.progress_updates
        self.last = clock()  # "Assigning..." was just shown: the first update waits its turn
        self.done = 0
        self.until: datetime | None = None  # the end of the last wait shown

    async def __call__(self, done: int, total: int) -> None:
        self.done = max(self.done, done)
        now = self.clock()
        if done >= total or now - self.last < PROGRESS_INTERVAL_SECONDS or self.left == 0:
            return
        await self._show(blocks.assigning_blocks(self.confirmation, done=done), done, "")

    async def wait(self, seconds: float, why: str) -> None:
        """Shown at once (a wait is news), once for the chunks that all hear the same answer,
        and only when it is long enough to notice; it takes a use of the surface's budget."""
        if seconds < WAIT_SHOWN_FROM_SECONDS or self.left == 0:
            return
        until = self.wall() + timedelta(seconds=seconds)
        if self.until is not None and until <= self.until + WAIT_SAID_ALREADY:
            return
        self.until = until
        wait = PlatformWait(seconds, until)
        content = blocks.assigning_blocks(self.confirmation, done=self.done, wait=wait)
        await self._show(content, self.done, f" — {wait_text(wait)}")

    async def _show(self, content: blocks.Blocks, done: int, more: str) -> None:
        self.last = self.clock()
        if self.left is not None:
            self.left -= 1
        total = self.confirmation.task_count
        text = f"Assigning... {done:,} / {total:,}{more}"
        await self.surface.show(content, text, final=False)
