"""The summary's "Undo" button: every task back to who had it before, reported in the thread.

The service takes the snapshot at most once and checks the clicker (requester or admin) when
the click arrives; the button is replaced right away so nobody presses it again while the
platform calls run, and once more with the outcome when they are done.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.refusals import ServiceError
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.answers import tell_clicker
from bot.slack.deps import Deps
from bot.slack.ui_ids import Action
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

CRASHED: Final = (
    "The undo failed part-way: some tasks may be back with who had them before and others not. "
    "Check the evaluation on the platform."
)


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_undo(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        deps.after_ack.start(_undo(deps, body, respond, client), "undo")

    app.action(Action.UNDO.value)(on_undo)


async def _undo(
    deps: Deps, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
) -> None:
    clicker = payload.text(body, "user", "id")
    snapshot_id = payload.text(body, "actions", 0, "value")
    where = _Summary.of(body)
    try:
        snapshot = await deps.service.take_undo(snapshot_id, clicker)
    except (ServiceError, StoreUnavailable) as exc:
        await tell_clicker(respond, describe(exc))
        return
    except Exception:
        log.exception("taking undo snapshot failed")
        await tell_clicker(respond, describe(RuntimeError()))
        return
    await where.replace_button(
        client, f":hourglass_flowing_sand: {md.user(clicker)} is undoing this assignment."
    )
    try:
        result = await deps.service.run_undo(snapshot, clicker, where.channel)
    except Exception:
        log.exception("undo of %s failed", snapshot.evaluation_id)
        await where.post_in_thread(client, blocks.error_blocks(CRASHED), CRASHED)
        await where.replace_button(client, f":warning: {md.user(clicker)}'s undo failed.")
        return
    await where.post_in_thread(
        client, blocks.undo_report_blocks(result, clicker), blocks.undo_text(result)
    )
    await where.replace_button(
        client,
        f":leftwards_arrow_with_hook: {md.user(clicker)} undid this assignment: "
        f"{result.restored:,} of {md.plural(result.attempted, 'task')} went back; "
        "see the thread.",
    )


class _Summary:
    """The summary message the button is on, as the click payload describes it."""

    def __init__(self, channel: str, ts: str, thread_ts: str, message: Mapping[str, Any]) -> None:
        self.channel = channel
        self.ts = ts
        self.thread_ts = thread_ts
        self.message = message

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> _Summary:
        message = payload.mapping(body, "message")
        channel = payload.text(body, "channel", "id") or payload.text(
            body, "container", "channel_id"
        )
        ts = payload.text(message, "ts") or payload.text(body, "container", "message_ts")
        # A summary posted as a reply lives in its parent's thread; otherwise it is the parent.
        thread_ts = (
            payload.text(message, "thread_ts") or payload.text(body, "container", "thread_ts") or ts
        )
        return cls(channel, ts, thread_ts, message)

    async def post_in_thread(
        self, client: AsyncWebClient, content: blocks.Blocks, text: str
    ) -> None:
        if not self.channel or not self.thread_ts:
            log.warning("an undo click without its message; the report is logged only")
            return
        try:
            await client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread_ts,
                text=text[:300],
                blocks=content,
                unfurl_links=False,
            )
        except SlackApiError as exc:
            log.warning("could not report the undo: %s", exc.response.get("error"))

    async def replace_button(self, client: AsyncWebClient, note: str) -> None:
        """The summary as it was, its Undo button replaced by `note` (best effort)."""
        if not self.channel or not self.ts:
            return
        try:
            await client.chat_update(
                channel=self.channel,
                ts=self.ts,
                text=payload.text(self.message, "text") or "Assignment summary",
                blocks=blocks.without_undo(self.message.get("blocks"), note),
            )
        except SlackApiError as exc:
            log.warning("could not update the summary after an undo: %s", exc.response.get("error"))
