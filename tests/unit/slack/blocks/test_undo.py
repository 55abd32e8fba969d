"""The summary's Undo button, the summary once undone, and the undo's report."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.core.outcome import judge
from bot.core.tasks import ChunkResult
from bot.core.undo import Snapshot, UndoEntry, UndoResult, plan_undo
from bot.slack import blocks
from bot.slack.ui_ids import Action, Block
from tests.unit.factories import task
from tests.unit.slack.block_kit import assert_valid_message
from tests.unit.slack.blocks.summaries import summary_of


def dump(built: object) -> str:
    return json.dumps(built)


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


def snapshot(*entries: UndoEntry) -> Snapshot:
    return Snapshot(
        team_id="T1",
        requester_id="ULEAD",
        evaluation_id="eval_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        entries=entries,
    )


def test_undo_report_names_who_got_what_back_and_what_could_not() -> None:
    entries = (
        UndoEntry(task_id="t1", assigned_to="new", previous="user-a"),
        UndoEntry(task_id="t2", assigned_to="new", previous="user-b"),
        UndoEntry(task_id="t3", assigned_to="new", previous="user-b"),
        UndoEntry(task_id="t4", assigned_to="new", previous=None),
        UndoEntry(task_id="t5", assigned_to="new", previous="new"),
    )
    outcomes = {
        "user-a": judge(("t1",), "user-a", [ChunkResult(("t1",), tasks=(task("t1", "user-a"),))]),
        "user-b": judge(
            ("t2", "t3"), "user-b", [ChunkResult(("t2", "t3"), tasks=(task("t2", "user-b"),))]
        ),
    }
    result = UndoResult(snapshot=snapshot(*entries), plan=plan_undo(entries), outcomes=outcomes)
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
    result = UndoResult(snapshot=snapshot(*entries), plan=plan_undo(entries), outcomes={})
    built = blocks.undo_report_blocks(result, "ULEAD")
    assert_valid_message(built)
    assert "none of its 1 task could be given back" in dump(built)
