"""Publishing a finished assignment: channel summary, details in its thread, assignees' DMs."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.outcome import Summary
from bot.core.readback import Part, assignment_of, build_metadata
from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.publication import Publication

log = logging.getLogger(__name__)

#: Slack errors that mean "the bot may not post there", as opposed to an outage.
NOT_ALLOWED_TO_POST = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "access_denied"}
)


class Reporter:
    """Posts one job's outcome; every message carries the job's metadata (`bot.core.readback`),
    so a shortcut or a mention on it later reads the assignment exactly."""

    def __init__(self, client: AsyncWebClient, csv_threshold: int, job_id: str) -> None:
        self.client = client
        self.csv_threshold = csv_threshold
        self.job_id = job_id

    def metadata(self, summary: Summary, part: Part) -> dict[str, object]:
        return build_metadata(assignment_of(summary, self.job_id, part))

    async def publish(
        self,
        summary: Summary,
        channel_id: str,
        thread_ts: str | None,
        *,
        retry_job_id: str | None = None,
        undo_id: str | None = None,
    ) -> Publication:
        publication = Publication()
        try:
            posted = await self.client.chat_postMessage(
                channel=channel_id,
                thread_ts=thread_ts,
                text=blocks.summary_text(summary),
                blocks=blocks.summary_blocks(summary, retry_job_id=retry_job_id, undo_id=undo_id),
                unfurl_links=False,
                metadata=self.metadata(summary, "summary"),
            )
        except SlackApiError as exc:
            publication.post_error = str(exc.response.get("error", "unknown_error"))
            log.warning("could not post the summary in %s: %s", channel_id, publication.post_error)
            return publication
        publication.summary_posted = True
        summary_ts = str(posted["ts"])
        detail_thread = thread_ts or summary_ts
        publication.permalink = await self._permalink(channel_id, summary_ts)
        await self._post_details(summary, channel_id, detail_thread)
        publication.undelivered_dms = await self._notify_assignees(summary, publication.permalink)
        return publication

    async def _permalink(self, channel_id: str, ts: str) -> str | None:
        try:
            response = await self.client.chat_getPermalink(channel=channel_id, message_ts=ts)
        except SlackApiError as exc:
            log.warning("no permalink for %s/%s: %s", channel_id, ts, exc.response.get("error"))
            return None
        permalink = response.get("permalink")
        return str(permalink) if permalink else None

    async def _post_details(self, summary: Summary, channel_id: str, thread_ts: str) -> None:
        try:
            if summary.requested > self.csv_threshold:
                await self.client.files_upload_v2(
                    channel=channel_id,
                    thread_ts=thread_ts,
                    content=blocks.detail_csv(summary),
                    filename=f"assignment-{summary.evaluation_id}.csv",
                    title=f"Assignment of {summary.requested} tasks",
                    initial_comment=blocks.csv_comment(summary),
                )
                return
            for message in blocks.thread_detail_messages(summary):
                await self.client.chat_postMessage(
                    channel=channel_id,
                    thread_ts=thread_ts,
                    text="Task details",
                    blocks=message,
                    unfurl_links=False,
                    metadata=self.metadata(summary, "detail"),
                )
        except SlackApiError as exc:
            log.warning("could not post details in %s: %s", channel_id, exc.response.get("error"))

    async def _notify_assignees(self, summary: Summary, permalink: str | None) -> list[str]:
        undelivered: list[str] = []
        for share in summary.shares:
            slack_user = share.assignee.slack_user_id
            if slack_user is None or share.assigned == 0:
                continue
            try:
                await self.client.chat_postMessage(
                    channel=slack_user,
                    text=(
                        f"You were assigned {share.assigned} tasks of "
                        f"{md.escape(summary.evaluation_id)}"
                    ),
                    blocks=blocks.assignee_dm_blocks(summary, share, permalink),
                    unfurl_links=False,
                    metadata=self.metadata(summary, "dm"),
                )
            except SlackApiError as exc:
                log.warning("could not DM %s: %s", slack_user, exc.response.get("error"))
                undelivered.append(slack_user)
        return undelivered
