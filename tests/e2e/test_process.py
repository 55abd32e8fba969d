"""`python -m bot` as an operator runs it: a real process, configured only by its environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BOT_TOKEN, CONTRACT_VARIABLES, SGP_KEY, SIGNING_SECRET
from tests.e2e.slack_requests import SlackSender
from tests.fakes.server import ServerThread, free_port
from tests.fakes.sgp_server import FakeSGP
from tests.fakes.slack_server import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


def bare_environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONTRACT_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_missing_settings_exit_2_and_name_each_variable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=bare_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SGP_API_KEY"):
        assert name in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def fakes() -> Iterator[tuple[FakeSlack, str]]:
    slack = FakeSlack(bot_token=BOT_TOKEN)
    slack_server = ServerThread(slack.app).start()
    slack.base_url = slack_server.url
    sgp_server = ServerThread(FakeSGP(api_key=SGP_KEY).app).start()
    yield slack, sgp_server.url
    slack_server.stop()
    sgp_server.stop()


def test_serves_http_answers_slack_and_stops_on_sigterm(
    tmp_path: Path, fakes: tuple[FakeSlack, str]
) -> None:
    slack, sgp_url = fakes
    port = free_port()
    env = bare_environment(tmp_path) | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{slack.base_url}/api/",
        "SGP_API_KEY": SGP_KEY,
        "SGP_CLIENT_BASE_URL": sgp_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the bot exited"
                assert time.monotonic() < deadline, "the bot did not start serving"
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["ok"] is True

        sender = SlackSender(base, SIGNING_SECRET, slack.base_url)
        response, key = sender.command("help")
        assert response.status_code == 200
        help_post = slack.wait_for(lambda: slack.posts_to(key), what="help answer")[0]
        assert "/assign link" in str(help_post["blocks"])
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "REDIS_URL is not set" in output
    for secret in (BOT_TOKEN, SIGNING_SECRET, SGP_KEY):
        assert secret not in output


def test_a_worker_process_serves_health_and_metrics_only(
    tmp_path: Path, fakes: tuple[FakeSlack, str]
) -> None:
    slack, sgp_url = fakes
    port = free_port()
    env = bare_environment(tmp_path) | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{slack.base_url}/api/",
        "SGP_API_KEY": SGP_KEY,
        "SGP_CLIENT_BASE_URL": sgp_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert health.status_code == 200
        assert "assignbot_" in httpx.get(f"{base}/metrics").text
        assert httpx.post(f"{base}/slack/events", content=b"").status_code == 404
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "worker" in output and "stopped" in output
