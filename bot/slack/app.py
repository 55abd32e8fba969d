"""Build the Bolt app from its dependencies; nothing global, so tests build the real thing."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import current_request_id, new_request_id, set_request_id
from bot.metrics import Metrics, shared_default
from bot.settings import Settings
from bot.slack.blocks import error_blocks
from bot.slack.deps import Deps
from bot.slack.directories.emails import SlackEmailDirectory
from bot.slack.listeners import register
from bot.slack.shape import shape_problem
from bot.slack.wording import describe

log = logging.getLogger(__name__)


def web_client(settings: Settings, metrics: Metrics | None = None) -> AsyncWebClient:
    """Slack Web API client at SLACK_API_URL, retrying 429s after Slack's Retry-After.

    Every answer is counted first (errors and 429s, in `metrics`), then retried if worth it.
    """
    base_url = _with_slash(settings.slack_api_url)
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url,
        retry_handlers=[
            SlackCallCounter(metrics or shared_default(), base_url),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


class SlackCallCounter(AsyncRetryHandler):
    """Counts failed Web API calls and 429s; never asks for a retry itself.

    slack_sdk asks each retry handler in turn about every answer and every connection error,
    stopping at the first that retries, so a handler placed first sees them all: the one hook
    that covers every call the bot makes, whichever listener or worker makes it.
    """

    def __init__(self, metrics: Metrics, base_url: str) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics
        self.base_url = base_url

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        try:
            self._count(request, response, error)
        except Exception:  # counting must never break a call
            log.debug("could not count a Slack API call", exc_info=True)
        return False

    def _count(
        self, request: HttpRequest, response: HttpResponse | None, error: Exception | None
    ) -> None:
        method = self._method(request.url)
        if error is not None:
            kind = "connection_error" if isinstance(error, OSError | TimeoutError) else "exception"
            self.metrics.slack_api_error(method, kind)
            return
        if response is None:
            return
        if response.status_code == 429:
            self.metrics.slack_rate_limit(method)
            return
        body = response.body if isinstance(response.body, dict) else {}
        if body.get("ok") is False:
            self.metrics.slack_api_error(method, str(body.get("error") or "unknown_error")[:64])
        elif response.status_code >= 400:
            self.metrics.slack_api_error(method, f"http_{response.status_code}")

    def _method(self, url: str) -> str:
        """`chat.postMessage` for a Web API call; `upload` for a file upload URL (unbounded)."""
        if url.startswith(self.base_url):
            return url[len(self.base_url) :].split("?", 1)[0][:64] or "unknown"
        return "upload"


def build_app(settings: Settings, deps: Deps, client: AsyncWebClient | None = None) -> AsyncApp:
    signing_secret = settings.slack_signing_secret
    app = AsyncApp(
        client=client or web_client(settings),
        signing_secret=signing_secret.get_secret_value() if signing_secret else None,
        request_verification_enabled=not settings.socket_mode,
        # The HTTP response goes out as soon as a listener returns: each acks, hands its slow
        # part to `deps.after_ack` and returns (see bot.slack.after_ack).
        process_before_response=True,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    app.use(_refuse_ill_typed)
    app.use(_tag_request)
    people = deps.usecases.people
    if people.matcher is None:
        # Unlinked Slack users are matched by email through this app's own client (users.info),
        # unless whoever built the use cases wired a directory already.
        people.use_emails(SlackEmailDirectory(app.client))
    register(app, deps)
    # Last, so it only gets what no listener above took: a button of an old message, an input
    # that reports every change. Acked and logged rather than Bolt's 404 and a warning.
    app.action(re.compile(".*"))(_ignore_unknown_action)
    app.error(_answer_unexpected_error)
    return app


async def _refuse_ill_typed(
    body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """A 400 for a payload whose fields have the wrong types, before any listener matches.

    Bolt's matchers trust the types; a wrong one would raise inside them and be logged as a
    bug. Nothing has happened for such a request, so it is only noted.
    """
    problem = shape_problem(body)
    if problem is not None:
        log.warning("refused an ill-typed Slack payload (400): %s", problem)
        return BoltResponse(status=400, body="the request's fields have the wrong types")
    return await next()


async def _tag_request(
    body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """Give every log line of this request, and of the work its listener starts, one id.

    Slack's event id when there is one (it names redeliveries too), else the id the web layer
    gave the HTTP request, else a new one (Socket Mode). Bolt runs global middleware before the
    listener, not around it, so the id is set for the rest of the request's task.
    """
    event_id = body.get("event_id")
    if not (isinstance(event_id, str) and event_id):
        event_id = current_request_id() or new_request_id()
    set_request_id(event_id)
    return await next()


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
