"""The Slack side of reminders (`bot.usecases.ports.Reminders`): the digest DM, the lead's
stalled-work message in the summary's thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.reminders import Digest, StalledWork
from bot.settings import Settings
from bot.slack.blocks import reminders as blocks
from bot.slack.directories.failures import SLACK_FAILURES, failure_reason
from bot.slack.directories.timezones import SlackTimeZones
from bot.slack.reporting.wrapping import WrappingPublisher
from bot.store.connection import Store
from bot.usecases.access import Access
from bot.usecases.ports import Platform, Publisher
from bot.usecases.reminders import ReminderConfig, Reminding

log = logging.getLogger(__name__)


class SlackReminders:
    def __init__(self, client: AsyncWebClient, app_host: str) -> None:
        self.client = client
        self.app_host = app_host

    async def send_digest(self, team_id: str, digest: Digest) -> bool:
        return await self._post(
            "a reminder to " + digest.slack_user_id,
            channel=digest.slack_user_id,
            text=blocks.digest_text(digest),
            blocks=blocks.digest_blocks(digest, self.app_host),
        )

    async def post_stalled(self, work: StalledWork, now: datetime) -> bool:
        watch = work.watch
        return await self._post(
            f"stalled work of job {watch.job_id}",
            channel=watch.channel_id,
            thread_ts=watch.thread_ts,
            text=blocks.stalled_text(work),
            blocks=blocks.stalled_blocks(work, now, self.app_host),
        )

    async def _post(self, what: str, **message: object) -> bool:
        try:
            await self.client.chat_postMessage(unfurl_links=False, **message)  # type: ignore[arg-type]
        except SLACK_FAILURES as exc:
            log.warning("could not post %s: %s", what, failure_reason(exc))
            return False
        return True


class SchedulingPublisher(WrappingPublisher):
    """A Publisher that schedules a finished job's reminders once it has been published."""

    def __init__(self, inner: Publisher, reminding: Reminding) -> None:
        super().__init__(inner)
        self.reminding = reminding

    async def publish(self, job: Job, summary: Summary, undo_id: str | None) -> str | None:
        permalink: str | None = None
        try:
            permalink = await self.inner.publish(job, summary, undo_id)
        finally:  # scheduled even when publishing broke half-way: the tasks are assigned
            await self.reminding.schedule(job, summary, permalink)
        return permalink


def build_reminding(
    settings: Settings,
    store: Store,
    platform: Platform,
    client: AsyncWebClient,
    access: Access,
    clock: Callable[[], datetime],
) -> Reminding:
    """Reminders as the settings configure them, talking to Slack through `client`."""
    return Reminding(
        store=store.reminders,
        platform=platform,
        zones=SlackTimeZones(client, store.cache),
        reminders=SlackReminders(client, settings.link_host),
        access=access,
        clock=clock,
        config=ReminderConfig(before=timedelta(hours=settings.remind_before_hours)),
    )
