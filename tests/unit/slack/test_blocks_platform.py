"""Block Kit of the platform-aware parts: picked tasks, warnings, email matches, Undo."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.core.confirmation import Assignee, Share
from bot.core.outcome import judge, summarize
from bot.core.query import UNCHECKED, NextTasks, TaskChecks, UnassignedTasks
from bot.core.undo import Snapshot, UndoEntry, UndoResult, plan_undo
from bot.sgp.models import ChunkResult
from bot.slack import blocks, modals
from bot.slack.ui_ids import Action, Block
from tests.unit.factories import confirmation, task
from tests.unit.slack.block_kit import assert_valid_message, assert_valid_view


def dump(built: object) -> str:
    return json.dumps(built)


def test_preview_names_the_query_and_how_many_it_found() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2"])).model_copy(
        update={"query": NextTasks(count=5), "checks": TaskChecks()}
    )
    built = blocks.preview_blocks(request, "tok")
    assert_valid_message(built)
    text = dump(built)
    assert "the next 5 pending, unassigned tasks (only 2 found)" in text
    assert ":warning:" not in text and "could not" not in text

    every = request.model_copy(update={"query": UnassignedTasks()})
    assert "every pending, unassigned task" in dump(blocks.preview_body(every))


def test_preview_warns_about_completed_and_already_assigned_tasks() -> None:
    checks = TaskChecks(
        completed=3,
        completed_ids=("c1", "c2", "c3"),
        assigned_elsewhere=12,
        assigned_elsewhere_ids=tuple(f"a{i}" for i in range(12)),
    )
    request = confirmation(("user-a", "UA", [f"t{i}" for i in range(40)])).model_copy(
        update={"checks": checks}
    )
    built = blocks.preview_blocks(request, "tok")
    assert_valid_message(built)
    text = dump(built)
    assert "12 of these are already assigned to someone else; 3 are completed" in text
    assert "`a9` and 2 more" in text and "`c3`" in text
    view = modals.preview_view(request, "tok")
    assert_valid_view(view)
    assert "12 of these are already assigned" in dump(view)


def test_preview_says_when_it_could_not_check() -> None:
    request = confirmation(("user-a", "UA", ["t1"])).model_copy(update={"checks": UNCHECKED})
    built = blocks.preview_blocks(request, "tok")
    assert_valid_message(built)
    assert "could not read the evaluation's task list" in dump(built)
    unasked = confirmation(("user-a", "UA", ["t1"]))  # checks None: an older confirmation
    assert "task list" not in dump(blocks.preview_blocks(unasked, "tok"))


def test_preview_says_who_was_matched_by_email() -> None:
    request = confirmation(("user-a", "UA", ["t1"]), ("user-b", "UB", ["t2"]))
    shares = (
        request.shares[0],
        Share(
            assignee=Assignee(platform_user_id="user-b", slack_user_id="UB", matched_by_email=True),
            task_ids=("t2",),
        ),
    )
    built = blocks.preview_blocks(request.model_copy(update={"shares": shares}), "tok")
    assert_valid_message(built)
    lines = [b["text"]["text"] for b in built if b["type"] == "section"]
    [alice] = [line for line in lines if "<@UA>" in line]
    [bob] = [line for line in lines if "<@UB>" in line]
    assert "matched by email" not in alice and "matched by email" in bob


def summary_of(ids: list[str]):  # type: ignore[no-untyped-def]
    request = confirmation(("user-a", "UA", ids))
    return summarize(request, [[ChunkResult(tuple(ids), tasks=tuple(task(i) for i in ids))]])


def test_summary_carries_an_undo_button_in_its_own_block() -> None:
    built = blocks.summary_blocks(summary_of(["t1"]), undo_id="undo-id-123456789012345")
    assert_valid_message(built)
    [actions] = [b for b in built if b["type"] == "actions"]
    assert actions["block_id"] == Block.SUMMARY_UNDO
    [undo] = actions["elements"]
    assert (undo["action_id"], undo["value"]) == (Action.UNDO, "undo-id-123456789012345")
    assert undo["confirm"]["confirm"]["text"] == "Undo"
    assert "24 hours" in dump(built)
    assert not [b for b in blocks.summary_blocks(summary_of(["t1"])) if b["type"] == "actions"]


def test_without_undo_keeps_the_summary_and_replaces_the_button() -> None:
    built = blocks.summary_blocks(summary_of(["t1"]), undo_id="undo-id-123456789012345")
    updated = blocks.without_undo(built, "Undone by <@U1>.")
    assert_valid_message(updated)
    assert not [b for b in updated if b["type"] == "actions"]
    assert "24 hours" not in dump(updated)
    assert updated[-1]["elements"][0]["text"] == "Undone by <@U1>."
    assert updated[:-1] == [b for b in built if b["type"] != "actions"][:-1]
    assert blocks.without_undo(None, "note") == [blocks.context("note")]


def test_undo_report_names_who_got_what_back_and_what_could_not() -> None:
    entries = (
        UndoEntry(task_id="t1", assigned_to="new", previous="user-a"),
        UndoEntry(task_id="t2", assigned_to="new", previous="user-b"),
        UndoEntry(task_id="t3", assigned_to="new", previous="user-b"),
        UndoEntry(task_id="t4", assigned_to="new", previous=None),
        UndoEntry(task_id="t5", assigned_to="new", previous="new"),
    )
    snapshot = Snapshot(
        team_id="T1",
        requester_id="ULEAD",
        evaluation_id="eval_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        entries=entries,
    )
    outcomes = {
        "user-a": judge(("t1",), "user-a", [ChunkResult(("t1",), tasks=(task("t1", "user-a"),))]),
        "user-b": judge(
            ("t2", "t3"), "user-b", [ChunkResult(("t2", "t3"), tasks=(task("t2", "user-b"),))]
        ),
    }
    result = UndoResult(snapshot=snapshot, plan=plan_undo(entries), outcomes=outcomes)
    built = blocks.undo_report_blocks(result, "UADMIN")
    assert_valid_message(built)
    text = dump(built)
    assert "<@UADMIN> undid the assignment" in text and "2 of 3 tasks went back" in text
    assert "`user-a`: 1 task" in text and "`user-b`: 1 task" in text
    assert "cannot be unassigned by this API" in text and "`t4`" in text
    assert "Not put back" in text and "`t3`" in text
    assert "1 task already belonged" in text
    assert blocks.undo_text(result).startswith("Undo: put back 2 of 3 tasks")


def test_undo_report_when_nothing_could_be_given_back() -> None:
    entries = (UndoEntry(task_id="t1", assigned_to="new", previous=None),)
    snapshot = Snapshot(
        team_id="T1",
        requester_id="ULEAD",
        evaluation_id="eval_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        entries=entries,
    )
    result = UndoResult(snapshot=snapshot, plan=plan_undo(entries), outcomes={})
    built = blocks.undo_report_blocks(result, "ULEAD")
    assert_valid_message(built)
    assert "none of its 1 task could be given back" in dump(built)


def test_form_offers_to_pick_tasks() -> None:
    view = modals.form_view(
        draft_key="k" * 24, requester_id="ULEAD", channel_id="C1", max_task_ids=500
    )
    assert_valid_view(view)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    pick = by_id["assign_form_pick"]["element"]
    assert [o["value"] for o in pick["options"]] == ["next", "unassigned"]
    count = by_id["assign_form_pick_count"]["element"]
    assert count["type"] == "number_input" and count["max_value"] == "500"
    assert by_id["assign_form_pick"]["optional"] and by_id["assign_form_pick_count"]["optional"]
