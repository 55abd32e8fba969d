"""The summary's buttons: "Retry failed" (a new job for the failed tasks) and "Undo" (every
task back to who had it before). Both report in the summary's thread and take their button off
the summary, so nobody presses it again.

The use cases check the clicker (requester or admin) when the click arrives, and take the
retry or the undo snapshot at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import RequestOutcome
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.deps import Deps
from bot.slack.listener import Incoming, listener
from bot.slack.ui_ids import Action, Block

log = logging.getLogger(__name__)

UNDO_CRASHED: Final = (
    "The undo failed part-way: some tasks may be back with who had them before and others not. "
    "Check the evaluation on the platform."
)


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(Action.RETRY_FAILED.value)(listener(deps, "action", handle_retry))
    app.action(Action.UNDO.value)(listener(deps, "action", handle_undo))


async def handle_retry(incoming: Incoming, deps: Deps) -> RequestOutcome:
    where = SummaryMessage.of(incoming.body)
    clicker = incoming.user_id
    if where.ephemeral:
        return await _retry_from_result(incoming, deps, where)
    job = await deps.usecases.assigning.retry_failed(
        incoming.action_value, clicker, where.channel, where.thread_ts
    )
    count = job.confirmation.task_count
    await where.post_in_thread(
        incoming.client,
        blocks.notice_blocks(
            f"{md.user(clicker)} is retrying {md.plural(count, 'failed task')}; "
            "the result follows in this thread."
        ),
        f"Retrying {count} failed tasks",
    )
    await where.update(incoming.client, _without_retry(where.message.get("blocks")))
    return "ok"


async def handle_undo(incoming: Incoming, deps: Deps) -> RequestOutcome:
    clicker = incoming.user_id
    where = SummaryMessage.of(incoming.body)
    undo = deps.usecases.undo
    snapshot = await undo.take(incoming.action_value, clicker)
    client = incoming.client
    await where.replace_undo(
        client, f":hourglass_flowing_sand: {md.user(clicker)} is undoing this assignment."
    )
    try:
        result = await undo.run(snapshot, clicker, where.channel)
    except Exception:
        log.exception("undo of %s failed", snapshot.evaluation_id)
        await where.post_in_thread(client, blocks.error_blocks(UNDO_CRASHED), UNDO_CRASHED)
        await where.replace_undo(client, f":warning: {md.user(clicker)}'s undo failed.")
        return "error"
    await where.post_in_thread(
        client, blocks.undo_report_blocks(result, clicker), blocks.undo_text(result)
    )
    await where.replace_undo(
        client,
        f":leftwards_arrow_with_hook: {md.user(clicker)} undid this assignment: "
        f"{result.restored:,} of {md.plural(result.attempted, 'task')} went back; "
        "see the thread.",
    )
    return "ok"


async def _retry_from_result(
    incoming: Incoming, deps: Deps, where: SummaryMessage
) -> RequestOutcome:
    """ "Retry failed" on the requester's own result (the channel would not take the summary).

    The retry reports like the first run: its summary in the channel (in the request's
    thread) if Slack lets the bot post there now, else to the requester (an ephemeral
    message, else a direct message). Their result stays as it was, for what it lists.
    """
    clicker = incoming.user_id
    job = await deps.usecases.assigning.retry_failed(
        incoming.action_value, clicker, where.channel, None
    )
    count = job.confirmation.task_count
    said = (
        f"Retrying {md.plural(count, 'failed task')}. The result follows in the channel, "
        "or here (else in a direct message) if I still cannot post there."
    )
    await incoming.answer(blocks.notice_blocks(said), said)
    return "ok"


def _without_retry(message_blocks: Any) -> list[dict[str, Any]]:
    """The summary as it was, minus its Retry button: a retry is started once."""
    if not isinstance(message_blocks, list):
        return []
    return [
        block
        for block in message_blocks
        if isinstance(block, dict) and block.get("block_id") != Block.SUMMARY_ACTIONS
    ]


class SummaryMessage:
    """The summary message a button is on, as the click payload describes it."""

    def __init__(self, channel: str, ts: str, thread_ts: str, message: Mapping[str, Any]) -> None:
        self.channel = channel
        self.ts = ts
        self.thread_ts = thread_ts
        self.message = message

    @property
    def ephemeral(self) -> bool:
        """A message only the clicker sees (Slack sends no `message` for it): nothing there
        can be threaded under or updated, only answered on the click's response_url."""
        return not self.message

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> SummaryMessage:
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
            log.warning("a click without its message; the report is logged only: %s", text)
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
            log.warning("could not post in the summary's thread: %s", exc.response.get("error"))

    async def replace_undo(self, client: AsyncWebClient, note: str) -> None:
        """The summary as it was, its Undo button replaced by `note` (best effort)."""
        await self.update(client, blocks.without_undo(self.message.get("blocks"), note))

    async def update(self, client: AsyncWebClient, content: blocks.Blocks) -> None:
        if not self.channel or not self.ts:
            return
        try:
            await client.chat_update(
                channel=self.channel,
                ts=self.ts,
                text=payload.text(self.message, "text") or "Assignment summary",
                blocks=content,
            )
        except SlackApiError as exc:
            log.warning("could not update the summary: %s", exc.response.get("error"))
