"""`python -m bot ...` as a real process, configured only by its environment, as operators do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.slack_server import FakeSlack
from bot.fakes.waiting import wait_until
from tests.e2e.conftest import (
    BOT_TOKEN,
    CONTRACT_VARIABLES,
    SGP_KEY,
    SIGNING_SECRET,
    FakeServers,
)
from tests.fakes.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def bare_environment() -> dict[str, str]:
    """This machine's environment without any of the bot's variables, and the repo importable."""
    env = {k: v for k, v in os.environ.items() if k not in CONTRACT_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Fakes:
    slack: FakeSlack
    sgp_url: str
    sgp: FakeSGP

    def environment(self, **extra: str) -> dict[str, str]:
        """Everything a bot process needs to talk to these fakes, plus `extra`."""
        return (
            bare_environment()
            | {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": f"{self.slack.base_url}/api/",
                "SGP_API_KEY": SGP_KEY,
                "SGP_CLIENT_BASE_URL": self.sgp_url,
            }
            | extra
        )


@pytest.fixture
def fakes(fake_servers: FakeServers) -> Iterator[Fakes]:
    """Fresh fakes for a bot process, behind the session's two fake servers."""
    slack, sgp = fake_servers.fresh()
    yield Fakes(slack, fake_servers.sgp_server.url, sgp)
    fake_servers.clear()


@dataclass
class BotProcess:
    process: subprocess.Popen[str]
    url: str
    #: Everything it printed, once it has stopped.
    output: str = field(default="")


@contextmanager
def bot_process(cwd: Path, env: dict[str, str], *args: str) -> Iterator[BotProcess]:
    """Start `python -m bot *args` on a free port, wait until /healthz answers, SIGTERM at the end.

    After the block, `.output` holds what it printed and its exit status is checked by the
    caller (`.process.returncode`).
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env | {"PORT": str(port), "HOST": "127.0.0.1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = BotProcess(process, f"http://127.0.0.1:{port}")

    def serving() -> bool:
        try:
            httpx.get(f"{running.url}/healthz", timeout=1)
        except httpx.TransportError:
            assert process.poll() is None, "the bot exited"
            return False
        return True

    try:
        wait_until(serving, what="the bot to serve /healthz", timeout=20)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        running.output, _ = process.communicate(timeout=30)
