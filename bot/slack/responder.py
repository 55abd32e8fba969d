"""Answers posted to response_urls over one pooled HTTP session.

Bolt's `respond` opens (and closes) a new session and connection for every post; a busy
workspace then spends its event loop on TCP handshakes that delay the next requests' acks.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)


class Responder:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def reply(self, response_url: str | None, **message: Any) -> None:
        """Post `message` (blocks, text, response_type...) to the interaction's response_url."""
        if not response_url:
            log.warning("no response_url to answer on")
            return
        if self._session is None or self._session.closed:
            # Created on first use, inside the loop that serves Slack (sessions bind to it).
            self._session = aiohttp.ClientSession()
        try:
            response = await AsyncWebhookClient(response_url, session=self._session).send(**message)
        except Exception as exc:  # the network: the person misses this answer, nothing else
            log.warning("could not post to a response_url: %s", type(exc).__name__)
            return
        if response.status_code != 200:
            log.warning("a response_url refused an answer: %s", response.status_code)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
