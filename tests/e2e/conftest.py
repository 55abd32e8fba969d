"""The real bot served over HTTP, with a fake Slack and a fake platform beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import fakeredis
import pytest

from bot.runtime import Runtime, build_runtime
from bot.settings import Settings, load_settings
from bot.store.connection import Store
from tests.e2e.slack_requests import SlackSender
from tests.fakes.server import ServerThread, serve
from tests.fakes.sgp_server import FakeSGP
from tests.fakes.slack_server import FakeSlack

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
SGP_KEY = "test-sgp-key"
ADMIN = "UADMIN"
LEAD = "ULEAD"

T = TypeVar("T")

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

    def link(self, slack_user: str, platform_user: str, team: str = "T1") -> None:
        self.in_store(lambda store: store.identities.link(team, slack_user, platform_user))

    def responses(self, key: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until `count` posts arrived at response_url `key`; return them all."""
        return self.slack.wait_for(
            lambda: (posts := self.slack.posts_to(key)) and len(posts) >= count and posts,
            timeout=timeout,
            what=f"{count} post(s) to response_url {key}",
        )

    def last_response(self, key: str, count: int = 1) -> dict[str, Any]:
        return self.responses(key, count)[-1]


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


@pytest.fixture
def bot_factory(clean_env: None) -> Iterator[Callable[..., Bot]]:
    """Start a bot (and its fakes) with extra settings; everything stops after the test."""
    stack: list[Callable[[], None]] = []

    def start(store: Store | None = None, **extra: Any) -> Bot:
        """`store`: the bot's store instead of an in-memory one (e.g. a Redis that is down)."""
        slack = FakeSlack(bot_token=BOT_TOKEN)
        slack_server = ServerThread(slack.app).start()
        slack.base_url = slack_server.url
        stack.append(slack_server.stop)
        sgp = FakeSGP(api_key=SGP_KEY)
        sgp_server = ServerThread(sgp.app).start()
        stack.append(sgp_server.stop)
        settings = bot_settings(slack, sgp_server.url, **extra)
        redis_server = fakeredis.FakeServer()
        store = store or Store(
            fakeredis.FakeAsyncRedis(server=redis_server, decode_responses=True),
            prefix=settings.redis_key_prefix,
        )
        runtime = build_runtime(settings, store=store)
        server = ServerThread(runtime.web_app).start()
        stack.append(server.stop)
        sender = SlackSender(server.url, SIGNING_SECRET, slack.base_url)
        return Bot(slack, sgp, sender, runtime, server, redis_server)

    yield start
    for stop in reversed(stack):
        stop()


@pytest.fixture
def bot(bot_factory: Callable[..., Bot]) -> Bot:
    return bot_factory()


__all__ = ["ADMIN", "LEAD", "Bot", "serve"]
