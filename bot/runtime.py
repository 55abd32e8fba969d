"""The composition root: settings in, a wired bot out. Used by `python -m bot` and the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.core.authz import AccessPolicy
from bot.jobs.board import Jobs
from bot.jobs.execute import JobExecution
from bot.jobs.runner import JobRunner
from bot.jobs.scheduler import Scheduler, beside
from bot.jobs.worker import Worker, consumer_name
from bot.logs import install_redaction
from bot.metrics import Metrics
from bot.platform import platform_client, shared_cap
from bot.settings import Settings
from bot.sgp.client import SGPClient
from bot.slack.app import build_app, web_client
from bot.slack.deps import Deps
from bot.slack.directories.groups import SlackGroupDirectory
from bot.slack.listeners.home import HomeRefresher
from bot.slack.reporting.publisher import SlackPublisher
from bot.slack.reporting.reminders import SchedulingPublisher, build_reminding
from bot.slack.reporting.workflow_step import StepPublisher, WorkflowSteps
from bot.slack.responder import Responder
from bot.store.connection import Store, open_store
from bot.store.replies import ResponseUrlUses
from bot.store.steps import StepTokens
from bot.usecases import UseCases, build_usecases, utc_now
from bot.usecases.assigning import AssigningConfig
from bot.usecases.ports import Platform, Publisher
from bot.usecases.reminders import Reminding
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
    #: The reminders' loop, run beside the worker.
    scheduler: Scheduler | None = None


def build_runtime(
    settings: Settings,
    *,
    store: Store | None = None,
    metrics: Metrics | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    """`clock`: what time reminders and stalled work take it to be (tests move it)."""
    install_redaction(_secrets(settings))
    store = store or _open_store(settings)
    store.audit.max_entries = settings.audit_max_entries
    metrics = metrics or Metrics()
    client = web_client(settings, metrics)
    cap = shared_cap(settings, store.redis, store.key)
    sgp = platform_client(settings, observer=metrics.platform_request, cap=cap)
    jobs = Jobs.of(store)
    usecases = _usecases(settings, store, sgp, jobs, metrics, client)
    reminding = build_reminding(settings, store, sgp, client, usecases.access, clock)
    steps = WorkflowSteps(client, StepTokens(store.redis, store.key))
    deps = _deps(settings, store, usecases, steps, reminding)
    metrics.watch_answers(deps.after_ack.running)
    bolt_app = build_app(settings, deps, client=client)
    slack_publisher = SlackPublisher(
        client,
        settings.thread_csv_threshold,
        deps.responder,
        home=HomeRefresher(client, usecases.home),
        steps=jobs.records.patient_view(),
    )
    # Each wrapper adds one duty to reporting a job: completing a workflow step, then
    # scheduling the assignees' reminders.
    publisher = SchedulingPublisher(StepPublisher(slack_publisher, steps), reminding)
    worker = build_worker(settings, usecases, jobs, sgp, publisher)
    scheduler = Scheduler(reminding.run_due, settings.reminder_poll_seconds)
    jobs.queue.on_lost = slack_publisher.lost  # a job lost with Redis: its requester is told

    async def close() -> None:
        await deps.after_ack.drain(AFTER_ACK_GRACE_SECONDS)  # answers first, then their clients
        await steps.aclose()
        await deps.responder.aclose()
        await sgp.aclose()
        await store.aclose()

    web_app, worker_app = _web_apps(settings, bolt_app, store, metrics, worker, scheduler, close)
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
        scheduler=scheduler,
    )


def _usecases(
    settings: Settings,
    store: Store,
    sgp: SGPClient,
    jobs: Jobs,
    metrics: Metrics,
    client: AsyncWebClient,
) -> UseCases:
    return build_usecases(
        store=store,
        platform=sgp,
        jobs=jobs,
        policy=access_policy(settings),
        metrics=metrics,
        config=AssigningConfig(
            confirmation_ttl_seconds=settings.confirmation_ttl_seconds,
            max_picked=settings.max_picked_tasks,
        ),
        groups=SlackGroupDirectory(client, store.cache, settings.group_cache_seconds),
        hosts=settings.platform_hosts,
    )


def _deps(
    settings: Settings,
    store: Store,
    usecases: UseCases,
    steps: WorkflowSteps,
    reminding: Reminding,
) -> Deps:
    """What the listeners need; answers on response_urls count their uses in the store."""
    return Deps(
        usecases=usecases,
        events=store.events,
        max_task_ids=settings.max_task_ids,
        max_picked_tasks=settings.max_picked_tasks,
        hosts=settings.platform_hosts,
        steps=steps,
        workflow_runs_as=settings.workflow_runs_as,
        reminders=reminding,
        responder=Responder(uses=ResponseUrlUses(store.redis, store.key)),
    )


def _open_store(settings: Settings) -> Store:
    return open_store(
        settings.redis_url,
        settings.redis_key_prefix,
        sentinels=settings.redis_sentinels,
        sentinel_master=settings.redis_sentinel_master,
    )


def _web_apps(
    settings: Settings,
    bolt_app: AsyncApp,
    store: Store,
    metrics: Metrics,
    worker: Worker,
    scheduler: Scheduler,
    close: Callable[[], Awaitable[None]],
) -> tuple[Starlette, Starlette]:
    """The web app (Slack + health + metrics), and the worker's (health + metrics only).

    Reminders go where jobs run: the scheduler's loop runs beside the worker's.
    """
    background = beside(worker.run, scheduler.run)
    in_web = settings.worker_in_web
    web_app = create_web_app(
        bolt_app,
        store,
        on_shutdown=close,
        background=background if in_web else None,
        metrics=metrics,
        stalled=worker.stalled if in_web else None,
    )
    worker_app = create_web_app(
        None,
        store,
        on_shutdown=close,
        background=background,
        metrics=metrics,
        stalled=worker.stalled,
    )
    return web_app, worker_app


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
    records = jobs.records.patient_view()  # a worker waits out a Redis blip
    execution = JobExecution(
        records=records,
        runner=JobRunner(records, platform, consumer, lease_ms),
        undo=usecases.undo,
        audit=usecases.audit,
        publisher=publisher,
        metrics=usecases.metrics,
        lease_ms=lease_ms,
        home=usecases.home,
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
