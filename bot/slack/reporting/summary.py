"""Publishing a finished assignment: channel summary, assignees' DMs, details in its thread.

`publish` posts what the requester's result links to or mentions (the summary's permalink, the
DMs that could not be delivered); `details` comes after that result, so the thread's detail or
CSV upload does not hold it back.

Each post is recorded as a step of the job's `Ledger` as soon as Slack took it; a worker taking a
job over skips the steps recorded and, for the one a dead worker may have made without recording
it, first looks in Slack for a message carrying the job's id in its metadata. A rate-limited post
is tried again after Slack's Retry-After until it goes out: the job is not done before its outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.outcome import ShareSummary, Summary
from bot.core.readback import Part, assignment_of, build_metadata
from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.reporting.metadata import find_job_message
from bot.slack.reporting.publication import Publication

log = logging.getLogger(__name__)

#: Most rate-limited answers to one post before the job is failed (and taken up again later).
MAX_RATE_LIMITED: Final = 30
#: Assignees' DMs sent at once: side by side, yet a 50-person split does not burst at Slack.
DMS_AT_ONCE: Final = 4


async def _nothing(step: str, value: str) -> None:
    return None


@dataclass
class Ledger:
    """The reporting steps a job has done (name -> what it left), and how to record one."""

    done: dict[str, str] = field(default_factory=dict)
    mark: Callable[[str, str], Awaitable[None]] = _nothing
    #: Taken over from a worker that died reporting: look in Slack before each unrecorded post.
    resuming: bool = False
    #: The job's creation (epoch seconds): nothing of it is older.
    since: float = 0.0

    async def record(self, step: str, value: str = "1") -> None:
        self.done[step] = value
        await self.mark(step, value)


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
        ledger: Ledger | None = None,
    ) -> Publication:
        ledger = ledger or Ledger()
        publication = Publication()
        summary_ts = ledger.done.get("summary")
        recording: list[Awaitable[None]] = []  # the summary's record, once it is posted
        if summary_ts is None:
            summary_ts = await self._find(ledger, channel_id, "summary", thread_ts)
            if summary_ts is None:
                args = blocks.summary_blocks(summary, retry_job_id=retry_job_id, undo_id=undo_id)
                summary_ts = await self._post_summary(summary, channel_id, thread_ts, args)
            recording.append(ledger.record("summary", summary_ts))
        if summary_ts.startswith("!"):  # Slack refused it (not in the channel...)
            await asyncio.gather(*recording)
            publication.post_error = summary_ts[1:]
            return publication
        publication.summary_posted = True
        # Recorded while its permalink is asked for: the DMs wait for both.
        publication.permalink, *_ = await asyncio.gather(
            self._permalink(channel_id, summary_ts), *recording
        )
        publication.undelivered_dms = await self._notify_assignees(
            summary, publication.permalink, ledger
        )
        return publication

    async def details(
        self, summary: Summary, channel_id: str, thread_ts: str | None, ledger: Ledger
    ) -> None:
        """The per-task detail (or CSV) in the summary's thread, once: after the requester's
        result, which does not wait for a 10,000-line upload."""
        summary_ts = ledger.done.get("summary")
        if summary_ts is None or summary_ts.startswith("!") or "detail" in ledger.done:
            return
        detail_thread = thread_ts or summary_ts
        if await self._find(ledger, channel_id, "detail", detail_thread) is None:
            await self._post_details(summary, channel_id, detail_thread)
        await ledger.record("detail")

    async def _find(
        self, ledger: Ledger, channel: str, part: str, thread_ts: str | None
    ) -> str | None:
        """A post of this job the last worker made but did not record (only when resuming)."""
        if not ledger.resuming:
            return None
        return await find_job_message(
            self.client, channel, self.job_id, part, thread_ts=thread_ts, oldest=ledger.since
        )

    async def _post_summary(
        self, summary: Summary, channel_id: str, thread_ts: str | None, content: Any
    ) -> str:
        """The summary's ts, or "!" and Slack's error when Slack will not let the bot post."""
        try:
            posted = await self._post(
                channel=channel_id,
                thread_ts=thread_ts,
                text=blocks.summary_text(summary),
                blocks=content,
                unfurl_links=False,
                metadata=self.metadata(summary, "summary"),
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            log.warning("could not post the summary in %s: %s", channel_id, error)
            return "!" + error
        return str(posted["ts"])

    async def _post(self, **message: Any) -> Any:
        """chat.postMessage, tried again after Slack's Retry-After for as long as it says so."""
        for _ in range(MAX_RATE_LIMITED):
            try:
                return await self.client.chat_postMessage(**message)
            except SlackApiError as exc:
                if exc.response.status_code != 429:
                    raise
                wait = _retry_after(exc)
                log.warning("Slack rate-limited a post; trying again in %.0f s", wait)
                await asyncio.sleep(wait)
        return await self.client.chat_postMessage(**message)

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
                await self._post(
                    channel=channel_id,
                    thread_ts=thread_ts,
                    text="Task details",
                    blocks=message,
                    unfurl_links=False,
                    metadata=self.metadata(summary, "detail"),
                )
        except SlackApiError as exc:
            log.warning("could not post details in %s: %s", channel_id, exc.response.get("error"))

    async def _notify_assignees(
        self, summary: Summary, permalink: str | None, ledger: Ledger
    ) -> list[str]:
        """Each assignee's DM, DMS_AT_ONCE side by side (the requester's result waits for
        them all); the Slack users whose DM could not be delivered, in share order."""
        shares: dict[str, ShareSummary] = {}
        for share in summary.shares:
            slack_user = share.assignee.slack_user_id
            if slack_user is not None and share.assigned and slack_user not in shares:
                shares[slack_user] = share
        at_once = asyncio.Semaphore(DMS_AT_ONCE)

        async def notify(slack_user: str, share: ShareSummary) -> bool:
            async with at_once:
                return await self._notify(summary, slack_user, share, permalink, ledger)

        delivered = await asyncio.gather(*(notify(u, s) for u, s in shares.items()))
        return [user for user, ok in zip(shares, delivered, strict=True) if not ok]

    async def _notify(
        self,
        summary: Summary,
        slack_user: str,
        share: ShareSummary,
        permalink: str | None,
        ledger: Ledger,
    ) -> bool:
        """One assignee's DM, once across workers; whether it was delivered."""
        step = f"dm:{slack_user}"
        if step not in ledger.done and await self._dm_found(ledger, slack_user):
            await ledger.record(step)
        if step in ledger.done:
            return ledger.done[step] != "undelivered"
        try:
            await self._post(
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
            await ledger.record(step, "undelivered")
            return False
        await ledger.record(step)
        return True

    async def _dm_found(self, ledger: Ledger, slack_user: str) -> bool:
        """When resuming: did the last worker DM this assignee already (their DM's history)?"""
        if not ledger.resuming:
            return False
        try:
            opened = await self.client.conversations_open(users=slack_user)
        except SlackApiError:
            return False
        channel = str((opened.get("channel") or {}).get("id") or "")
        return bool(channel) and await self._find(ledger, channel, "dm", None) is not None


def _retry_after(exc: SlackApiError) -> float:
    """Slack's Retry-After (seconds), at least 1."""
    headers = getattr(exc.response, "headers", None) or {}
    value = next((v for k, v in dict(headers).items() if k.lower() == "retry-after"), "1")
    try:
        return max(1.0, float(value if isinstance(value, str) else value[0]))
    except (TypeError, ValueError, IndexError):
        return 1.0
