"""What a Web API call raises when Slack could not answer it, as one tuple to catch."""

from __future__ import annotations

import asyncio
from typing import Final

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

#: Slack said no (SlackApiError), the SDK gave up (SlackClientError), or the network failed.
SLACK_FAILURES: Final = (
    SlackApiError,
    SlackClientError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)
