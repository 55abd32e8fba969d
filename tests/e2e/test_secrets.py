"""No token, signing secret or API key in any log line or any message, whatever the flow.

Every logger of the process is captured at DEBUG (Bolt, slack_sdk, httpx, httpcore, aiohttp,
redis, uvicorn and the bot's own); the bot runs in a server thread of this process, so its
records land here too.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from bot.fakes.slack_requests import sign
from bot.slack.ui_ids import Action
from tests.e2e.conftest import ADMIN, BOT_TOKEN, LEAD, SGP_KEY, SIGNING_SECRET, Bot
from tests.e2e.test_assign_command import confirm, preview_for, seeded
from tests.e2e.test_hostile_input import everything_sent

SECRETS = (BOT_TOKEN, SIGNING_SECRET, SGP_KEY)


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG on the root logger, with every library logger let through."""
    caplog.set_level(logging.DEBUG)
    quiet = {
        name: logger.level
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and logger.level > logging.DEBUG
    }
    for name in quiet:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


def leaks(caplog: pytest.LogCaptureFixture) -> list[str]:
    found: list[str] = []
    formatter = logging.Formatter()
    for record in caplog.records:
        seen = [record.getMessage(), repr(record.args), formatter.format(record)]
        if record.exc_text:
            seen.append(record.exc_text)
        for secret in SECRETS:
            if any(secret in text for text in seen):
                found.append(f"{record.name}: {record.getMessage()[:200]}")
    return found


def run_every_flow(bot: Bot) -> None:
    """Commands, preview, confirm, summary, thread, DMs, errors, links, history, refusals."""
    seeded(bot, count=6)
    bot.link("UALICE", "user-alice")
    sender = bot.sender

    # Help, links, whoami, users, history, a usage error, an admin-only refusal.
    for text, user in (
        ("help", LEAD),
        ("link <@UBOB|bob> user-bob", ADMIN),
        ("link me user-lead", LEAD),
        ("whoami", "UBOB"),
        ("users", LEAD),
        ("frobnicate", LEAD),
        ("unlink <@UBOB>", ADMIN),
    ):
        bot.last_response(sender.command(text, user=user)[1])

    # A full run with a summary, a CSV thread, DMs.
    _, token = preview_for(bot, "eval_123 t1 t2 t3 t4 t5 t6 ghost to <@UALICE> sgp:user-x")
    bot.responses(confirm(bot, token), count=2)
    # Errors of the platform: 422, 403 (the key), 500 then success, an unknown evaluation.
    for status, detail in (
        (422, {"detail": [{"loc": ["body"], "msg": "bad", "type": "value_error"}]}),
        (403, {"detail": "Forbidden"}),
        (401, {"detail": "Invalid API key"}),
    ):
        bot.sgp.fail_next(status, detail)
        _, token = preview_for(bot, "eval_123 t1 to <@UALICE>")
        bot.responses(confirm(bot, token), count=2)
    _, token = preview_for(bot, "eval_nope t1 to <@UALICE>")
    bot.responses(confirm(bot, token), count=2)
    # Slack refusing to post, cancel, a stranger's click, an expired token, history.
    bot.slack.fail_next("chat.postMessage", "not_in_channel")
    _, token = preview_for(bot, "eval_123 t2 to <@UALICE>")
    bot.responses(confirm(bot, token), count=2)
    _, token = preview_for(bot, "eval_123 t3 to <@UALICE>")
    bot.last_response(confirm(bot, token, user="UBOB"))
    bot.last_response(sender.click(Action.CANCEL, token)[1])
    bot.last_response(confirm(bot, "no-such-token-0123456789"))
    bot.last_response(sender.command("history 5", user=ADMIN)[1])
    # Requests that never get in: forged, stale, garbage.
    body = "command=%2Fassign&text=help"
    sender.post(body, headers=sign("wrong-secret", body))
    sender.post(body, headers=sign(SIGNING_SECRET, body, timestamp=int(time.time()) - 600))
    garbage = "payload=%7Bnot+json"
    sender.post(garbage, headers=sign(SIGNING_SECRET, garbage))
    httpx.get(f"{bot.url}/healthz")
    bot.settle()  # everything under way finishes, and logs, before the logs are read


def test_no_secret_in_any_log_line_or_message(
    bot_factory: Callable[..., Bot], everything_logged: pytest.LogCaptureFixture
) -> None:
    bot = bot_factory(ASSIGN_THREAD_CSV_THRESHOLD=3, ASSIGN_ALLOWED_GROUPS="eval-leads")
    bot.slack.usergroups["S0LEADS"] = ("eval-leads", [LEAD, ADMIN])
    run_every_flow(bot)

    assert len(everything_logged.records) > 50, "DEBUG logging really was captured"
    names = {record.name.split(".")[0] for record in everything_logged.records}
    assert {"bot", "slack_sdk", "httpx", "httpcore"} <= names, names
    assert leaks(everything_logged) == []
    # What Slack received (arguments and response_url posts, not the Authorization header)
    # and what the platform received in its bodies (the key belongs in its header only).
    sent = everything_sent(bot) + json.dumps([c.json for c in bot.sgp.batch_assign_calls()])
    for secret in SECRETS:
        assert secret not in sent, secret


def test_redaction_catches_what_a_library_would_log(
    bot: Bot, everything_logged: pytest.LogCaptureFixture
) -> None:
    """Belt and braces: even a careless DEBUG line of a library comes out redacted."""
    logging.getLogger("some.library").debug("headers: %s", {"Authorization": f"Bearer {BOT_TOKEN}"})
    try:
        raise RuntimeError(f"request failed with x-api-key {SGP_KEY}")
    except RuntimeError:
        logging.getLogger("some.library").exception("boom %s", SIGNING_SECRET)
    assert leaks(everything_logged) == []
    messages = [r.getMessage() for r in everything_logged.records if r.name == "some.library"]
    assert messages[0] == "headers: {'Authorization': 'Bearer [redacted]'}"
    assert "[redacted]" in everything_logged.text
