"""The real bot served over HTTP, with a fake Slack and a fake platform beside it."""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import fakeredis
import pytest
from redis.asyncio import Redis

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.slack_requests import SlackSender
from bot.fakes.slack_server import FakeSlack
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings, load_settings
from bot.store.connection import Store
from tests.fakes.server import ServerThread, Swappable, serve

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
SGP_KEY = "test-sgp-key"
ADMIN = "UADMIN"
LEAD = "ULEAD"

T = TypeVar("T")

#: How long the bot's worker waits for a new job before it looks at its stop flag again. The
#: default (1 s) would make every test's shutdown wait up to a second for nothing.
WORKER_IDLE_POLL_MS = 50
#: An idle bot stops in ~0.2 s; a stop slower than this is reported as a warning.
SLOW_STOP_SECONDS = 2.0

CONTRACT_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "SGP_API_KEY",
    "SGP_ACCOUNT_ID",
    "SGP_CLIENT_BASE_URL",
    "REDIS_URL",
    "ASSIGN_ADMINS",
    "PORT",
)


@dataclass
class Bot:
    """Everything a test drives or inspects."""

    slack: FakeSlack
    sgp: FakeSGP
    sender: SlackSender
    runtime: Runtime
    server: ServerThread
    redis_server: fakeredis.FakeServer

    @property
    def url(self) -> str:
        return self.server.url

    def in_store(self, use: Callable[[Store], Awaitable[T]]) -> T:
        """Run a coroutine against the bot's store from the test's own thread."""

        async def run() -> T:
            redis = fakeredis.FakeAsyncRedis(server=self.redis_server, decode_responses=True)
            store = Store(redis, prefix=self.runtime.settings.redis_key_prefix)
            try:
                return await use(store)
            finally:
                await store.aclose()

        return asyncio.run(run())

    def settle(self) -> None:
        """Stop the bot as SIGTERM does: return once everything it had started has finished.

        Its own drains (answers after the ack, jobs in flight) end only when that work is done,
        so what a test asserts afterwards is final, where a sleep could only hope so. A job
        left in the queue, which no worker took, fails here instead of going unseen.
        """
        self.server.stop()
        stream = self.runtime.worker.jobs.stream
        waiting = self.in_store(lambda store: jobs_waiting(store.redis, stream))
        assert waiting == 0, f"{waiting} job(s) still in the queue after the bot stopped"

    def link(self, slack_user: str, platform_user: str, team: str = "T1") -> None:
        self.in_store(lambda store: store.identities.link(team, slack_user, platform_user))

    def responses(self, key: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until `count` posts arrived at response_url `key`; return them all."""
        posts: list[dict[str, Any]] = self.slack.wait_for(
            lambda: (found := self.slack.posts_to(key)) and len(found) >= count and found,
            timeout=timeout,
            what=f"{count} post(s) to response_url {key}",
        )
        return posts

    def last_response(self, key: str, count: int = 1) -> dict[str, Any]:
        return self.responses(key, count)[-1]


async def jobs_waiting(redis: Redis, stream: str) -> int:
    """Jobs in `stream` that a worker has not finished: taken but not acked, or not yet taken."""
    if not await redis.exists(stream):
        return 0
    groups = await redis.xinfo_groups(stream)
    if not groups:
        return int(await redis.xlen(stream))
    [group] = groups  # the workers' one consumer group
    not_taken = await redis.xrange(stream, min=f"({group['last-delivered-id']}")
    return int(group["pending"]) + len(not_taken or [])


def bot_settings(slack: FakeSlack, sgp_url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{slack.base_url}/api/",
        "SGP_API_KEY": SGP_KEY,
        "SGP_CLIENT_BASE_URL": sgp_url,
        "ASSIGN_ADMINS": ADMIN,
        "SGP_TIMEOUT_SECONDS": 5,
    }
    values.update(extra)
    return load_settings(_env_file=None, **values)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CONTRACT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@dataclass
class FakeServers:
    """A fake Slack and a fake platform, served once per session; each test gets fresh ones."""

    slack: Swappable
    slack_server: ServerThread
    sgp: Swappable
    sgp_server: ServerThread

    def fresh(self) -> tuple[FakeSlack, FakeSGP]:
        """New fakes behind the two servers, so nothing is left from another test."""
        slack = FakeSlack(bot_token=BOT_TOKEN)
        slack.base_url = self.slack_server.url
        self.slack.app = slack.app
        sgp = FakeSGP(api_key=SGP_KEY)
        self.sgp.app = sgp.app
        return slack, sgp

    def clear(self) -> None:
        """Nothing behind the servers: a request from a test that is over fails loudly."""
        self.slack.app = self.sgp.app = None


@pytest.fixture(scope="session")
def fake_servers() -> Iterator[FakeServers]:
    """Starting and stopping two servers per test would cost ~0.4 s a test.

    A fake's scripted slow answer still running at the end gets 1 s, then is cancelled.
    """
    slack, sgp = Swappable(), Swappable()
    with serve(slack, grace_seconds=1) as slack_server, serve(sgp, grace_seconds=1) as sgp_server:
        yield FakeServers(slack, slack_server, sgp, sgp_server)


@pytest.fixture
def bot_factory(clean_env: None, fake_servers: FakeServers) -> Iterator[Callable[..., Bot]]:
    """Start a bot (and its fakes) with extra settings; it stops (drains) after the test."""
    started: list[ServerThread] = []

    def start(store: Store | None = None, clock: Any = None, **extra: Any) -> Bot:
        """`store`: the bot's store instead of an in-memory one (e.g. a Redis that is down);
        `clock`: what time the bot's reminders take it to be."""
        slack, sgp = fake_servers.fresh()
        settings = bot_settings(slack, fake_servers.sgp_server.url, **extra)
        redis_server = fakeredis.FakeServer()
        store = store or Store(
            fakeredis.FakeAsyncRedis(server=redis_server, decode_responses=True),
            prefix=settings.redis_key_prefix,
        )
        runtime = build_runtime(settings, store=store, **({"clock": clock} if clock else {}))
        runtime.worker.block_ms = WORKER_IDLE_POLL_MS
        server = ServerThread(runtime.web_app).start()
        started.append(server)
        sender = SlackSender(server.url, SIGNING_SECRET, slack.base_url)
        return Bot(slack, sgp, sender, runtime, server, redis_server)

    yield start
    try:
        for server in started:
            _stop_and_tell_if_slow(server)
    finally:
        fake_servers.clear()


def _stop_and_tell_if_slow(server: ServerThread) -> None:
    """A slow stop means the test ended with work under way (a drain waited for it): say so."""
    began = time.monotonic()
    server.stop()
    took = time.monotonic() - began
    if took > SLOW_STOP_SECONDS:
        warnings.warn(
            f"the bot took {took:.1f} s to stop: the test left work under way (answers still"
            " being sent or retried, jobs running); wait for it, or call bot.settle()",
            stacklevel=1,
        )


@pytest.fixture
def bot(bot_factory: Callable[..., Bot]) -> Bot:
    return bot_factory()


__all__ = ["ADMIN", "LEAD", "Bot", "serve"]


def summary_detail_dms(calls: list[Any]) -> tuple[Any, Any, list[Any]]:
    """A job's chat.postMessage calls by role, whatever order they went out in: the summary
    (the first), the first detail in its channel, and the direct messages (other channels)."""
    summary, rest = calls[0], calls[1:]
    channel = summary.args["channel"]
    details = [call for call in rest if call.args["channel"] == channel]
    dms = [call for call in rest if call.args["channel"] != channel]
    return summary, details[0] if details else None, dms
