"""The summary's "Retry failed" button: a new job for the failed tasks, reported in the thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.refusals import ServiceError
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.answers import tell_clicker
from bot.slack.deps import Deps
from bot.slack.measure import outcome_of
from bot.slack.ui_ids import Action, Block
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_retry(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        deps.after_ack.start(_retry(deps, body, respond, client), "retry failed")

    app.action(Action.RETRY_FAILED.value)(on_retry)


async def _retry(
    deps: Deps, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
) -> None:
    clicker = payload.text(body, "user", "id")
    channel = payload.text(body, "channel", "id")
    message = payload.mapping(body, "message")
    thread_ts = payload.text(message, "thread_ts") or payload.text(message, "ts")
    job_id = payload.text(body, "actions", 0, "value")
    try:
        job = await deps.service.retry_failed(job_id, clicker, channel, thread_ts)
    except (ServiceError, StoreUnavailable) as exc:
        deps.metrics.request("action", outcome_of(exc))
        await tell_clicker(respond, describe(exc))
        return
    except Exception:
        log.exception("retrying job %s failed", job_id)
        deps.metrics.request("action", "error")
        await tell_clicker(respond, describe(RuntimeError()))
        return
    deps.metrics.request("action", "ok")
    count = job.confirmation.task_count
    try:
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=f"Retrying {count} failed tasks",
            blocks=blocks.notice_blocks(
                f"{md.user(clicker)} is retrying {md.plural(count, 'failed task')}; "
                "the result follows in this thread."
            ),
        )
        await client.chat_update(
            channel=channel,
            ts=payload.text(message, "ts"),
            text=payload.text(message, "text") or "Assignment summary",
            blocks=_without_retry(message.get("blocks")),
        )
    except SlackApiError as exc:
        log.warning("could not announce the retry: %s", exc.response.get("error"))


def _without_retry(message_blocks: Any) -> list[dict[str, Any]]:
    """The summary as it was, minus its button: a retry is started once."""
    if not isinstance(message_blocks, list):
        return []
    return [
        block
        for block in message_blocks
        if isinstance(block, dict) and block.get("block_id") != Block.SUMMARY_ACTIONS
    ]
