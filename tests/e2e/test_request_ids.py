"""Every log line of a Slack request carries its id, in the running bot (HTTP, Bolt, listeners)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests.e2e.conftest import LEAD, Bot
from tests.e2e.test_mentions import ephemerals, mention


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("refused to let")]


def test_a_mention_is_logged_under_its_event_id_and_a_command_under_its_own(
    bot_factory: Callable[..., Bot], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = bot_factory(ASSIGN_ALLOWED_USERS="USOMEONE_ELSE")
    _, event_id = mention(bot, "eval_1 t1 to me", user=LEAD)
    ephemerals(bot, 1)
    for text in ("eval_1 t1 to me", "eval_1 t2 to me"):
        _, key = bot.sender.command(text, user=LEAD)
        bot.last_response(key)

    by_mention, *by_commands = refusals(caplog)
    assert getattr(by_mention, "request_id", None) == event_id
    ids = [getattr(record, "request_id", None) for record in by_commands]
    assert len(ids) == 2 and all(ids) and ids[0] != ids[1] and event_id not in ids
