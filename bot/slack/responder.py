"""The one way to answer a person: their interaction's response_url, else an ephemeral message.

Answers to response_urls go over one pooled HTTP session (Bolt's `respond` opens and closes a
session per post, and the handshakes delay the next requests' acks), and are retried: a post
that fails on the network or gets a 429 or 5xx is tried twice more, after 0.5 s and 1 s, each
try bounded by `timeout`. With `uses` (a Redis counter shared by every process) the bot keeps to
Slack's 5 posts per response_url: progress takes at most 4, the final result the last one, and
each post waits for the ones counted before it. A post that was not taken returns False: the
caller falls back to an ephemeral message or a DM.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.store.errors import StoreUnavailable
from bot.store.replies import ResponseUrlUses

log = logging.getLogger(__name__)

#: Pauses before the 2nd and 3rd try of a response_url post (the retry policy for them).
RESPONSE_URL_RETRY_DELAYS: Final = (0.5, 1.0)
#: Longest wait for one try of a response_url post.
RESPONSE_URL_TIMEOUT_SECONDS: Final = 10


class Responder:
    def __init__(
        self,
        retry_delays: tuple[float, ...] = RESPONSE_URL_RETRY_DELAYS,
        *,
        uses: ResponseUrlUses | None = None,
        timeout: int = RESPONSE_URL_TIMEOUT_SECONDS,
    ) -> None:
        self._session: aiohttp.ClientSession | None = None
        self.retry_delays = retry_delays
        self.uses = uses
        self.timeout = timeout

    async def reply(self, response_url: str | None, *, final: bool = False, **message: Any) -> bool:
        """Post `message` (blocks, text, response_type...) to the response_url; True if taken.

        `final`: the job's last word, which may take the URL's last use.
        """
        if not response_url:
            log.warning("no response_url to answer on")
            return False
        use = await self._take(response_url, final)
        if use == 0:
            log.warning("a response_url's uses are spent; not posting on it")
            return False
        try:
            return await self._send(response_url, message)
        finally:
            if use > 0:
                await self._settle(response_url)

    async def _take(self, url: str, final: bool) -> int:
        """This post's use number (0: none left); -1 when uses are not counted or unknown."""
        if self.uses is None:
            return -1
        try:
            use = await self.uses.take(url, final=final)
        except StoreUnavailable:
            return -1  # uncounted rather than unsaid
        return use

    async def _settle(self, url: str) -> None:
        if self.uses is not None:
            try:
                await self.uses.settle(url)
            except StoreUnavailable:
                log.warning("could not count a response_url post as over")

    async def _send(self, response_url: str, message: dict[str, Any]) -> bool:
        if self._session is None or self._session.closed:
            # Created on first use, inside the loop that serves Slack (sessions bind to it).
            self._session = aiohttp.ClientSession()
        webhook = AsyncWebhookClient(response_url, session=self._session)
        for attempt, delay in enumerate((0.0, *self.retry_delays)):
            await asyncio.sleep(delay)
            try:
                async with asyncio.timeout(self.timeout):  # the pooled session has no timeout
                    response = await webhook.send(**message)
            except Exception as exc:  # the network: try again, then give up with a log line
                log.warning("could not post to a response_url: %s", type(exc).__name__)
                continue
            if response.status_code == 200:
                return True
            log.warning(
                "a response_url refused an answer: %s (try %d)", response.status_code, attempt + 1
            )
            if response.status_code != 429 and response.status_code < 500:
                return False
        return False

    async def ephemeral(
        self, client: AsyncWebClient, channel: str, user: str, thread_ts: str | None, **message: Any
    ) -> bool:
        """An ephemeral message in `channel` (a thread of it) that only `user` sees."""
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, **message
            )
        except SlackApiError as exc:
            log.warning("could not answer in %s: %s", channel, exc.response.get("error"))
            return False
        return True

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
