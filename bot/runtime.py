"""The composition root: settings in, a wired bot out. Used by `python -m bot` and the tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette

from bot.service import AssignService
from bot.settings import Settings
from bot.sgp.client import SGPClient
from bot.slack.app import build_app
from bot.slack.deps import Deps
from bot.store.connection import Store, open_store
from bot.web import create_web_app


@dataclass
class Runtime:
    settings: Settings
    store: Store
    sgp: SGPClient
    service: AssignService
    bolt_app: AsyncApp
    web_app: Starlette
    aclose: Callable[[], Awaitable[None]]


def build_runtime(settings: Settings, *, store: Store | None = None) -> Runtime:
    store = store or open_store(settings.redis_url, settings.redis_key_prefix)
    sgp = SGPClient(
        base_url=settings.sgp_base_url,
        api_key=settings.sgp_api_key.get_secret_value(),
        account_id=settings.sgp_account_id,
        timeout=settings.sgp_timeout_seconds,
        max_retries=settings.sgp_max_retries,
        chunk_size=settings.chunk_size,
        concurrency=settings.concurrency,
    )
    service = AssignService(
        store=store,
        sgp=sgp,
        admins=settings.assign_admins,
        confirmation_ttl_seconds=settings.confirmation_ttl_seconds,
    )
    deps = Deps(
        service=service,
        max_task_ids=settings.max_task_ids,
        csv_threshold=settings.thread_csv_threshold,
    )
    bolt_app = build_app(settings, deps)

    async def close() -> None:
        await sgp.aclose()
        await store.aclose()

    web_app = create_web_app(bolt_app, store, on_shutdown=close)
    return Runtime(settings, store, sgp, service, bolt_app, web_app, close)
