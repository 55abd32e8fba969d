"""`python -m bot` as an operator runs it: a real process, configured only by its environment."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.fakes.slack_requests import SlackSender
from tests.e2e.conftest import BOT_TOKEN, SGP_KEY, SIGNING_SECRET
from tests.e2e.processes import Fakes, bare_environment, bot_process


def run_bot(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot *args` to its end (it is expected to refuse to start)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_settings_exit_2_and_name_each_variable(tmp_path: Path) -> None:
    done = run_bot(tmp_path, bare_environment())
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


ASSIGN = ("assign", "eval_1", "--ids", "t1", "--to", "user_1")
COMMANDS = {"serve": (), "worker": ("worker",), "check": ("check",), "assign": ASSIGN}
#: (what was pasted wrong, the variable, its value, the start of the one line about it)
PASTED_WRONG = {
    "blank key": ("SGP_API_KEY", "", "missing SGP_API_KEY (set, but blank): "),
    "blank token": ("SLACK_BOT_TOKEN", " \n", "missing SLACK_BOT_TOKEN (set, but blank): "),
    "non-ASCII key": ("SGP_API_KEY", "key-\u00e9-secret", "invalid SGP_API_KEY: "),
    "control in token": ("SLACK_BOT_TOKEN", "xoxb-\x1b-secret", "invalid SLACK_BOT_TOKEN: "),
    "non-ASCII app token": ("SLACK_APP_TOKEN", "xapp-\u2013-secret", "invalid SLACK_APP_TOKEN: "),
}


#: The command line reads only the platform's settings (SGP_*).
WRONG_CASES = [
    (command, case)
    for command in COMMANDS
    for case, (name, _, _) in PASTED_WRONG.items()
    if command != "assign" or name.startswith("SGP_")
]


@pytest.mark.parametrize(("command", "case"), WRONG_CASES)
def test_a_setting_pasted_wrong_is_one_line_and_exit_2(
    tmp_path: Path, fakes: Fakes, command: str, case: str
) -> None:
    name, value, line_start = PASTED_WRONG[case]
    done = run_bot(tmp_path, fakes.environment(**{name: value}), *COMMANDS[command])
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    about = [line for line in output.splitlines() if name in line]
    assert len(about) == 1 and about[0].startswith(line_start), output
    if value.strip():
        assert value.strip() not in output and "secret" not in output, "never echo the value"


def test_a_key_with_a_trailing_newline_works(tmp_path: Path, fakes: Fakes) -> None:
    """As a secret file gives it: the newline is not part of the key."""
    env = fakes.environment(SGP_API_KEY=SGP_KEY + "\n", SLACK_BOT_TOKEN=BOT_TOKEN + "\n")
    done = run_bot(tmp_path, env | {"ASSIGN_ADMINS": "UADMIN"}, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok   Scale GP" in done.stdout and "ok   Slack" in done.stdout


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another process is listening on."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        yield taken.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_busy_port_says_to_set_port(
    tmp_path: Path, fakes: Fakes, busy_port: int, command: str
) -> None:
    env = fakes.environment(PORT=str(busy_port), HOST="127.0.0.1")
    done = run_bot(tmp_path, env, *COMMANDS[command])
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = done.stderr.splitlines()
    assert f"port {busy_port}" in line and "already in use" in line and "set PORT" in line
    assert "worker" not in done.stdout + done.stderr, "refused before anything started"


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_ctrl_c_stops_quietly(tmp_path: Path, fakes: Fakes, command: str) -> None:
    with bot_process(tmp_path, fakes.environment(), *COMMANDS[command]) as bot:
        bot.process.send_signal(signal.SIGINT)
        bot.process.wait(timeout=30)
    assert bot.process.returncode in (0, 130), bot.output
    assert "Traceback" not in bot.output and "KeyboardInterrupt" not in bot.output
    assert "stopped" in bot.output
