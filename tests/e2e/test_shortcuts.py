"""Shortcuts end to end: the global one opens the form; the message one fills it from the
message and replies in that message's thread."""

from __future__ import annotations

from typing import Any

from bot.slack.ui_ids import Block, Callback, Field
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.forms import ack_of, initial, text_of_view, values
from tests.e2e.test_assign_command import text_of
from tests.unit.slack.block_kit import assert_valid_message, assert_valid_view

ALICE = "UALICE"
NOTIFICATION = {
    "text": "Evaluation ready: <https://app.sgp.scale.com/evaluations/eval_7|eval_7>",
    "blocks": [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Task ids:* t1, t2, t3, t4"},
        }
    ],
    "attachments": [{"fallback": "Evaluation: eval_7"}],
    "ts": "1700000500.000100",
    "user": "UNOTIFIER",
}


def opened(bot: Bot) -> dict[str, Any]:
    [view] = bot.slack.wait_for(lambda: bot.slack.views(), what="views.open")
    assert_valid_view(view)
    return view


def assign_from(bot: Bot, form: dict[str, Any], **filled: Any) -> dict[str, Any]:
    """Submit the form and then its preview; returns the summary post's arguments."""
    answer = ack_of(bot.sender.view_submission(form, values(form, **filled)))
    assert answer["response_action"] == "update", answer
    preview = answer["view"]
    assert ack_of(bot.sender.view_submission(preview, {}, view_id="VPREV"))["view"]
    posts = bot.slack.wait_for(
        lambda: (calls := bot.slack.calls_to("chat.postMessage")) and len(calls) >= 3 and calls
    )
    for post in posts:
        assert_valid_message(post.args["blocks"])
    return dict(posts[0].args)


def test_global_shortcut_opens_the_form(bot: Bot) -> None:
    response = bot.sender.shortcut(Callback.GLOBAL_SHORTCUT)
    assert response.status_code == 200
    view = opened(bot)
    assert view["callback_id"] == Callback.FORM
    assert initial(view, Field.ASSIGNEES) == [LEAD]
    destination = next(b for b in view["blocks"] if b.get("block_id") == Field.DESTINATION)
    assert destination["element"]["default_to_current_conversation"] is True


def test_message_shortcut_prefills_and_replies_in_the_thread(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_7", ["t1", "t2", "t3", "t4"])
    bot.link(ALICE, "user-alice")
    threaded = {**NOTIFICATION, "thread_ts": "1700000400.000001"}
    response, _ = bot.sender.message_action(Callback.MESSAGE_SHORTCUT, threaded)
    assert response.status_code == 200
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == "eval_7"
    assert initial(form, Field.TASK_IDS) == "t1\nt2\nt3\nt4"
    assert initial(form, Field.DESTINATION) == "CCHAN"
    assert "From the message: evaluation `eval_7` and 4 task ids" in text_of_view(form)

    summary = assign_from(bot, form, users=[ALICE])
    assert summary["channel"] == "CCHAN" and summary["thread_ts"] == "1700000400.000001"
    details = [
        c.args for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "CCHAN"
    ]
    assert all(post["thread_ts"] == "1700000400.000001" for post in details)
    [call] = bot.sgp.batch_assign_calls()
    assert call.json == {"task_ids": ["t1", "t2", "t3", "t4"], "assigned_to": "user-alice"}


def test_top_level_message_starts_a_thread_on_itself(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_7", ["t1", "t2", "t3", "t4"])
    bot.link(LEAD, "user-lead")
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, NOTIFICATION)
    summary = assign_from(bot, opened(bot))
    assert summary["thread_ts"] == NOTIFICATION["ts"]


def test_another_channel_gets_a_top_level_summary(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_7", ["t1", "t2", "t3", "t4"])
    bot.link(LEAD, "user-lead")
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, NOTIFICATION)
    summary = assign_from(bot, opened(bot), channel="COTHER")
    assert summary["channel"] == "COTHER" and not summary.get("thread_ts")


def test_many_ids_travel_in_the_draft_not_the_form(bot_factory: Any) -> None:
    bot = bot_factory(ASSIGN_THREAD_CSV_THRESHOLD=10_000)
    ids = [f"t{i:06d}" for i in range(400)]
    bot.sgp.add_tasks("eval_7", ids)
    bot.link(LEAD, "user-lead")
    message = {"text": f"Evaluation: eval_7\nTasks: {', '.join(ids)}", "ts": "1700000600.1"}
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, message)
    form = opened(bot)
    assert initial(form, Field.TASK_IDS) is None
    assert any(b.get("block_id") == Block.FORM_CARRIED for b in form["blocks"])
    assert len(form["private_metadata"]) < 64, "only a Redis key travels in private_metadata"
    answer = ack_of(bot.sender.view_submission(form, values(form, task_ids="extra_1")))
    assert "*Tasks:* 401" in text_of_view(answer["view"])


def test_message_with_nothing_to_read_still_opens_the_form(bot: Bot) -> None:
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, {"text": "lunch?", "ts": "1.2"})
    form = opened(bot)
    assert initial(form, Field.EVALUATION) is None
    assert "found no evaluation or task ids" in text_of_view(form)


def test_a_refused_views_open_is_explained_to_the_person(bot: Bot) -> None:
    bot.slack.fail_next("views.open", "expired_trigger_id")
    _, key = bot.sender.message_action(Callback.MESSAGE_SHORTCUT, NOTIFICATION)
    answer = bot.last_response(key)
    assert "could not open the form (expired_trigger_id)" in text_of(answer)
    assert answer["response_type"] == "ephemeral"


def test_a_refused_views_open_after_the_command_is_explained(bot: Bot) -> None:
    bot.slack.fail_next("views.open", "expired_trigger_id")
    _, key = bot.sender.command("   ")
    seen = text_of(bot.last_response(key))
    assert "could not open the form" in seen and "/assign help" in seen
    assert len(bot.slack.calls_to("views.open")) == 1


# -- notifications as people and other bots write them ------------------------------------------


def test_prose_notification_fills_the_form(bot: Bot) -> None:
    """The issue's case: the shortcut on prose opened an empty form."""
    prose = {
        "text": "New tasks in evaluation eval_Y need annotators: t10, t11, t12.",
        "ts": "1700000700.000100",
    }
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, prose)
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == "eval_Y"
    assert initial(form, Field.TASK_IDS) == "t10\nt11\nt12"


def test_another_bots_attachment_fields_fill_the_form(bot: Bot) -> None:
    alert = {
        "text": ":rotating_light: Annotation backlog",
        "bot_id": "BINCIDENT",
        "attachments": [
            {
                "fallback": "Backlog",
                "fields": [
                    {"title": "Evaluation", "value": "eval_inc", "short": True},
                    {"title": "Severity", "value": "SEV2", "short": True},
                    {"title": "Task ids", "value": "i_1\ni_2"},
                ],
            }
        ],
        "ts": "1700000800.000100",
    }
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, alert)
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == "eval_inc"
    assert initial(form, Field.TASK_IDS) == "i_1\ni_2"


def choose(bot: Bot, question: dict[str, Any], evaluation: str) -> dict[str, Any]:
    """Click `evaluation`'s button in the "which evaluation?" modal; returns the view sent."""
    [chosen] = [
        element
        for block in question["blocks"]
        for element in block.get("elements", [])
        if element.get("type") == "button" and element["value"] == evaluation
    ]
    payload = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "acme"},
        "user": {"id": LEAD, "username": "lead", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trig-choice",
        "container": {"type": "view", "view_id": "VCHOOSE"},
        "view": {**question, "id": "VCHOOSE", "hash": "1700000000.h", "state": {"values": {}}},
        "actions": [{**chosen, "block_id": "b", "action_ts": "1700000000.5"}],
    }
    assert bot.sender.interaction(payload).status_code == 200
    [update] = bot.slack.wait_for(lambda: bot.slack.calls_to("views.update"), what="views.update")
    assert update.args["view_id"] == "VCHOOSE"
    view = dict(update.args["view"])
    assert_valid_view(view)
    return view


def test_several_evaluations_ask_which_then_the_form_opens_with_the_choice(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_b", ["x1", "x2"])
    bot.link(ALICE, "user-alice")
    message = {
        "text": "Evaluations eval_a and eval_b have new work. Task ids: x1, x2",
        "ts": "1700000900.000100",
    }
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, message)
    question = opened(bot)
    assert question.get("callback_id") != Callback.FORM, "no form is filled by guessing"
    assert "names several evaluations (`eval_a`, `eval_b`)" in text_of_view(question)
    assert len(question["private_metadata"]) < 64, "only a Redis key travels in private_metadata"

    form = choose(bot, question, "eval_b")
    assert form["callback_id"] == Callback.FORM
    assert initial(form, Field.EVALUATION) == "eval_b"
    assert initial(form, Field.TASK_IDS) == "x1\nx2"
    assert form["private_metadata"] == question["private_metadata"]

    summary = assign_from(bot, form, users=[ALICE])
    assert summary["channel"] == "CCHAN" and summary["thread_ts"] == message["ts"]
    [call] = bot.sgp.batch_assign_calls()
    assert call.path == "/v4/evaluations/eval_b/tasks/batch-assign"
    assert call.json == {"task_ids": ["x1", "x2"], "assigned_to": "user-alice"}
