"""The composition root: settings in, a wired bot out. Used by `python -m bot` and the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette

from bot.core.authz import AccessPolicy
from bot.jobs.board import Jobs
from bot.jobs.execute import JobExecution
from bot.jobs.runner import JobRunner
from bot.jobs.worker import Worker, consumer_name
from bot.logs import install_redaction
from bot.metrics import Metrics
from bot.platform import platform_client
from bot.settings import Settings
from bot.sgp.client import SGPClient
from bot.slack.app import build_app, web_client
from bot.slack.deps import Deps
from bot.slack.groups import SlackGroupDirectory
from bot.slack.publisher import SlackPublisher
from bot.store.connection import Store, open_store
from bot.usecases import UseCases, build_usecases
from bot.usecases.assigning import AssigningConfig
from bot.usecases.ports import Platform, Publisher
from bot.web import create_web_app

#: At shutdown, how long answers already acked (previews, mentions) get to go out.
AFTER_ACK_GRACE_SECONDS = 10.0


@dataclass
class Runtime:
    settings: Settings
    store: Store
    sgp: SGPClient
    usecases: UseCases
    jobs: Jobs
    bolt_app: AsyncApp
    web_app: Starlette
    aclose: Callable[[], Awaitable[None]]
    worker: Worker
    metrics: Metrics
    #: `python -m bot worker`: the worker, with only /healthz and /metrics served.
    worker_app: Starlette


def build_runtime(
    settings: Settings, *, store: Store | None = None, metrics: Metrics | None = None
) -> Runtime:
    install_redaction(_secrets(settings))
    store = store or open_store(settings.redis_url, settings.redis_key_prefix)
    store.audit.max_entries = settings.audit_max_entries
    metrics = metrics or Metrics()
    client = web_client(settings, metrics)
    sgp = platform_client(settings, observer=metrics.platform_request)
    jobs = Jobs.of(store)
    usecases = build_usecases(
        store=store,
        platform=sgp,
        jobs=jobs,
        policy=access_policy(settings),
        metrics=metrics,
        config=AssigningConfig(confirmation_ttl_seconds=settings.confirmation_ttl_seconds),
        groups=SlackGroupDirectory(client, store.cache, settings.group_cache_seconds),
    )
    deps = Deps(usecases=usecases, events=store.events, max_task_ids=settings.max_task_ids)
    metrics.watch_answers(deps.after_ack.running)
    bolt_app = build_app(settings, deps, client=client)
    publisher = SlackPublisher(client, settings.thread_csv_threshold, deps.responder)
    worker = build_worker(settings, usecases, jobs, sgp, publisher)

    async def close() -> None:
        await deps.after_ack.drain(AFTER_ACK_GRACE_SECONDS)  # answers first, then their clients
        await deps.responder.aclose()
        await sgp.aclose()
        await store.aclose()

    web_app = create_web_app(
        bolt_app,
        store,
        on_shutdown=close,
        background=worker.run if settings.worker_in_web else None,
        metrics=metrics,
    )
    worker_app = create_web_app(
        None, store, on_shutdown=close, background=worker.run, metrics=metrics
    )
    return Runtime(
        settings=settings,
        store=store,
        sgp=sgp,
        usecases=usecases,
        jobs=jobs,
        bolt_app=bolt_app,
        web_app=web_app,
        aclose=close,
        worker=worker,
        metrics=metrics,
        worker_app=worker_app,
    )


def access_policy(settings: Settings) -> AccessPolicy:
    return AccessPolicy(
        admins=settings.assign_admins,
        users=settings.assign_allowed_users,
        groups=settings.assign_allowed_groups,
        channels=settings.assign_allowed_channels,
        allow_self_link=settings.assign_allow_self_link,
    )


def build_worker(
    settings: Settings,
    usecases: UseCases,
    jobs: Jobs,
    platform: Platform,
    publisher: Publisher,
) -> Worker:
    """A worker for this process: its own consumer name, the shared store and clients."""
    lease_ms = settings.worker_lease_seconds * 1000
    consumer = consumer_name()
    execution = JobExecution(
        records=jobs.records,
        runner=JobRunner(jobs.records, platform, consumer, lease_ms),
        undo=usecases.undo,
        audit=usecases.audit,
        publisher=publisher,
        metrics=usecases.metrics,
        lease_ms=lease_ms,
    )
    return Worker(
        jobs.queue,
        execution,
        consumer=consumer,
        lease_ms=lease_ms,
        max_jobs=settings.worker_jobs,
        give_up=execution.give_up,
    )


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
