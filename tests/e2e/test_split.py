"""A split that follows workload, through signed requests: `split by load` and `max N each`
typed in the command and chosen in the form; the preview shows each share and why, and the
platform gets exactly those shares."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.ui_ids import Action, Field
from tests.e2e.conftest import Bot
from tests.e2e.forms import ack_of, values
from tests.e2e.test_assign_command import ALICE, BOB, preview_for, text_of
from tests.e2e.test_modal import open_form, result, run
from tests.unit.slack.block_kit import assert_valid_view


def assigned(bot: Bot, evaluation_id: str) -> dict[str, list[str]]:
    """What each platform user was sent in batch-assign requests."""
    sent: dict[str, list[str]] = {}
    for call in bot.sgp.batch_assign_calls(evaluation_id):
        body = call.json
        sent.setdefault(body["assigned_to"], []).extend(body["task_ids"])
    return sent


def confirm_and_settle(bot: Bot, token: str) -> None:
    response, key = bot.sender.click(Action.CONFIRM, token)
    assert response.status_code == 200
    bot.slack.wait_for(
        lambda: (found := bot.slack.posts_to(key)) and "Assigned" in text_of(found[-1]),
        what="the result",
    )
    bot.settle()


def seed_loads(bot: Bot) -> list[str]:
    """Alice already has four pending tasks of eval_1; Bob has none. Six new ones wait."""
    bot.sgp.add_tasks("eval_1", [f"old{i}" for i in range(4)], assigned_to="user-alice")
    new = [f"n{i}" for i in range(6)]
    bot.sgp.add_tasks("eval_1", new)
    bot.link(ALICE, "user-alice")
    bot.link(BOB, "user-bob")
    return new


def test_split_by_load_gives_more_to_who_has_less(bot: Bot) -> None:
    new = seed_loads(bot)
    preview, token = preview_for(
        bot, f"eval_1 {' '.join(new)} to <@{ALICE}> <@{BOB}> split by load"
    )
    shown = text_of(preview)
    assert "Split by load" in shown
    assert "gets 1 task (has 4 pending tasks here now)" in shown
    assert "gets 5 tasks (has 0 pending tasks here now)" in shown
    confirm_and_settle(bot, token)
    assert assigned(bot, "eval_1") == {"user-alice": ["n0"], "user-bob": new[1:]}


def test_a_cap_leaves_the_rest_unassigned_and_the_preview_says_so(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_1", [f"u{i}" for i in range(7)])
    bot.link(ALICE, "user-alice")
    bot.link(BOB, "user-bob")
    preview, token = preview_for(bot, f"eval_1 unassigned to <@{ALICE}> <@{BOB}> max 2 each")
    shown = text_of(preview)
    assert "Assign 4 tasks?" in shown
    assert "at most 2 each" in shown
    assert "3 tasks stay unassigned (the cap)" in shown
    assert "capped at 2" in shown
    confirm_and_settle(bot, token)
    sent = assigned(bot, "eval_1")
    assert [len(sent["user-alice"]), len(sent["user-bob"])] == [2, 2]
    left = [i for i in range(7) if bot.sgp.task("eval_1", f"u{i}")["assigned_to"] is None]
    assert len(left) == 3


def _with_split(view: dict[str, Any], choice: str | None, cap: str | None, **filled: Any) -> Any:
    state = values(view, **filled)
    option = {"value": choice, "text": {"type": "plain_text", "text": choice}} if choice else None
    state[Field.SPLIT.value] = {
        Field.SPLIT.value: {"type": "static_select", "selected_option": option}
    }
    state[Field.SPLIT_CAP.value] = {Field.SPLIT_CAP.value: {"type": "number_input", "value": cap}}
    return state


def test_the_form_splits_by_load_with_a_cap(bot: Bot) -> None:
    new = seed_loads(bot)
    view = open_form(bot)
    blocks = json.dumps(view["blocks"])
    assert Field.SPLIT.value in blocks and Field.SPLIT_CAP.value in blocks
    state = _with_split(
        view, "load", "5", evaluation="eval_1", task_ids=" ".join(new), users=[ALICE, BOB]
    )
    answer = ack_of(bot.sender.view_submission(view, state))
    assert answer["response_action"] == "update", answer
    preview = answer["view"]
    assert_valid_view(preview)
    shown = json.dumps(preview["blocks"])
    assert "Split by load" in shown and "at most 5 each" in shown
    assert "(has 0 pending tasks here now; capped at 5)" in shown
    assert "unassigned" not in shown
    run(bot, preview)
    assert "Assigned" in json.dumps(result(bot)["blocks"])
    bot.settle()
    assert assigned(bot, "eval_1") == {"user-alice": ["n0"], "user-bob": new[1:]}


def test_the_form_refuses_a_bad_cap_under_its_input(bot: Bot) -> None:
    view = open_form(bot)
    state = _with_split(view, "even", "0", evaluation="eval_1", task_ids="t1", users=[ALICE])
    answer = ack_of(bot.sender.view_submission(view, state))
    assert answer["response_action"] == "errors"
    assert "whole number" in answer["errors"][Field.SPLIT_CAP.value]
