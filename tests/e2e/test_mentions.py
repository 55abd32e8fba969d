"""Mentions of the bot end to end: signed Events API callbacks into the running bot, as Slack
sends them (retries included), with the fake Slack and platform behind it."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from bot.fakes.slack_requests import sign
from bot.fakes.slack_server import SlackCall
from bot.slack.ui_ids import Action
from tests.e2e.conftest import ADMIN, LEAD, Bot, summary_detail_dms
from tests.e2e.test_assign_command import button, text_of
from tests.unit.slack.block_kit import assert_valid_message

ALICE = "UALICE"
BOB = "UBOB"
CHANNEL = "CCHAN"
PARENT_TS = "1700000000.000100"
URL = "https://app.sgp.scale.com/evaluations"
NOTIFICATION = {
    "text": f"3 tasks of <{URL}/eval_42|Eval 42> need annotators\nTask ids: t1, t2, t3",
    "bot_id": "BNOTIFIER",
}


def notification_thread(bot: Bot, message: dict[str, Any] | None = None) -> str:
    """A notification in the channel, as the thread's first message; returns its ts."""
    bot.slack.add_message(CHANNEL, PARENT_TS, message or NOTIFICATION)
    return PARENT_TS


def mention(
    bot: Bot, text: str, thread_ts: str | None = None, user: str = LEAD, **extra: Any
) -> tuple[dict[str, Any], str]:
    """Mention the bot; returns the event delivered and its event_id."""
    event = {**bot.sender.mention_event(text, user=user, thread_ts=thread_ts), **extra}
    started = time.monotonic()
    response, event_id = bot.sender.event(event)
    assert response.status_code == 200
    assert time.monotonic() - started < 3.0, "Slack needs its 200 within 3 seconds"
    return event, event_id


def ephemerals(bot: Bot, count: int = 1) -> list[SlackCall]:
    """Wait for `count` ephemeral answers; each is valid Block Kit."""
    calls: list[SlackCall] = bot.slack.wait_for(
        lambda: (
            len(bot.slack.calls_to("chat.postEphemeral")) >= count
            and bot.slack.calls_to("chat.postEphemeral")
        ),
        what=f"{count} chat.postEphemeral call(s)",
    )
    for call in calls:
        assert_valid_message(call.args["blocks"])
        assert call.args["text"]
    return calls


def answer_to(bot: Bot, text: str, thread_ts: str | None = None, user: str = LEAD) -> SlackCall:
    """Mention the bot and return its (only) ephemeral answer."""
    mention(bot, text, thread_ts=thread_ts, user=user)
    [answer] = ephemerals(bot)
    return answer


def posts(bot: Bot, count: int) -> list[SlackCall]:
    calls: list[SlackCall] = bot.slack.wait_for(
        lambda: (
            len(bot.slack.calls_to("chat.postMessage")) >= count
            and bot.slack.calls_to("chat.postMessage")
        ),
        what=f"{count} chat.postMessage call(s)",
    )
    for call in calls:
        assert_valid_message(call.args["blocks"])
    return calls


def confirm(bot: Bot, preview: SlackCall, user: str = LEAD) -> list[dict[str, Any]]:
    """Click the ephemeral preview's Confirm; returns "Assigning..." and the result."""
    token = button(preview.args, Action.CONFIRM)["value"]
    response, key = bot.sender.click(Action.CONFIRM, token, user=user)
    assert response.status_code == 200
    shown = bot.responses(key, count=2)
    for message in shown:
        assert_valid_message(message["blocks"])
    return shown


# -- the thread's evaluation -----------------------------------------------------------------


def test_mention_in_a_notification_thread_assigns_and_reports_in_that_thread(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_42", ["t1", "t2", "t3"])
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot)

    preview = answer_to(bot, f"t1 t2 to <@{ALICE}|alice>", thread_ts=thread)

    [replies] = bot.slack.calls_to("conversations.replies")
    assert replies.args["channel"] == CHANNEL and replies.args["ts"] == thread
    assert replies.args["limit"] == "1" and replies.args["inclusive"] in ("1", "true")
    assert preview.args["channel"] == CHANNEL and preview.args["user"] == LEAD
    assert preview.args["thread_ts"] == thread, "the preview is shown in the thread"
    seen = text_of(preview.args)
    for expected in ("eval_42", "2 tasks", f"<@{ALICE}>", "user-alice", "`t1`", "expires"):
        assert expected in seen
    assert button(preview.args, Action.CONFIRM)["style"] == "primary"
    assert bot.sgp.batch_assign_calls() == [], "nothing is assigned before Confirm"

    assigning, result = confirm(bot, preview)
    assert "Assigning..." in text_of(assigning)
    assert "Assigned 2 of 2 tasks" in text_of(result)
    [call] = bot.sgp.batch_assign_calls()
    assert call.path == "/v4/evaluations/eval_42/tasks/batch-assign"
    assert call.json == {"task_ids": ["t1", "t2"], "assigned_to": "user-alice"}

    summary, detail, [dm] = summary_detail_dms(posts(bot, 3)[:3])
    assert summary.args["channel"] == CHANNEL and summary.args["thread_ts"] == thread
    assert f"<@{LEAD}> assigned 2 of 2 tasks" in text_of(summary.args)
    assert detail.args["channel"] == CHANNEL and detail.args["thread_ts"] == thread
    assert all(f"`{task}` assigned" in text_of(detail.args) for task in ("t1", "t2"))
    assert dm.args["channel"] == ALICE
    bot.settle()
    assert len(bot.slack.calls_to("chat.postEphemeral")) == 1


def test_assign_word_and_several_assignees_call_the_api_per_assignee(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_42", ["t1", "t2", "t3", "t4"])
    bot.link(ALICE, "user-alice")
    bot.link(BOB, "user-bob")
    thread = notification_thread(bot)

    preview = answer_to(bot, f"assign t1 t2 t3 t4 to <@{ALICE}> <@{BOB}>", thread_ts=thread)
    assert "4 tasks" in text_of(preview.args)
    confirm(bot, preview)

    calls = sorted(bot.sgp.batch_assign_calls(), key=lambda c: str(c.json["assigned_to"]))
    assert [c.json for c in calls] == [
        {"task_ids": ["t1", "t2"], "assigned_to": "user-alice"},
        {"task_ids": ["t3", "t4"], "assigned_to": "user-bob"},
    ]
    messages = posts(bot, 4)
    in_thread = [m for m in messages if m.args["channel"] == CHANNEL]
    assert in_thread and all(m.args["thread_ts"] == thread for m in in_thread)
    assert {m.args["channel"] for m in messages} >= {ALICE, BOB}


def test_the_evaluation_may_still_be_named_in_the_thread(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot)
    preview = answer_to(bot, f"<{URL}/eval_7|eval> t1 to <@{ALICE}>", thread_ts=thread)
    assert "eval_7" in text_of(preview.args) and "eval_42" not in text_of(preview.args)


def test_thread_without_an_evaluation_is_a_clear_error(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot, {"text": "Task ids: t1, t2 need annotators"})
    answer = text_of(answer_to(bot, f"t1 t2 to <@{ALICE}>", thread_ts=thread).args)
    assert "lists `t1` as a task but names no evaluation" in answer
    assert "start with `evaluation` and its id" in answer
    assert "button" not in answer, "an error has no Confirm button"
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []


def test_thread_whose_first_message_cannot_be_read_asks_for_the_evaluation(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    answer = text_of(answer_to(bot, f"t1 to <@{ALICE}>", thread_ts="1699999999.000001").args)
    assert "names no evaluation I can read" in answer
    assert "paste the evaluation's link" in answer


def test_without_a_thread_evaluation_a_first_id_is_not_guessed_to_be_one(bot: Bot) -> None:
    """The issue's bug: `t1 t2` under a notification the bot could not place made `t1` the
    evaluation. Now it asks; saying `evaluation ...` answers it."""
    bot.sgp.add_tasks("eval_5", ["t1"])
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot, {"text": "Could someone take these? Thanks!"})
    question = text_of(answer_to(bot, f"eval_5 t1 to <@{ALICE}>", thread_ts=thread).args)
    assert "can't tell which of your ids is the evaluation" in question

    mention(bot, f"evaluation eval_5 t1 to <@{ALICE}>", thread_ts=thread)
    _, preview = ephemerals(bot, count=2)
    assert "eval_5" in text_of(preview.args) and "1 task" in text_of(preview.args)
    confirm(bot, preview)
    [call] = bot.sgp.batch_assign_calls()
    assert call.path == "/v4/evaluations/eval_5/tasks/batch-assign"


def test_prose_notification_names_the_thread_evaluation(bot: Bot) -> None:
    """The issue's case: a prose notification; the mention's ids are all tasks of it."""
    bot.sgp.add_tasks("eval_X", ["t1", "t2"])
    bot.link(ALICE, "user-alice")
    prose = {"text": "Evaluation eval_X is ready for annotation: 12 tasks are waiting."}
    thread = notification_thread(bot, prose)
    preview = answer_to(bot, f"t1 t2 to <@{ALICE}>", thread_ts=thread)
    assert "eval_X" in text_of(preview.args) and "2 tasks" in text_of(preview.args)
    confirm(bot, preview)
    [call] = bot.sgp.batch_assign_calls()
    assert call.path == "/v4/evaluations/eval_X/tasks/batch-assign"
    assert call.json == {"task_ids": ["t1", "t2"], "assigned_to": "user-alice"}


def test_next_in_a_thread_picks_from_the_thread_evaluation(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_42", ["t1", "t2", "t3"])
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot)
    preview = answer_to(bot, f"next 2 to <@{ALICE}>", thread_ts=thread)
    assert "eval_42" in text_of(preview.args) and "2 tasks" in text_of(preview.args)
    confirm(bot, preview)
    [call] = bot.sgp.batch_assign_calls()
    assert call.path == "/v4/evaluations/eval_42/tasks/batch-assign"
    assert len(call.json["task_ids"]) == 2


def test_a_labelled_evaluation_in_the_mention_wins_over_the_thread(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot)
    preview = answer_to(bot, f"evaluation eval_7 t1 to <@{ALICE}>", thread_ts=thread)
    assert "eval_7" in text_of(preview.args) and "eval_42" not in text_of(preview.args)


def test_thread_naming_several_evaluations_asks_which_with_buttons(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_2", ["t1"])
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot, {"text": "Evaluation: eval_1\nEvaluation: eval_2\nTasks: t1"})
    question = answer_to(bot, f"t1 to <@{ALICE}>", thread_ts=thread)
    assert "several evaluations (`eval_1`, `eval_2`)" in text_of(question.args)
    choices = [
        element
        for block in question.args["blocks"]
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]
    assert [c["text"]["text"] for c in choices] == ["eval_1", "eval_2"]
    assert bot.sgp.batch_assign_calls() == [], "nothing is guessed"

    response, key = bot.sender.click(choices[1]["action_id"], choices[1]["value"])
    assert response.status_code == 200
    [preview] = bot.responses(key)
    assert_valid_message(preview["blocks"])
    assert preview["replace_original"] is True, "the preview replaces the question"
    assert "eval_2" in text_of(preview) and "eval_1" not in text_of(preview)
    token = button(preview, Action.CONFIRM)["value"]
    bot.sender.click(Action.CONFIRM, token)
    bot.slack.wait_for(lambda: bot.sgp.batch_assign_calls(), what="the batch-assign call")
    [call] = bot.sgp.batch_assign_calls()
    assert call.path == "/v4/evaluations/eval_2/tasks/batch-assign"
    summary = posts(bot, 1)[0]
    assert summary.args["thread_ts"] == thread, "the summary goes into the mention's thread"


def test_thread_naming_several_evaluations_takes_one_typed_first(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot, {"text": "Evaluation: eval_1\nEvaluation: eval_2\nTasks: t1"})
    preview = answer_to(bot, f"eval_2 t1 to <@{ALICE}>", thread_ts=thread)
    assert "eval_2" in text_of(preview.args)
    assert button(preview.args, Action.CONFIRM)


# -- outside a thread --------------------------------------------------------------------------


def test_mention_outside_a_thread_with_a_full_command(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_123", ["t1"])
    bot.link(ALICE, "user-alice")
    event, _ = mention(bot, f"eval_123 t1 to <@{ALICE}|alice>")
    [preview] = ephemerals(bot)
    assert "thread_ts" not in preview.args, "the preview shows in the channel itself"
    assert bot.slack.calls_to("conversations.replies") == []

    confirm(bot, preview)
    summary, detail, _ = summary_detail_dms(posts(bot, 3)[:3])
    assert summary.args["thread_ts"] == event["ts"], "the summary answers the mention"
    assert detail.args["thread_ts"] == event["ts"]


# -- errors and other commands -----------------------------------------------------------------


def test_validation_errors_are_shown_only_to_the_requester_in_the_thread(bot: Bot) -> None:
    thread = notification_thread(bot)
    cases = {
        "t1 t2": "Who should get these tasks?",
        f"t1 to <@{BOB}|bob>": f"<@{BOB}> has no linked platform account",
        "t1 t&lt;2 to me": "`t&lt;2`",
        "frobnicate": "frobnicate",
    }
    for count, (text, expected) in enumerate(cases.items(), start=1):
        mention(bot, text, thread_ts=thread)
        answer = ephemerals(bot, count)[-1]
        assert answer.args["user"] == LEAD and answer.args["thread_ts"] == thread
        assert expected in text_of(answer.args), (text, text_of(answer.args))
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []
    assert bot.slack.calls_to("chat.postMessage") == []


def test_help_whoami_and_link_by_mention(bot: Bot) -> None:
    thread = notification_thread(bot)
    assert "/assign link" in text_of(answer_to(bot, "help", thread_ts=thread).args)

    mention(bot, f"link <@{ALICE}|alice> user-alice", user=ADMIN)
    assert "Linked <@UALICE>" in text_of(ephemerals(bot, 2)[-1].args)

    mention(bot, "whoami", thread_ts=thread, user=ALICE)
    whoami = ephemerals(bot, 3)[-1]
    assert whoami.args["user"] == ALICE and "`user-alice`" in text_of(whoami.args)


def test_a_bare_mention_shows_help(bot: Bot) -> None:
    assert "/assign link" in text_of(answer_to(bot, "").args)


# -- deliveries ------------------------------------------------------------------------------


def test_retried_deliveries_give_one_preview(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot)
    event = bot.sender.mention_event(f"t1 to <@{ALICE}>", thread_ts=thread)
    first, event_id = bot.sender.event(event)
    retries = [
        bot.sender.event(event, event_id=event_id, retry_num=n, retry_reason="http_timeout")[0]
        for n in (1, 2, 3)
    ]
    assert [r.status_code for r in (first, *retries)] == [200, 200, 200, 200]
    ephemerals(bot)
    bot.settle()
    assert len(bot.slack.calls_to("chat.postEphemeral")) == 1
    assert len(bot.slack.calls_to("conversations.replies")) == 1


def test_parallel_duplicate_deliveries_give_one_preview(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    thread = notification_thread(bot)
    event = bot.sender.mention_event(f"t1 to <@{ALICE}>", thread_ts=thread)
    statuses: list[int] = []
    start = threading.Barrier(5)

    def deliver(retry: int) -> None:
        start.wait()
        response, _ = bot.sender.event(event, event_id="EvSAME", retry_num=retry or None)
        statuses.append(response.status_code)

    workers = [threading.Thread(target=deliver, args=(n,)) for n in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert statuses == [200] * 5
    ephemerals(bot)
    bot.settle()
    assert len(bot.slack.calls_to("chat.postEphemeral")) == 1


def test_a_new_mention_with_the_same_text_is_answered_again(bot: Bot) -> None:
    thread = notification_thread(bot)
    mention(bot, "help", thread_ts=thread)
    mention(bot, "help", thread_ts=thread)
    ephemerals(bot, count=2)


def test_edits_and_bot_messages_are_ignored(bot: Bot) -> None:
    thread = notification_thread(bot)
    mention(bot, "help", thread_ts=thread, edited={"user": LEAD, "ts": "1.2"})
    mention(bot, "help", thread_ts=thread, bot_id="BOTHER")
    mention(bot, "help", thread_ts=thread, subtype="bot_message")
    bot.settle()
    assert bot.slack.calls_to("chat.postEphemeral") == []


def test_a_reply_also_sent_to_the_channel_is_answered(bot: Bot) -> None:
    thread = notification_thread(bot)
    mention(bot, "help", thread_ts=thread, subtype="thread_broadcast")
    [answer] = ephemerals(bot)
    assert answer.args["thread_ts"] == thread


def test_url_verification_still_answers_the_challenge(bot: Bot) -> None:
    response = bot.sender.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert response.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


def test_unsigned_events_are_rejected_with_no_effect(bot: Bot) -> None:
    event = bot.sender.mention_event("help")
    body = httpx.Request("POST", "/", json={"type": "event_callback", "event": event}).content
    forged = {**sign("not-the-secret", body.decode()), "Content-Type": "application/json"}
    assert bot.sender.post(body.decode(), headers=forged).status_code == 401
    bot.settle()
    assert bot.slack.calls_to("chat.postEphemeral") == []
