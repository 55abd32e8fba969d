"""Build the Bolt app from its dependencies; nothing global, so tests build the real thing."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from bot.slack.blocks import error_blocks
from bot.slack.deps import Deps
from bot.slack.listeners import register
from bot.slack.wording import describe

log = logging.getLogger(__name__)


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
    # Last, so it only gets what no listener above took: a button of an old message, an input
    # that reports every change. Acked and logged rather than Bolt's 404 and a warning.
    app.action(re.compile(".*"))(_ignore_unknown_action)
    app.error(_answer_unexpected_error)
    return app


async def _ignore_unknown_action(ack: AsyncAck, action: dict[str, Any]) -> None:
    await ack()
    log.info("ignored action %r: nothing handles it", str(action.get("action_id", ""))[:80])


async def _answer_unexpected_error(
    error: Exception, body: dict[str, Any], respond: AsyncRespond | None
) -> None:
    """Last resort: a listener failed in a way nobody planned for. Log it, and never go silent."""
    log.error("unhandled error in a Slack listener: %s", type(error).__name__, exc_info=error)
    if respond is None or not body.get("response_url"):
        return
    text = describe(error)
    try:
        await respond(
            response_type="ephemeral",
            replace_original=False,
            text=text,
            blocks=error_blocks(text),
        )
    except Exception:  # the answer is best effort; the error is already logged
        log.warning("could not tell the user about the error")


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
