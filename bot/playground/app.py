"""The playground's one HTTP server: the page and its actions, the real bot under /bot, and the
fake Slack and fake platform under /fake-slack and /fake-sgp, which the bot calls over HTTP as
it would call Slack and the platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import fakeredis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground import seed
from bot.playground.page import HOME, document, panes
from bot.playground.world import BOT_TOKEN, SGP_KEY, SIGNING_SECRET, Playground
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings, load_settings
from bot.store.connection import Store

STATIC: Final = Path(__file__).parent / "static"
#: The bot's worker looks for new jobs this often when idle (also how long a stop waits).
WORKER_IDLE_POLL_MS: Final = 200


@dataclass
class Assembled:
    app: Starlette
    world: Playground
    runtime: Runtime


def bot_settings(base_url: str) -> Settings:
    """The bot's settings: fakes for Slack and the platform, no Slack or platform account."""
    return load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN="",
        SLACK_API_URL=f"{base_url}/fake-slack/api/",
        SGP_API_KEY=SGP_KEY,
        SGP_ACCOUNT_ID="",
        SGP_CLIENT_BASE_URL=f"{base_url}/fake-sgp",
        SGP_TIMEOUT_SECONDS=10,
        REDIS_URL="",
        ASSIGN_ADMINS=seed.ADMINS,
        ASSIGN_ALLOWED_USERS=seed.ALLOWED,
        ASSIGN_ALLOWED_GROUPS="",
        ASSIGN_ALLOWED_CHANNELS="",
        ASSIGN_WORKER_IN_WEB=True,
    )


def build(base_url: str) -> Assembled:
    """The whole playground for a server that will answer at `base_url`."""
    settings = bot_settings(base_url)
    store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix=settings.redis_key_prefix)
    runtime = build_runtime(settings, store=store)
    runtime.worker.block_ms = WORKER_IDLE_POLL_MS
    world = Playground(base_url)
    bot_app = runtime.web_app

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with bot_app.router.lifespan_context(bot_app):  # the worker runs in here
            await seed.seed_store(store)
            yield

    routes = [
        Route("/", _page(world)),
        Route("/api/panes", _panes(world)),
        Route("/healthz", _healthz),
        *(Route(f"/api/{name}", _action(world, act), methods=["POST"]) for name, act in ACTIONS),
        Route("/files/{file_id}", _file(world)),
        Route("/archives/{channel}/{message}", _archive),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Mount("/bot", app=bot_app),
        Mount("/fake-slack", app=world.slack.app),
        Mount("/fake-sgp", app=world.sgp.app),
    ]
    return Assembled(Starlette(routes=routes, lifespan=lifespan), world, runtime)


def _who(value: Any) -> str:
    """A person of the playground; anyone else is the lead."""
    return value if seed.person(str(value)) is not None else seed.LEAD.slack_id


def _where(person: str, value: Any) -> str:
    view = str(value or seed.CHANNEL)
    if view == HOME or view == seed.CHANNEL:
        return view
    return "D" + person  # a DM: only one's own


Endpoint = Callable[[Request], Awaitable[Response]]


def _page(world: Playground) -> Endpoint:
    async def page(request: Request) -> Response:
        person = _who(request.query_params.get("as"))
        view = _where(person, request.query_params.get("view"))
        thread = request.query_params.get("thread") or None
        first = panes(world.timeline, world.slack.home_views, person, view, thread)
        return HTMLResponse(document(person, view, thread, first))

    return page


def _panes(world: Playground) -> Endpoint:
    async def current(request: Request) -> Response:
        person = _who(request.query_params.get("as"))
        view = _where(person, request.query_params.get("view"))
        thread = request.query_params.get("thread") or None
        return JSONResponse(panes(world.timeline, world.slack.home_views, person, view, thread))

    return current


Act = Callable[[Playground, str, dict[str, Any]], Awaitable[str | None]]


async def _say(world: Playground, person: str, body: dict[str, Any]) -> str | None:
    view = _where(person, body.get("view"))
    return await world.say(person, view, body.get("thread") or None, str(body.get("text", "")))


async def _click(world: Playground, person: str, body: dict[str, Any]) -> str | None:
    fields = ("ts", "action_id", "block_id", "value")
    await world.click(person, *(str(body.get(name, "")) for name in fields))
    return None


async def _shortcut(world: Playground, person: str, body: dict[str, Any]) -> str | None:
    if body.get("ts"):
        await world.message_shortcut(person, str(body["ts"]))
    else:
        await world.global_shortcut(person)
    return None


async def _submit(world: Playground, person: str, body: dict[str, Any]) -> str | None:
    inputs = body.get("inputs")
    await world.submit(person, inputs if isinstance(inputs, list) else [])
    return None


async def _close(world: Playground, person: str, body: dict[str, Any]) -> str | None:
    world.timeline.close_modal(person)
    return None


async def _home(world: Playground, person: str, body: dict[str, Any]) -> str | None:
    await world.open_home(person)
    return None


ACTIONS: Final[tuple[tuple[str, Act], ...]] = (
    ("say", _say),
    ("click", _click),
    ("shortcut", _shortcut),
    ("submit", _submit),
    ("close", _close),
    ("home", _home),
)


def _action(world: Playground, act: Act) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"note": "not JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"note": "not a JSON object"}, status_code=400)
        note = await act(world, _who(body.get("as")), body)
        return JSONResponse({"note": note or ""})

    return endpoint


def _file(world: Playground) -> Endpoint:
    async def file(request: Request) -> Response:
        content = world.slack.uploads.get(request.path_params["file_id"])
        if content is None:
            return Response("no such file", status_code=404)
        return Response(content, media_type="text/plain; charset=utf-8")

    return file


async def _healthz(_: Request) -> Response:
    """The playground serves (the bot's own check is /bot/healthz)."""
    return JSONResponse({"ok": True})


async def _archive(request: Request) -> Response:
    """A permalink (chat.getPermalink): the conversation, scrolled to the message."""
    channel = str(request.path_params["channel"])
    raw = str(request.path_params["message"]).removeprefix("p")
    ts = f"{raw[:-6]}.{raw[-6:]}" if len(raw) > 6 else raw
    return RedirectResponse(f"/?view={channel}#m{ts}")
