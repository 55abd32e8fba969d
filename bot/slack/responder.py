"""The one way to answer a person: their interaction's response_url, else an ephemeral message.

Answers to response_urls go over one pooled HTTP session (Bolt's `respond` opens and closes a
session per post, and the handshakes delay the next requests' acks), and are retried: a post
that fails on the network or gets a 429 or 5xx is tried twice more, after 0.5 s and 1 s.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)

#: Pauses before the 2nd and 3rd try of a response_url post (the retry policy for them).
RESPONSE_URL_RETRY_DELAYS: Final = (0.5, 1.0)


class Responder:
    def __init__(self, retry_delays: tuple[float, ...] = RESPONSE_URL_RETRY_DELAYS) -> None:
        self._session: aiohttp.ClientSession | None = None
        self.retry_delays = retry_delays

    async def reply(self, response_url: str | None, **message: Any) -> bool:
        """Post `message` (blocks, text, response_type...) to the response_url; True if taken."""
        if not response_url:
            log.warning("no response_url to answer on")
            return False
        if self._session is None or self._session.closed:
            # Created on first use, inside the loop that serves Slack (sessions bind to it).
            self._session = aiohttp.ClientSession()
        webhook = AsyncWebhookClient(response_url, session=self._session)
        for attempt, delay in enumerate((0.0, *self.retry_delays)):
            await asyncio.sleep(delay)
            try:
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
