"""The modal form end to end: `/assign` with no text, view_submission acks, the preview, the run."""

from __future__ import annotations

import time
from typing import Any

from bot.slack.ui_ids import Callback, Field
from tests.e2e.conftest import ADMIN, LEAD, Bot, summary_detail_dms
from tests.e2e.forms import ack_of, text_of_view, values
from tests.e2e.test_assign_command import text_of
from tests.unit.slack.block_kit import assert_valid_message, assert_valid_view

ALICE = "UALICE"
BOB = "UBOB"


def open_form(bot: Bot, channel: str = "CCHAN") -> dict[str, Any]:
    opened = len(bot.slack.views())
    response, _key = bot.sender.command("", channel=channel)
    assert response.status_code == 200
    views = bot.slack.wait_for(
        lambda: len(bot.slack.views()) > opened and bot.slack.views(), what="views.open"
    )
    view: dict[str, Any] = views[-1]
    assert_valid_view(view)
    return view


def submit(bot: Bot, view: dict[str, Any], **filled: Any) -> dict[str, Any]:
    """Submit the form; returns the ack (timed: it must beat Slack's 3 seconds)."""
    started = time.monotonic()
    answer = ack_of(bot.sender.view_submission(view, values(view, **filled)))
    assert time.monotonic() - started < 3.0
    if answer.get("response_action") == "update":
        assert_valid_view(answer["view"])
    return answer


def preview(bot: Bot, **filled: Any) -> dict[str, Any]:
    answer = submit(bot, open_form(bot), **filled)
    assert answer["response_action"] == "update", answer
    view: dict[str, Any] = answer["view"]
    assert view["callback_id"] == Callback.FORM_PREVIEW
    return view


def run(bot: Bot, preview_view: dict[str, Any], user: str = LEAD) -> dict[str, Any]:
    """Press Assign on the preview; returns the ack's view ("Assigning..." or a refusal)."""
    answer = ack_of(bot.sender.view_submission(preview_view, {}, user=user, view_id="VPREV"))
    assert answer["response_action"] == "update"
    assert_valid_view(answer["view"])
    return dict(answer["view"])


def result(bot: Bot) -> dict[str, Any]:
    [update] = bot.slack.wait_for(lambda: bot.slack.calls_to("views.update"), what="the result")
    assert update.args["view_id"] == "VPREV"
    assert_valid_view(update.args["view"])
    return dict(update.args["view"])


def test_blank_command_opens_the_form_at_once(bot: Bot) -> None:
    started = time.monotonic()
    view = open_form(bot)
    assert time.monotonic() - started < 3.0
    [call] = bot.slack.calls_to("views.open")
    assert call.args["trigger_id"].startswith("trig")
    assert view["callback_id"] == Callback.FORM
    assert bot.slack.posts_to("cmd1") == [], "the form is the answer, no message"

    async def draft_exists(store: Any) -> bool:
        return await store.drafts.get(view["private_metadata"]) is not None

    assert bot.slack.wait_for(lambda: bot.in_store(draft_exists)), "only a Redis key travels"


def test_help_is_still_help(bot: Bot) -> None:
    _, key = bot.sender.command("help")
    assert "/assign link" in text_of(bot.last_response(key))
    assert bot.slack.calls_to("views.open") == []


def test_every_wrong_input_gets_its_own_error(bot: Bot) -> None:
    view = open_form(bot)
    answer = submit(bot, view, evaluation="eval 1", task_ids="t1 t<2, t3!", users=[], note="")
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {Field.EVALUATION, Field.TASK_IDS, Field.ASSIGNEES}
    assert "is not an evaluation id or link" in errors[Field.EVALUATION]
    assert "\u201ct<2\u201d, \u201ct3!\u201d are not valid task ids" in errors[Field.TASK_IDS]
    assert "Pick at least one person" in errors[Field.ASSIGNEES]
    assert "x" * 501 not in str(submit(bot, view, note="x" * 501)["errors"][Field.NOTE])


def test_no_ids_and_too_many(bot_factory: Any) -> None:
    bot = bot_factory(ASSIGN_MAX_TASK_IDS=3)
    view = open_form(bot)
    none = submit(bot, view, evaluation="eval_1", task_ids="")
    assert none["errors"] == {
        Field.TASK_IDS: "Enter task ids, or attach a .txt or .csv file of them."
    }
    many = submit(bot, view, evaluation="eval_1", task_ids="a b c d")
    assert "4 task ids is more than the 3" in many["errors"][Field.TASK_IDS]


def test_unlinked_assignee_is_named_with_who_can_link(bot: Bot) -> None:
    bot.slack.user_names.update({BOB: "bob", ADMIN: "the.admin"})
    bot.link(LEAD, "user-lead")
    answer = submit(bot, open_form(bot), evaluation="eval_1", task_ids="t1", users=[LEAD, BOB])
    message = answer["errors"][Field.ASSIGNEES]
    assert message.startswith("@bob has no linked platform account")
    assert "@the.admin" in message and "/assign link @user <platform-user-id>" in message
    assert "<@" not in message, "input errors are plain text: mentions would not render"


def test_csv_file_gives_the_ids(bot: Bot) -> None:
    bot.link(LEAD, "user-lead")
    file = bot.slack.add_file("ids.csv", b"status,task_id\nPENDING,t7\nPENDING,t8\n")
    shown = text_of_view(preview(bot, evaluation="eval_1", task_ids="t6 t7", files=[file]))
    assert "*Tasks:* 3" in shown and "1 duplicate id" in shown
    assert bot.slack.downloads == [file["id"]]


def test_bad_file_is_an_error_on_the_file_input(bot: Bot) -> None:
    bad = bot.slack.add_file("ids.txt", b"t1\nnot an id!\n")
    answer = submit(bot, open_form(bot), evaluation="eval_1", task_ids="", files=[bad])
    assert answer["errors"] == {
        Field.FILE: 'In the file, \u201cid!\u201d is not a valid task id: it contains "!", '
        'and ids use only letters, digits and "_ - . :".'
    }
    binary = bot.slack.add_file("ids.csv", b"\x00\x01\x02\xff")
    answer = submit(bot, open_form(bot), evaluation="eval_1", files=[binary])
    assert "not UTF-8 text" in answer["errors"][Field.FILE]


def test_slow_file_still_answers_within_three_seconds(bot: Bot) -> None:
    bot.slack.file_delay = 5
    slow = bot.slack.add_file("ids.txt", b"t1\n")
    answer = submit(bot, open_form(bot), evaluation="eval_1", files=[slow])
    assert answer["errors"] == {
        Field.FILE: "I could not read the file in time: try again, or paste the ids."
    }


def test_file_refused_by_slack_is_explained(bot: Bot) -> None:
    gone = bot.slack.add_file("ids.txt", b"t1\n")
    bot.slack.files.clear()  # Slack answers with its sign-in page
    answer = submit(bot, open_form(bot), evaluation="eval_1", files=[gone])
    assert "could not download the file" in answer["errors"][Field.FILE]


def test_preview_then_assign_splits_between_assignees_and_reports(bot: Bot) -> None:
    ids = [f"t{i}" for i in range(1, 6)]
    bot.sgp.add_tasks("eval_1", ids)
    bot.link(ALICE, "user-alice")
    bot.link(BOB, "user-bob")
    shown = preview(
        bot,
        evaluation="https://app.sgp.scale.com/evaluations/eval_1",
        task_ids="t1, t2 t3\nt4 t5 t1",
        users=[ALICE, BOB],
        channel="CDEST",
        note="Please finish by Friday <!channel> & thanks",
    )
    seen = text_of_view(shown)
    for expected in ("`eval_1`", "*Tasks:* 5", "1 duplicate id", "<#CDEST>"):
        assert expected in seen
    assert f"<@{ALICE}> (platform user `user-alice`) gets 3 tasks: `t1`, `t2`, `t3`" in seen
    assert f"<@{BOB}> (platform user `user-bob`) gets 2 tasks: `t4`, `t5`" in seen
    assert "&lt;!channel&gt; &amp; thanks" in seen
    assert bot.sgp.batch_assign_calls() == [], "nothing is assigned before the preview's submit"

    assert "Assigning..." in text_of_view(run(bot, shown))
    assert "Assigned 5 of 5 tasks" in text_of_view(result(bot))
    calls = [(c.json["assigned_to"], c.json["task_ids"]) for c in bot.sgp.batch_assign_calls()]
    assert calls == [("user-alice", ["t1", "t2", "t3"]), ("user-bob", ["t4", "t5"])]

    posts = bot.slack.wait_for(
        lambda: (
            len(bot.slack.calls_to("chat.postMessage")) >= 4
            and bot.slack.calls_to("chat.postMessage")
        )
    )
    first, then, dms = summary_detail_dms(posts)
    summary, detail, (dm_alice, dm_bob) = first.args, then.args, [dm.args for dm in dms]
    assert summary["channel"] == "CDEST" and not summary.get("thread_ts")
    assert detail["channel"] == "CDEST" and detail["thread_ts"]
    summary_text = text_of(summary)
    assert "Note from <@ULEAD>" in summary_text and "&lt;!channel&gt;" in summary_text
    assert "<!channel>" not in summary_text
    assert (dm_alice["channel"], dm_bob["channel"]) == (ALICE, BOB)
    assert "assigned you 3 tasks" in text_of(dm_alice) and "assigned you 2 tasks" in text_of(dm_bob)
    assert "Please finish by Friday" in text_of(dm_alice)
    for post in posts:
        assert_valid_message(post.args["blocks"])


def test_preview_runs_once_and_only_for_its_requester(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_1", ["t1"])
    bot.link(LEAD, "user-lead")
    shown = preview(bot, evaluation="eval_1", task_ids="t1")
    refused = run(bot, shown, user=BOB)
    assert f"Only <@{LEAD}>" in text_of_view(refused)
    run(bot, shown)
    again = run(bot, shown)
    assert "already confirmed" in text_of_view(again)
    result(bot)
    assert len(bot.sgp.batch_assign_calls()) == 1


def test_expired_preview_says_so(bot: Bot) -> None:
    bot.link(LEAD, "user-lead")
    shown = preview(bot, evaluation="eval_1", task_ids="t1")

    async def expire(store: Any) -> int:
        return int(await store.redis.delete(store.confirmations.key(shown["private_metadata"])))

    assert bot.in_store(expire) == 1
    assert "expired" in text_of_view(run(bot, shown))
    assert bot.sgp.batch_assign_calls() == []


def test_nothing_assigned_stays_out_of_the_channel(bot: Bot) -> None:
    bot.link(LEAD, "user-lead")
    shown = preview(bot, evaluation="eval_nope", task_ids="t1")
    run(bot, shown)
    assert "Nothing was assigned" in text_of_view(result(bot))
    assert bot.slack.calls_to("chat.postMessage") == []


def test_form_opened_in_a_dm_needs_a_channel_picked(bot: Bot) -> None:
    view = open_form(bot, channel="DLEAD")
    answer = submit(bot, view, evaluation="eval_1", task_ids="t1", channel="")
    assert answer["errors"] == {Field.DESTINATION: "Pick the channel for the summary."}


def test_odd_submissions_get_errors_not_a_crash(bot: Bot) -> None:
    view = open_form(bot)
    odd_states: list[Any] = [
        "junk",
        {Field.ASSIGNEES: {Field.ASSIGNEES: {"selected_users": "ULEAD"}}},
        {Field.FILE: {Field.FILE: {"files": ["not a file"]}}, Field.EVALUATION: []},
    ]
    for state in odd_states:
        answer = ack_of(bot.sender.view_submission(view, state))
        assert answer["response_action"] == "errors", answer
        assert Field.EVALUATION in answer["errors"]
    assert bot.sgp.requests == []


def test_store_down_still_opens_the_form_and_answers_in_time(bot_factory: Any) -> None:
    from redis.asyncio import Redis

    from bot.store.connection import Store
    from tests.fakes.server import free_port

    down = Redis(port=free_port(), decode_responses=True, socket_connect_timeout=1)
    bot = bot_factory(store=Store(down, prefix="down:"))
    view = open_form(bot)
    answer = submit(bot, view, evaluation="eval_1", task_ids="t1")
    assert answer["response_action"] == "errors"
    [message] = answer["errors"].values()
    assert "store is unavailable" in message or "did not answer in time" in message
    assert bot.sgp.requests == []


def test_access_refusals_land_on_the_right_input(bot_factory: Any) -> None:
    bot = bot_factory(ASSIGN_ALLOWED_CHANNELS="CCHAN", ASSIGN_ALLOWED_USERS=ALICE)
    bot.link(LEAD, "user-lead")
    view = open_form(bot)
    elsewhere = submit(bot, view, evaluation="eval_1", task_ids="t1", channel="COTHER")
    assert list(elsewhere["errors"]) == [Field.DESTINATION]
    assert "#CCHAN" in elsewhere["errors"][Field.DESTINATION]
    not_allowed = submit(bot, view, evaluation="eval_1", task_ids="t1")
    assert list(not_allowed["errors"]) == [Field.EVALUATION]
    assert "<@" not in str(not_allowed["errors"])
    assert bot.sgp.requests == []
