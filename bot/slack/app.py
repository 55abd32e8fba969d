"""Build the Bolt app from its dependencies; nothing global, so tests build the real thing."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from bot.slack.deps import Deps
from bot.slack.listeners import register


def web_client(settings: Settings) -> AsyncWebClient:
    """Slack Web API client at SLACK_API_URL, retrying 429s after Slack's Retry-After."""
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=_with_slash(settings.slack_api_url),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_app(settings: Settings, deps: Deps, client: AsyncWebClient | None = None) -> AsyncApp:
    signing_secret = settings.slack_signing_secret
    app = AsyncApp(
        client=client or web_client(settings),
        signing_secret=signing_secret.get_secret_value() if signing_secret else None,
        request_verification_enabled=not settings.socket_mode,
        # Listeners ack first and keep working after the HTTP response has gone out.
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    register(app, deps)
    return app


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
