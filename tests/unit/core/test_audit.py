"""Audit records of undos (pure), and records written before undos had a kind."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.audit import AuditedShare, AuditRecord, undo_record
from bot.core.outcome import judge
from bot.core.tasks import ChunkResult
from bot.core.undo import Snapshot, UndoEntry, UndoResult, plan_undo
from tests.unit.factories import task

AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_an_undo_record_names_who_undid_it_and_who_got_what_back() -> None:
    entries = (
        UndoEntry(task_id="t1", assigned_to="new", previous="a"),
        UndoEntry(task_id="t2", assigned_to="new", previous="a"),
        UndoEntry(task_id="t3", assigned_to="new", previous="b"),
        UndoEntry(task_id="t4", assigned_to="new", previous=None),
    )
    snapshot = Snapshot(
        team_id="T1", requester_id="ULEAD", evaluation_id="eval_1", created_at=AT, entries=entries
    )
    outcomes = {  # t2 was taken by someone else meanwhile: not put back
        "a": judge(("t1", "t2"), "a", [ChunkResult(("t1", "t2"), tasks=(task("t1", "a"),))]),
        "b": judge(("t3",), "b", [ChunkResult(("t3",), tasks=(task("t3", "b"),))]),
    }
    result = UndoResult(snapshot=snapshot, plan=plan_undo(entries), outcomes=outcomes)

    record = undo_record(result, "UADMIN", "CCHAN", AT)

    assert record.kind == "undo" and record.requester_id == "UADMIN"
    assert (record.team_id, record.channel_id, record.evaluation_id) == ("T1", "CCHAN", "eval_1")
    assert record.assignees == (
        AuditedShare(platform_user_id="a", requested=2, assigned=1),
        AuditedShare(platform_user_id="b", requested=1, assigned=1),
    )
    assert (record.requested, record.assigned, record.failed) == (3, 2, 1)


def test_a_record_written_before_undos_were_audited_reads_as_an_assignment() -> None:
    stored = (
        '{"at": "2026-11-01T10:00:00Z", "team_id": "T1", "channel_id": "C1", '
        '"requester_id": "ULEAD", "evaluation_id": "eval_1", "assignees": [], '
        '"requested": 1, "assigned": 1, "failed": 0}'
    )
    assert AuditRecord.model_validate_json(stored).kind == "assignment"
