"""`LOG_FORMAT=json` in a real process: every line is a JSON object, request lines carry the id."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BOT_TOKEN, SGP_KEY, SIGNING_SECRET
from tests.e2e.slack_requests import SlackSender
from tests.e2e.test_process import bare_environment
from tests.fakes.server import ServerThread, free_port
from tests.fakes.sgp_server import FakeSGP
from tests.fakes.slack_server import FakeSlack


@pytest.fixture
def slack_and_platform() -> Iterator[tuple[FakeSlack, str]]:
    slack = FakeSlack(bot_token=BOT_TOKEN)
    slack_server = ServerThread(slack.app).start()
    slack.base_url = slack_server.url
    sgp_server = ServerThread(FakeSGP(api_key=SGP_KEY).app).start()
    yield slack, sgp_server.url
    slack_server.stop()
    sgp_server.stop()


def test_json_lines_with_request_ids(
    tmp_path: Path, slack_and_platform: tuple[FakeSlack, str]
) -> None:
    slack, sgp_url = slack_and_platform
    port = free_port()
    env = bare_environment(tmp_path) | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{slack.base_url}/api/",
        "SGP_API_KEY": SGP_KEY,
        "SGP_CLIENT_BASE_URL": sgp_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_FORMAT": "json",
        "ASSIGN_ALLOWED_USERS": "USOMEONE_ELSE",
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
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the bot exited"
                assert time.monotonic() < deadline, "the bot did not start serving"
                time.sleep(0.1)
        sender = SlackSender(base, SIGNING_SECRET, slack.base_url)
        _, key = sender.command("eval_1 t1 to me")
        slack.wait_for(lambda: slack.posts_to(key), what="the refusal")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["logger"].startswith("uvicorn") for e in entries), "uvicorn's lines too"
    [refusal] = [e for e in entries if e["message"].startswith("refused to let")]
    assert refusal["logger"] == "bot.service" and len(refusal["request_id"]) >= 8
    for secret in (BOT_TOKEN, SIGNING_SECRET, SGP_KEY):
        assert secret not in output
