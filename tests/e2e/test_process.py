"""`python -m bot` as an operator runs it: a real process, configured only by its environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.conftest import BOT_TOKEN, SGP_KEY, SIGNING_SECRET
from tests.e2e.processes import Fakes, bare_environment, bot_process
from tests.e2e.slack_requests import SlackSender


def test_missing_settings_exit_2_and_name_each_variable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=bare_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SGP_API_KEY"):
        assert name in done.stderr
    assert "Traceback" not in done.stderr


def test_serves_http_answers_slack_and_stops_on_sigterm(tmp_path: Path, fakes: Fakes) -> None:
    slack = fakes.slack
    with bot_process(tmp_path, fakes.environment()) as bot:
        health = httpx.get(f"{bot.url}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["ok"] is True
        response, key = SlackSender(bot.url, SIGNING_SECRET, slack.base_url).command("help")
        assert response.status_code == 200
        help_post = slack.wait_for(lambda: slack.posts_to(key), what="help answer")[0]
        assert "/assign link" in str(help_post["blocks"])
    assert bot.process.returncode == 0, bot.output
    assert "REDIS_URL is not set" in bot.output
    for secret in (BOT_TOKEN, SIGNING_SECRET, SGP_KEY):
        assert secret not in bot.output


def test_sigterm_right_after_an_ack_still_sends_the_answer(tmp_path: Path, fakes: Fakes) -> None:
    slack = fakes.slack
    fakes.sgp.add_tasks("eval_1", ["t1"])
    fakes.sgp.latency_per_request = 1.0  # the preview's task listing is still under way
    with bot_process(tmp_path, fakes.environment()) as bot:
        sender = SlackSender(bot.url, SIGNING_SECRET, slack.base_url)
        response, key = sender.command("eval_1 t1 to sgp:user_42")
        assert response.status_code == 200 and slack.posts_to(key) == []
    # Stopped (SIGTERM) with the preview unsent: the bot finished it before exiting.
    assert bot.process.returncode == 0, bot.output
    [preview] = slack.posts_to(key)
    assert "assign_confirm" in str(preview["blocks"]), preview
    assert "finishing 1 answer(s) under way" in bot.output


def test_a_worker_process_serves_health_and_metrics_only(tmp_path: Path, fakes: Fakes) -> None:
    with bot_process(tmp_path, fakes.environment(), "worker") as worker:
        assert httpx.get(f"{worker.url}/healthz").status_code == 200
        assert "assignbot_" in httpx.get(f"{worker.url}/metrics").text
        assert httpx.post(f"{worker.url}/slack/events", content=b"").status_code == 404
    assert worker.process.returncode == 0, worker.output
    assert "worker" in worker.output and "stopped" in worker.output
