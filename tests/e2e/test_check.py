"""`python -m bot check` as an operator runs it before going live."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import BOT_TOKEN, SGP_KEY, SIGNING_SECRET
from tests.e2e.test_process import bare_environment
from tests.fakes.server import ServerThread, free_port
from tests.fakes.sgp_server import FakeSGP
from tests.fakes.slack_server import FakeSlack


@pytest.fixture
def fakes() -> Iterator[tuple[str, str]]:
    slack = FakeSlack(bot_token=BOT_TOKEN)
    slack_server = ServerThread(slack.app).start()
    slack.base_url = slack_server.url
    sgp_server = ServerThread(FakeSGP(api_key=SGP_KEY).app).start()
    yield f"{slack.base_url}/api/", sgp_server.url
    slack_server.stop()
    sgp_server.stop()


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=tmp_path,
        env=bare_environment(tmp_path) | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_all_checks_pass(tmp_path: Path, fakes: tuple[str, str]) -> None:
    slack_url, sgp_url = fakes
    done = run_check(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_url,
        SGP_API_KEY=SGP_KEY,
        SGP_CLIENT_BASE_URL=sgp_url,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[:2] for line in lines] == [
        ["ok", "settings:"],
        ["ok", "Slack:"],
        ["ok", "Redis:"],
        ["ok", "Scale"],
    ]
    assert "in-memory store" in done.stdout


def test_each_failure_says_what_to_fix(tmp_path: Path, fakes: tuple[str, str]) -> None:
    slack_url, sgp_url = fakes
    done = run_check(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-wrong",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_url,
        SGP_API_KEY="wrong-key-123",
        SGP_CLIENT_BASE_URL=sgp_url,
        REDIS_URL=f"redis://:hunter2@127.0.0.1:{free_port()}/0",
    )
    assert done.returncode == 1
    out = done.stdout
    assert "FAIL Slack: Slack refused SLACK_BOT_TOKEN (invalid_auth)" in out
    assert "FAIL Redis:" in out and "start Redis or fix REDIS_URL" in out
    assert "FAIL Scale GP:" in out and "set SGP_API_KEY" in out
    for secret in ("xoxb-wrong", "wrong-key-123", "hunter2", SIGNING_SECRET):
        assert secret not in out + done.stderr


def test_missing_settings_fail_first(tmp_path: Path) -> None:
    done = run_check(tmp_path)
    assert done.returncode == 2
    assert "FAIL settings" in done.stdout and "SGP_API_KEY" in done.stdout
