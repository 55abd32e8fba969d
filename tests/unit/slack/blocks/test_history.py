"""`/assign history`: the audit trail."""

from __future__ import annotations

from bot.core.audit import AuditedShare, AuditRecord
from bot.slack import blocks
from tests.unit.factories import NOW


def test_history_tells_an_undo_from_an_assignment() -> None:
    shares = (AuditedShare(platform_user_id="user_ann", requested=2, assigned=1),)
    common = {
        "at": NOW,
        "team_id": "T1",
        "channel_id": "C1",
        "requester_id": "UADMIN",
        "evaluation_id": "eval_1",
        "assignees": shares,
        "requested": 2,
        "assigned": 1,
        "failed": 1,
    }
    undo = blocks.history_line(AuditRecord(kind="undo", **common))
    assert "<@UADMIN> undid an assignment of `eval_1`: 1 of 2 tasks went back to" in undo
    assert "platform user `user_ann`" in undo and "(1 not put back)" in undo
    assigned = blocks.history_line(AuditRecord(**common))
    assert "<@UADMIN> assigned 1 of 2 tasks of `eval_1` to" in assigned
    assert "(1 not assigned)" in assigned
