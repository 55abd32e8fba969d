"""Socket Mode (SLACK_APP_TOKEN) as a real process: a WebSocket to Slack instead of a Request URL.

The bot asks `apps.connections.open` for an address, connects, and Slack pushes a slash command
down the socket. The ack must come back on the socket at once, and the preview after it, on the
command's response_url, exactly as over HTTP.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import BOT_TOKEN, SGP_KEY
from tests.e2e.processes import Fakes
from tests.fakes.socket_mode import FakeSocketMode

APP_TOKEN = "xapp-1-A1-socket-mode-test-token"


def test_a_slash_command_over_the_socket_is_acked_then_answered(
    tmp_path: Path, fakes: Fakes
) -> None:
    slack, socket = fakes.slack, FakeSocketMode().start()
    slack.app_token, slack.socket_url = APP_TOKEN, socket.url
    fakes.sgp.add_tasks("eval_1", ["t1"])
    fakes.sgp.latency_per_request = 1.0  # the preview's task listing takes a second
    env = fakes.environment(SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        socket.wait_connected()
        socket.push(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/assign",
                    "text": "eval_1 t1 to sgp:user_42",
                    "team_id": "T1",
                    "channel_id": "CCHAN",
                    "user_id": "ULEAD",
                    "response_url": f"{slack.base_url}/response/socket-1",
                    "trigger_id": "trig-1",
                    "api_app_id": "A1",
                },
            }
        )
        socket.wait_ack("env-1", timeout=5)
        assert slack.posts_to("socket-1") == []  # acked before the listing came back
        [preview] = slack.wait_for(lambda: slack.posts_to("socket-1"), what="the preview")
        assert "assign_confirm" in str(preview["blocks"])
    finally:
        bot.send_signal(signal.SIGTERM)
        output, _ = bot.communicate(timeout=30)
        socket.stop()
    assert "starting in Socket Mode" in output
    assert bot.returncode == 0, output
    for secret in (APP_TOKEN, BOT_TOKEN, SGP_KEY):
        assert secret not in output
