"""Odd Slack payloads answered as Slack expects: 400 for wrong types (no ERROR log), a clear
refusal without a user or team, 200 for events nobody handles, 404 for other unmatched ones."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from bot.fakes.slack_requests import sign
from bot.slack.listener import NO_IDENTITY
from bot.slack.ui_ids import Action
from tests.e2e.conftest import SIGNING_SECRET, Bot
from tests.e2e.test_assign_command import text_of

pytestmark = pytest.mark.e2e

FORM = "application/x-www-form-urlencoded"


def post(bot: Bot, body: str, content_type: str = FORM) -> int:
    headers = {**sign(SIGNING_SECRET, body), "Content-Type": content_type}
    return bot.sender.post(body, headers).status_code


def interaction(payload: dict[str, object]) -> str:
    return urlencode({"payload": json.dumps(payload)})


WHO = {"team": {"id": "T1"}, "user": {"id": "ULEAD", "team_id": "T1"}, "trigger_id": "t1"}


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("action_id a list", {"type": "block_actions", **WHO, "actions": [{"action_id": ["x"]}]}),
        ("actions a string", {"type": "block_actions", **WHO, "actions": "assign_confirm"}),
        ("user a string", {"type": "block_actions", "user": "ULEAD", "actions": []}),
        ("view a string", {"type": "view_submission", **WHO, "view": "x"}),
        ("callback_id a number", {"type": "shortcut", **WHO, "callback_id": 7}),
        ("callback_id missing", {"type": "message_action", **WHO}),
    ],
)
def test_wrongly_typed_fields_get_a_400_without_an_error_log(
    bot: Bot, caplog: pytest.LogCaptureFixture, name: str, payload: dict[str, object]
) -> None:
    with caplog.at_level(logging.WARNING):
        status = post(bot, interaction(payload))
        bot.settle()
    assert status == 400, name
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    noted = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("ill-typed" in m or "could not read" in m for m in noted), noted


def test_a_wrongly_typed_event_gets_a_400(bot: Bot) -> None:
    body = json.dumps({"type": "event_callback", "event_id": "Ev9", "event": "app_mention"})
    assert post(bot, body, "application/json") == 400


def test_events_nobody_handles_are_acknowledged_and_other_requests_are_not(bot: Bot) -> None:
    event = {"type": "event_callback", "event_id": "Ev1", "event": {"type": "reaction_added"}}
    assert post(bot, json.dumps(event), "application/json") == 200, "no re-delivery"
    assert post(bot, urlencode({"command": "/other", "text": "x", **ids()})) == 404
    shortcut = {"type": "shortcut", **WHO, "callback_id": "someone_elses_shortcut"}
    assert post(bot, interaction(shortcut)) == 404


def ids() -> dict[str, str]:
    return {"user_id": "ULEAD", "team_id": "T1", "channel_id": "C1"}


@pytest.mark.parametrize("missing", ["user_id", "team_id"])
def test_a_command_without_user_or_team_is_refused_clearly(bot: Bot, missing: str) -> None:
    form = {
        "command": "/assign",
        "text": "eval_1 t1 to me",
        "response_url": f"{bot.slack.base_url}/response/noid",
        "trigger_id": "trig",
        **ids(),
        missing: "",
    }
    assert post(bot, urlencode(form)) == 200
    assert NO_IDENTITY in text_of(bot.last_response("noid"))
    assert "Something went wrong" not in NO_IDENTITY


def test_a_click_without_a_user_is_refused_clearly(bot: Bot) -> None:
    click = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": ""},
        "response_url": f"{bot.slack.base_url}/response/noclick",
        "actions": [{"action_id": Action.CONFIRM.value, "value": "k", "type": "button"}],
    }
    assert post(bot, interaction(click)) == 200
    assert NO_IDENTITY in text_of(bot.last_response("noclick"))
