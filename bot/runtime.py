"""The composition root: settings in, a wired bot out. Used by `python -m bot` and the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette

from bot.core.authz import AccessPolicy
from bot.logs import install_redaction
from bot.service import AssignService
from bot.settings import Settings
from bot.sgp.client import SGPClient
from bot.slack.app import build_app, web_client
from bot.slack.deps import Deps
from bot.slack.groups import SlackGroupDirectory
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
    install_redaction(_secrets(settings))
    store = store or open_store(settings.redis_url, settings.redis_key_prefix)
    store.audit.max_entries = settings.audit_max_entries
    client = web_client(settings)
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
        policy=AccessPolicy(
            users=settings.assign_allowed_users,
            groups=settings.assign_allowed_groups,
            channels=settings.assign_allowed_channels,
            allow_self_link=settings.assign_allow_self_link,
        ),
        groups=SlackGroupDirectory(client, store.cache, settings.group_cache_seconds),
    )
    deps = Deps(
        service=service,
        max_task_ids=settings.max_task_ids,
        csv_threshold=settings.thread_csv_threshold,
    )
    bolt_app = build_app(settings, deps, client=client)

    async def close() -> None:
        await sgp.aclose()
        await store.aclose()

    web_app = create_web_app(bolt_app, store, on_shutdown=close)
    return Runtime(settings, store, sgp, service, bolt_app, web_app, close)


def _secrets(settings: Settings) -> list[str | None]:
    """Every configured value that must never reach a log line."""
    values = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.sgp_api_key,
    )
    secrets = [value.get_secret_value() if value is not None else None for value in values]
    with contextlib.suppress(ValueError):  # a password in REDIS_URL
        secrets.append(urlsplit(settings.redis_url or "").password)
    return secrets
