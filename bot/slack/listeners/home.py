"""The App Home tab: published when a person opens it, after each job that involves them, and
again after a click on one of its buttons (a page, Retry failed, Undo, Confirm, Cancel).

A click on the Home has no response_url and no channel, so what a click could not do is said
at the top of the Home itself, rather than through the listener's usual answer.
"""

from __future__ import annotations

import logging
from typing import Final

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.job import Job, SurfaceRef
from bot.metrics import RequestOutcome
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.blocks.home import (
    HOME_CANCEL,
    HOME_CONFIRM,
    HOME_PAGE,
    HOME_RETRY,
    HOME_UNDO,
    home_view,
)
from bot.slack.deps import Deps
from bot.slack.listener import ANSWERED, Incoming, listener, outcome_of
from bot.slack.wording import describe
from bot.usecases.home import Home
from bot.usecases.refusals import RetryGone, UndoGone

log = logging.getLogger(__name__)

JOB_GONE: Final = "That assignment is no longer kept (7 days), so its buttons are gone."


def register(app: AsyncApp, deps: Deps) -> None:
    app.event("app_home_opened")(listener(deps, "app_home", handle_opened))
    for action in (HOME_PAGE, HOME_PAGE + "_next"):
        app.action(action)(listener(deps, "action", handle_page))
    app.action(HOME_RETRY)(listener(deps, "action", handle_retry))
    app.action(HOME_UNDO)(listener(deps, "action", handle_undo))
    app.action(HOME_CONFIRM)(listener(deps, "action", handle_confirm))
    app.action(HOME_CANCEL)(listener(deps, "action", handle_cancel))


async def publish_home(
    client: AsyncWebClient,
    home: Home,
    team_id: str,
    user_id: str,
    page: int = 0,
    notice: str | None = None,
) -> None:
    """Build and publish one person's Home (best effort: a refusal by Slack is logged)."""
    data = await home.data(team_id, user_id)
    try:
        await client.views_publish(user_id=user_id, view=home_view(data, page, notice))
    except SlackApiError as exc:
        log.warning("could not publish the App Home of %s: %s", user_id, exc.response.get("error"))


class HomeRefresher:
    """After a job is reported: its Home entry gets the summary's link, and everyone it
    involves sees their Home again (the hook in `bot.slack.reporting.publisher`)."""

    def __init__(self, client: AsyncWebClient, home: Home) -> None:
        self.client = client
        self.home = home

    async def after(self, job: Job, permalink: str | None) -> None:
        try:
            for user_id in await self.home.job_published(job.id, permalink):
                await publish_home(self.client, self.home, job.confirmation.team_id, user_id)
        except Exception:  # the job is reported already; a stale Home is no reason to fail it
            log.exception("could not refresh the App Homes of job %s", job.id)


async def handle_opened(incoming: Incoming, deps: Deps) -> RequestOutcome | None:
    if payload.text(incoming.event, "tab") not in ("", "home"):
        return None  # the Messages tab
    await _publish(incoming, deps)
    return "ok"


async def handle_page(incoming: Incoming, deps: Deps) -> RequestOutcome:
    value = incoming.action_value
    page = int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0
    await _publish(incoming, deps, page)
    return "ok"


async def handle_retry(incoming: Incoming, deps: Deps) -> RequestOutcome:
    clicker = incoming.user_id
    entry = await deps.usecases.home.entry(incoming.action_value)
    if entry is None or entry.summary_thread is None:
        return await _refused(incoming, deps, RetryGone(already=False))
    try:
        job = await deps.usecases.assigning.retry_failed(
            entry.job_id, clicker, entry.channel_id, entry.summary_thread
        )
    except ANSWERED as exc:
        return await _refused(incoming, deps, exc)
    count = job.confirmation.task_count
    await _in_thread(
        incoming.client,
        entry.channel_id,
        entry.summary_thread,
        f"{md.user(clicker)} is retrying {md.plural(count, 'failed task')} from their App Home; "
        "the result follows in this thread.",
    )
    notice = f":repeat: Retrying {md.plural(count, 'failed task')}: see the summary's thread."
    await _publish(incoming, deps, notice=notice)
    return "ok"


async def handle_undo(incoming: Incoming, deps: Deps) -> RequestOutcome:
    clicker = incoming.user_id
    entry = await deps.usecases.home.entry(incoming.action_value)
    if entry is None or not entry.undo_id:
        return await _refused(incoming, deps, UndoGone(already=False))
    try:
        snapshot = await deps.usecases.undo.take(entry.undo_id, clicker)
    except ANSWERED as exc:
        return await _refused(incoming, deps, exc)
    result = await deps.usecases.undo.run(snapshot, clicker, entry.channel_id)
    if entry.summary_thread:
        await _in_thread(
            incoming.client,
            entry.channel_id,
            entry.summary_thread,
            blocks.undo_text(result),
            blocks.undo_report_blocks(result, clicker),
        )
    notice = (
        f":leftwards_arrow_with_hook: Undone: {result.restored:,} of "
        f"{md.plural(result.attempted, 'task')} went back."
    )
    await _publish(incoming, deps, notice=notice)
    return "ok"


async def handle_confirm(incoming: Incoming, deps: Deps) -> RequestOutcome:
    assigning = deps.usecases.assigning
    try:
        confirmation = await assigning.confirm(incoming.action_value, incoming.user_id)
        await assigning.submit(confirmation, SurfaceRef())
    except ANSWERED as exc:
        return await _refused(incoming, deps, exc)
    notice = (
        f":hourglass_flowing_sand: Assigning {md.plural(confirmation.task_count, 'task')} of "
        f"{md.code(confirmation.evaluation_id)}: the summary goes to <#{confirmation.channel_id}>."
    )
    await _publish(incoming, deps, notice=notice)
    return "ok"


async def handle_cancel(incoming: Incoming, deps: Deps) -> RequestOutcome:
    try:
        confirmation = await deps.usecases.assigning.cancel(incoming.action_value, incoming.user_id)
    except ANSWERED as exc:
        return await _refused(incoming, deps, exc)
    notice = f"Cancelled: nothing was assigned of {md.code(confirmation.evaluation_id)}."
    await _publish(incoming, deps, notice=notice)
    return "ok"


async def _publish(
    incoming: Incoming, deps: Deps, page: int | None = None, notice: str | None = None
) -> None:
    shown = page if page is not None else _current_page(incoming)
    home = deps.usecases.home
    await publish_home(incoming.client, home, incoming.team_id, incoming.user_id, shown, notice)


def _current_page(incoming: Incoming) -> int:
    """The page a click came from (kept in the view's private_metadata), for a re-publish."""
    value = payload.text(incoming.body, "view", "private_metadata")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0


async def _refused(incoming: Incoming, deps: Deps, error: Exception) -> RequestOutcome:
    """Say on the Home what the click could not do."""
    await _publish(incoming, deps, notice=f":warning: {describe(error)}")
    return outcome_of(error)


async def _in_thread(
    client: AsyncWebClient,
    channel: str,
    thread_ts: str,
    text: str,
    content: blocks.Blocks | None = None,
) -> None:
    try:
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=text[:300],
            blocks=content or blocks.notice_blocks(text),
            unfurl_links=False,
        )
    except SlackApiError as exc:
        log.warning("could not post in the summary's thread: %s", exc.response.get("error"))
