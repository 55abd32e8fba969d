"""`LOG_FORMAT=json` in a real process: every line is a JSON object, request lines carry the id."""

from __future__ import annotations

import json
from pathlib import Path

from bot.fakes.slack_requests import SlackSender
from tests.e2e.conftest import BOT_TOKEN, SGP_KEY, SIGNING_SECRET
from tests.e2e.processes import Fakes, bot_process


def test_json_lines_with_request_ids(tmp_path: Path, fakes: Fakes) -> None:
    slack = fakes.slack
    env = fakes.environment(LOG_FORMAT="json", ASSIGN_ALLOWED_USERS="USOMEONE_ELSE")
    with bot_process(tmp_path, env) as bot:
        sender = SlackSender(bot.url, SIGNING_SECRET, slack.base_url)
        _, key = sender.command("eval_1 t1 to me")
        slack.wait_for(lambda: slack.posts_to(key), what="the refusal")
    output = bot.output
    assert bot.process.returncode == 0, output
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["logger"].startswith("uvicorn") for e in entries), "uvicorn's lines too"
    [refusal] = [e for e in entries if e["message"].startswith("refused to let")]
    assert refusal["logger"] == "bot.usecases.access" and len(refusal["request_id"]) >= 8
    for secret in (BOT_TOKEN, SIGNING_SECRET, SGP_KEY):
        assert secret not in output


def test_log_level_quiets_uvicorn_too(tmp_path: Path, fakes: Fakes) -> None:
    # Operators turn the access log off with LOG_LEVEL=WARNING; uvicorn must not override it.
    env = fakes.environment(LOG_FORMAT="json", LOG_LEVEL="WARNING")
    with bot_process(tmp_path, env) as bot:
        SlackSender(bot.url, SIGNING_SECRET, fakes.slack.base_url).command("help")
    entries = [json.loads(line) for line in bot.output.splitlines() if line.strip()]
    assert bot.process.returncode == 0, bot.output
    assert [e for e in entries if e["level"] in ("DEBUG", "INFO")] == []
