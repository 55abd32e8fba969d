"""The HTTP face of the bot: Slack's Request URL, a health check and Prometheus metrics."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.logs import bind_request_id
from bot.metrics import CONTENT_TYPE, Metrics, shared_default
from bot.store.connection import Store

Cleanup = Callable[[], Awaitable[None]]
Background = Callable[[asyncio.Event], Coroutine[Any, Any, None]]

log = logging.getLogger(__name__)

UNREADABLE: Final = "the request could not be processed"

#: Largest request body read. Slack's payloads are far smaller (a slash command's text is at most
#: 40,000 typed characters); anyone may post to the Request URL, and Bolt reads the whole body
#: before it checks the signature, so an unbounded body would be unbounded memory.
MAX_BODY_BYTES: Final = 4 * 1024 * 1024


class BodyLimit:
    """ASGI middleware: 413 for a body over `max_bytes`, declared or streamed, before it is kept."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(status_code=413, detail="request body too large")
            return message

        await self.app(scope, limited, send)


def create_web_app(
    bolt_app: AsyncApp | None,
    store: Store,
    on_shutdown: Cleanup | None = None,
    background: Background | None = None,
    metrics: Metrics | None = None,
    stalled: Callable[[], str | None] | None = None,
) -> Starlette:
    """`background` (the worker, by default) runs beside the server and stops before cleanup.

    `metrics` are served at GET /metrics; the ack latency of POST /slack/events goes into them.
    Without a Bolt app (a worker-only process) there is no /slack/events: only health and
    metrics, so a worker is watched like a web process.
    """
    metrics = metrics or shared_default()
    routes = [
        Route("/healthz", _healthz(store, stalled), methods=["GET"]),
        Route("/metrics", _metrics_endpoint(metrics), methods=["GET"]),
    ]
    if bolt_app is not None:
        events = _slack_events(AsyncSlackRequestHandler(bolt_app), metrics)
        routes.insert(0, Route("/slack/events", events, methods=["POST"]))
    return Starlette(
        routes=routes,
        lifespan=_lifespan(background, on_shutdown),
        middleware=[Middleware(BodyLimit)],
    )


Endpoint = Callable[[Request], Awaitable[Response]]


def _slack_events(handler: AsyncSlackRequestHandler, metrics: Metrics) -> Endpoint:
    async def slack_events(request: Request) -> Response:
        """Slack's requests, timed: Bolt's ack is this HTTP response, due within 3 seconds.

        Every log line of the request carries one id (Bolt's middleware may swap in Slack's
        event id).
        """
        started = time.perf_counter()
        try:
            with bind_request_id():
                return await _bolt_answer(handler, request)
        finally:
            metrics.ack(time.perf_counter() - started)

    return slack_events


async def _bolt_answer(handler: AsyncSlackRequestHandler, request: Request) -> Response:
    """Bolt's answer; a request it cannot read (or chokes on) is dropped with a 400.

    Bolt trusts a signed payload's shape: a body that is not UTF-8 or JSON, or a payload
    missing a field its matchers read, raises inside it. Such a request can only be
    broken or hostile, and nothing has happened for it, so a 400 is the honest answer
    (never a 500, which would send Slack's generic failure and invite retries).
    """
    try:
        response: Response = await handler.handle(request)
    except HTTPException:  # the body limit's 413
        raise
    except Exception as exc:
        log.warning("dropped a request Bolt could not read: %s", type(exc).__name__)
        return PlainTextResponse(UNREADABLE, status_code=400)
    if response.status_code == 404 and _is_event_delivery(await request.body()):
        # Signed, but no listener takes this event type: Slack re-delivers an Events API
        # delivery answered with anything but 2xx, so it is acknowledged and let go.
        log.info("acknowledged an event no listener handles")
        return Response(status_code=200)
    if response.status_code >= 500:
        # Bolt already ran the app's error handler, which logged it and told the person.
        log.warning("a request failed in Bolt (%d); answered 400", response.status_code)
        return PlainTextResponse(UNREADABLE, status_code=400)
    return response


def _is_event_delivery(body: bytes) -> bool:
    """An Events API delivery (JSON `"type": "event_callback"`), as opposed to an interaction."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("type") == "event_callback"


def _metrics_endpoint(metrics: Metrics) -> Endpoint:
    async def metrics_endpoint(_: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return metrics_endpoint


#: /healthz answers within this even when Redis does not (a frozen Redis).
HEALTH_PING_SECONDS: Final = 2.0


def _healthz(store: Store, stalled: Callable[[], str | None] | None) -> Endpoint:
    """200 when the store answers and this process's worker (if any) progressed in its lease."""

    async def healthz(_: Request) -> Response:
        try:
            store_ok = await asyncio.wait_for(store.ping(), HEALTH_PING_SECONDS)
        except TimeoutError:
            store_ok = False
        body: dict[str, Any] = {"ok": store_ok, "store": "ok" if store_ok else "unavailable"}
        reason = stalled() if stalled is not None else None
        if reason is not None:
            body |= {"ok": False, "worker": reason}
        return JSONResponse(body, status_code=200 if body["ok"] else 503)

    return healthz


def _lifespan(
    background: Background | None, on_shutdown: Cleanup | None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Start `background` with the server; at shutdown, stop it first, then clean up."""

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(background(stop)) if background is not None else None
        yield
        if task is not None:
            stop.set()
            await task
        if on_shutdown is not None:
            await on_shutdown()

    return lifespan
