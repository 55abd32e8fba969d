"""The use cases built for a test: in-memory store, the fake platform in-process, no threads.

The platform is the real client over `httpx.ASGITransport` into the fake platform's app, so
the use cases see exactly what the bot's client makes of the platform's answers, without a
server, a socket or a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import fakeredis
import httpx

from bot.core.authz import AccessPolicy
from bot.core.undo import UndoResult
from bot.fakes.sgp_server import FakeSGP
from bot.jobs.board import Jobs
from bot.metrics import Metrics
from bot.sgp.client import SGPClient
from bot.store.connection import Store
from bot.usecases import UseCases, build_usecases
from bot.usecases.assigning import AssigningConfig
from bot.usecases.ports import EmailDirectory, GroupDirectory

KEY = "sgp-test-key-1234"


def in_process_platform(fake: FakeSGP, **options: Any) -> SGPClient:
    """The bot's platform client, talking to `fake` in this process."""
    options.setdefault("max_retries", 0)
    return SGPClient(
        base_url="http://fake-platform",
        api_key=KEY,
        transport=httpx.ASGITransport(app=fake.app),
        **options,
    )


class Cases:
    """The use cases plus what a test looks at: the store, the platform and the jobs."""

    def __init__(self, usecases: UseCases, store: Store, platform: SGPClient, jobs: Jobs) -> None:
        self.usecases = usecases
        self.store = store
        self.platform = platform
        self.jobs = jobs
        self.access = usecases.access
        self.assigning = usecases.assigning
        self.people = usecases.people
        self.undo = usecases.undo
        self.audit = usecases.audit
        self.metrics = usecases.metrics

    async def undo_now(self, snapshot_id: str, actor_id: str, channel_id: str = "") -> UndoResult:
        """Take the snapshot and run the undo, as the Undo button does."""
        snapshot = await self.undo.take(snapshot_id, actor_id)
        return await self.undo.run(snapshot, actor_id, channel_id)

    async def aclose(self) -> None:
        await self.platform.aclose()
        await self.store.aclose()


def make_cases(
    fake: FakeSGP,
    *,
    admins: frozenset[str] = frozenset({"UADMIN"}),
    policy: AccessPolicy | None = None,
    store: Store | None = None,
    groups: GroupDirectory | None = None,
    emails: EmailDirectory | None = None,
    listing_seconds: float = 5.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    **platform_options: Any,
) -> Cases:
    store = store or Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="t:")
    platform = in_process_platform(fake, **platform_options)
    jobs = Jobs.of(store)
    policy = policy or AccessPolicy()
    usecases = build_usecases(
        store=store,
        platform=platform,
        jobs=jobs,
        policy=replace(policy, admins=admins),
        metrics=Metrics(),
        config=AssigningConfig(listing_seconds=listing_seconds),
        groups=groups,
        emails=emails,
        clock=clock,
    )
    return Cases(usecases, store, platform, jobs)
