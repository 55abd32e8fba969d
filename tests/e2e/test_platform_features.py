"""Knowing the platform end to end: matching by email, `next`/`unassigned`, warnings, Undo."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.outcome import summarize
from bot.core.tasks import AssignedTask, ChunkResult
from bot.core.undo import Snapshot, UndoEntry
from bot.slack import blocks
from bot.slack.ui_ids import Action, Block, Callback
from tests.e2e.conftest import ADMIN, LEAD, Bot
from tests.e2e.test_assign_command import button, confirm, preview_for, text_of
from tests.e2e.test_modal import open_form, submit
from tests.unit.factories import confirmation as make_confirmation

ALICE = "UALICE"
EVAL = "eval_123"


def with_alice_by_email(bot: Bot) -> None:
    bot.slack.user_emails[ALICE] = "Alice@Example.COM"
    bot.sgp.add_org_users(
        {"id": "user-alice", "email": "alice@example.com"},
        {"id": "user-other", "email": "other@example.com"},
    )


def test_next_with_an_email_match_assigns_exactly_the_previewed_tasks(bot: Bot) -> None:
    with_alice_by_email(bot)
    bot.sgp.page_cap = 2  # the listing takes several pages
    bot.sgp.add_tasks(EVAL, ["t1"], status="COMPLETED")
    bot.sgp.add_tasks(EVAL, ["t2"], assigned_to="user-other")
    bot.sgp.add_tasks(EVAL, ["t3", "t4", "t5", "t6"], priority=0)
    bot.sgp.add_tasks(EVAL, ["t7"], priority=5)

    preview, token = preview_for(bot, f"{EVAL} next 3 to <@{ALICE}|alice>")

    seen = text_of(preview)
    assert "the next 3 pending, unassigned tasks" in seen
    assert "matched by email" in seen and "user-alice" in seen
    for picked in ("`t7`", "`t3`", "`t4`"):
        assert picked in seen
    assert "`t5`" not in seen
    assert bot.sgp.batch_assign_calls() == []
    assert [c.args["user"] for c in bot.slack.calls_to("users.info")] == [ALICE]

    # A more urgent task appears before Confirm: the confirmation still runs what was shown.
    bot.sgp.add_tasks(EVAL, ["t_urgent"], priority=99)
    confirm(bot, token)
    [call] = bot.slack.wait_for(lambda: bot.sgp.batch_assign_calls(), what="batch-assign")
    assert call.json == {"task_ids": ["t7", "t3", "t4"], "assigned_to": "user-alice"}


def test_unassigned_splits_every_pending_unassigned_task(bot: Bot) -> None:
    bot.link(ALICE, "user-alice")
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3"], priority=0)
    bot.sgp.add_tasks(EVAL, ["t4"], assigned_to="user-x")

    preview, _ = preview_for(bot, f"{EVAL} unassigned to <@{ALICE}|alice> sgp:user-bob")

    seen = text_of(preview)
    assert "every pending, unassigned task" in seen and "3 tasks" in seen
    assert "gets 2 tasks: `t1`, `t2`" in seen and "gets 1 task: `t3`" in seen
    assert "matched by email" not in seen


def test_nothing_to_pick_is_said_plainly(bot: Bot) -> None:
    bot.sgp.add_tasks(EVAL, ["t1"], status="COMPLETED")
    _, key = bot.sender.command(f"{EVAL} next 5 to sgp:user-x")
    said = text_of(bot.last_response(key))
    assert "has no pending task that nobody has" in said and "`next 5`" in said


def test_an_unknown_email_is_the_usual_unlinked_error(bot: Bot) -> None:
    with_alice_by_email(bot)
    bot.slack.user_emails[ALICE] = "someone-else@example.com"
    bot.sgp.add_tasks(EVAL, ["t1"])
    _, key = bot.sender.command(f"{EVAL} t1 to <@{ALICE}|alice>")
    assert "has no linked platform account" in text_of(bot.last_response(key))


def test_the_preview_warns_about_completed_and_assigned_tasks(bot: Bot) -> None:
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3"])
    bot.sgp.add_tasks(EVAL, ["t4", "t5"], assigned_to="user-y")
    bot.sgp.add_tasks(EVAL, ["t6"], status="COMPLETED")

    preview, token = preview_for(bot, f"{EVAL} t1 t2 t3 t4 t5 t6 to sgp:user-x")

    seen = text_of(preview)
    assert "2 of these are already assigned to someone else; 1 is completed" in seen
    assert button(preview, Action.CONFIRM)["value"] == token


def test_a_modal_can_pick_the_next_tasks(bot: Bot) -> None:
    bot.link(LEAD, "user-lead")
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3"], priority=0)

    answer = submit(bot, open_form(bot), evaluation=EVAL, pick="next", count="2")

    assert answer["response_action"] == "update", answer
    view = answer["view"]
    assert view["callback_id"] == Callback.FORM_PREVIEW
    seen = text_of(view)
    assert "the next 2 pending, unassigned tasks" in seen and "`t1`, `t2`" in seen


def test_a_modal_refuses_ids_and_a_pick_together(bot: Bot) -> None:
    answer = submit(bot, open_form(bot), evaluation=EVAL, task_ids="t1", pick="unassigned")
    assert answer["response_action"] == "errors"
    assert "not both" in answer["errors"]["assign_form_pick"]


# --- Undo -------------------------------------------------------------------------------------


def seed_assigned(bot: Bot) -> str:
    """Tasks as an assignment to user-new left them, and the snapshot taken before it."""
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3", "t4"], assigned_to="user-new")
    snapshot = Snapshot(
        team_id="T1",
        requester_id=LEAD,
        evaluation_id=EVAL,
        created_at=datetime.now(UTC),
        entries=(
            UndoEntry(task_id="t1", assigned_to="user-new", previous="user-ann"),
            UndoEntry(task_id="t2", assigned_to="user-new", previous="user-bob"),
            UndoEntry(task_id="t3", assigned_to="user-new", previous="user-ann"),
            UndoEntry(task_id="t4", assigned_to="user-new", previous=None),
        ),
    )
    return bot.in_store(lambda store: store.undo.put(snapshot))


def summary_message(undo_id: str, ts: str = "1700000000.000100") -> dict[str, Any]:
    ids = ["t1", "t2", "t3", "t4"]
    request = make_confirmation(("user-new", None, ids))
    tasks = tuple(
        AssignedTask.model_validate(
            {
                "id": i,
                "task_type": "EVALUATION_ANNOTATION",
                "task_entity_parent_id": EVAL,
                "task_entity_id": f"tcr_{i}",
                "account_id": "acct",
                "status": "PENDING",
                "priority": 0,
                "assigned_to": "user-new",
            }
        )
        for i in ids
    )
    summary = summarize(request, [[ChunkResult(tuple(ids), tasks=tasks)]])
    return {
        "type": "message",
        "ts": ts,
        "text": blocks.summary_text(summary),
        "blocks": blocks.summary_blocks(summary, undo_id=undo_id),
    }


def click_undo(bot: Bot, message: dict[str, Any], user: str = LEAD) -> str:
    key = f"undo-{user}-{len(bot.slack.response_posts)}"
    undo = button(message, Action.UNDO)
    payload = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": "CCHAN",
            "is_ephemeral": False,
        },
        "trigger_id": "trig-undo",
        "channel": {"id": "CCHAN", "name": "evals"},
        "message": message,
        "response_url": bot.slack.response_url(key),
        "actions": [
            {
                "action_id": Action.UNDO.value,
                "block_id": Block.SUMMARY_UNDO.value,
                "type": "button",
                "value": undo["value"],
                "action_ts": "1700000000.9",
            }
        ],
    }
    assert bot.sender.interaction(payload).status_code == 200
    return key


def test_undo_puts_each_task_back_and_reports_in_the_thread(bot: Bot) -> None:
    message = summary_message(seed_assigned(bot))

    click_undo(bot, message)

    report = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.args.get("thread_ts")],
        what="the undo report",
    )[-1]
    assert report.args["channel"] == "CCHAN" and report.args["thread_ts"] == message["ts"]
    said = text_of(report.args)
    assert "3 of 3 tasks went back" in said and "cannot be unassigned by this API" in said
    assert "`t4`" in said
    calls = sorted(
        (c.json["assigned_to"], c.json["task_ids"]) for c in bot.sgp.batch_assign_calls()
    )
    assert calls == [("user-ann", ["t1", "t3"]), ("user-bob", ["t2"])]
    assert bot.sgp.task(EVAL, "t1")["assigned_to"] == "user-ann"  # type: ignore[index]
    assert bot.sgp.task(EVAL, "t4")["assigned_to"] == "user-new"  # type: ignore[index]

    updates = bot.slack.wait_for(
        lambda: len(bot.slack.calls_to("chat.update")) >= 2 and bot.slack.calls_to("chat.update")
    )
    final = updates[-1].args
    assert final["ts"] == message["ts"]
    assert not [b for b in final["blocks"] if b.get("type") == "actions"], "pressed once"
    assert f"<@{LEAD}> undid this assignment" in text_of(final)


def test_an_undo_shows_in_the_history_with_who_undid_it(bot: Bot) -> None:
    click_undo(bot, summary_message(seed_assigned(bot)), user=ADMIN)
    bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.args.get("thread_ts")],
        what="the undo report",
    )

    response, key = bot.sender.command("history", user=ADMIN)

    assert response.status_code == 200
    history = text_of(bot.slack.wait_for(lambda: bot.slack.posts_to(key), what="the history")[0])
    assert f"<@{ADMIN}> undid an assignment of `{EVAL}`: 3 of 3 tasks went back to" in history
    assert "platform user `user-ann`" in history and "platform user `user-bob`" in history


def test_undo_is_refused_to_others_and_runs_once(bot: Bot) -> None:
    message = summary_message(seed_assigned(bot))

    refused = click_undo(bot, message, user="USOMEONE")
    said = text_of(bot.last_response(refused))
    assert f"Only <@{LEAD}>, who made this request, or an admin can undo it" in said
    assert bot.sgp.batch_assign_calls() == []

    click_undo(bot, message, user=ADMIN)
    bot.slack.wait_for(lambda: len(bot.sgp.batch_assign_calls()) == 2, what="the undo")
    again = click_undo(bot, message, user=LEAD)
    assert "already undone" in text_of(bot.last_response(again))
    assert len(bot.sgp.batch_assign_calls()) == 2


def test_an_expired_undo_says_so(bot: Bot) -> None:
    message = summary_message("never-issued-snapshot-0123")
    key = click_undo(bot, message)
    assert "no longer available" in text_of(bot.last_response(key))


def test_confirm_then_undo_through_the_normal_flow(bot: Bot) -> None:
    bot.sgp.add_tasks(EVAL, ["t1", "t2"], assigned_to="user-ann")
    bot.sgp.add_tasks(EVAL, ["t3"])
    _, token = preview_for(bot, f"{EVAL} t1 t2 t3 to sgp:user-new")
    confirm(bot, token)
    bot.slack.wait_for(lambda: bot.slack.calls_to("chat.getPermalink"), what="the summary")
    summary_ts = bot.slack.calls_to("chat.getPermalink")[0].args["message_ts"]
    [summary] = [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if c.args["channel"] == "CCHAN" and not c.args.get("thread_ts")
    ]
    message = {"type": "message", "ts": summary_ts, **summary.args}

    click_undo(bot, message)

    bot.slack.wait_for(lambda: len(bot.sgp.batch_assign_calls()) == 2, what="the undo")
    undo_call = bot.sgp.batch_assign_calls()[-1]
    assert undo_call.json == {"task_ids": ["t1", "t2"], "assigned_to": "user-ann"}
