"""What the audit trail remembers of an executed assignment or undo. Pure: built from results."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.core.confirmation import Confirmation
from bot.core.outcome import Summary
from bot.core.undo import UndoResult


class AuditedShare(BaseModel):
    """One assignee's part: who, and how much of what they were asked to get they got."""

    model_config = ConfigDict(frozen=True)

    platform_user_id: str
    slack_user_id: str | None = None
    requested: int
    assigned: int


class AuditRecord(BaseModel):
    """One executed assignment or undo, as kept in the audit stream and written to the log.

    Counts, not task ids: a record stays small however large the request, and the ids are in
    the summary's thread (`permalink`). For an undo, `requester_id` is who undid it and the
    assignees are the people who got their tasks back.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    #: Records written before undos were audited have no kind: they are assignments.
    kind: Literal["assignment", "undo"] = "assignment"
    at: datetime
    team_id: str
    channel_id: str
    requester_id: str
    evaluation_id: str
    assignees: tuple[AuditedShare, ...]
    requested: int
    assigned: int
    failed: int
    permalink: str | None = None


def audited_shares(summary: Summary) -> tuple[AuditedShare, ...]:
    """Each assignee of a finished run with what they were asked for and given."""
    return tuple(
        AuditedShare(
            platform_user_id=share.assignee.platform_user_id,
            slack_user_id=share.assignee.slack_user_id,
            requested=share.requested,
            assigned=share.assigned,
        )
        for share in summary.shares
    )


def audit_record(
    confirmation: Confirmation, summary: Summary, permalink: str | None, at: datetime
) -> AuditRecord:
    """The record of a finished run; `permalink` is the channel summary's, when there is one."""
    return AuditRecord(
        at=at,
        team_id=confirmation.team_id,
        channel_id=confirmation.channel_id,
        requester_id=summary.requester_id,
        evaluation_id=summary.evaluation_id,
        assignees=audited_shares(summary),
        requested=summary.requested,
        assigned=summary.assigned,
        failed=summary.not_assigned,
        permalink=permalink,
    )


def undo_record(result: UndoResult, actor_id: str, channel_id: str, at: datetime) -> AuditRecord:
    """The record of an undo that ran: who undid it, and who got how many tasks back."""
    restored_to = result.restored_to()
    return AuditRecord(
        kind="undo",
        at=at,
        team_id=result.snapshot.team_id,
        channel_id=channel_id,
        requester_id=actor_id,
        evaluation_id=result.evaluation_id,
        assignees=tuple(
            AuditedShare(
                platform_user_id=user_id,
                requested=len(task_ids),
                assigned=restored_to.get(user_id, 0),
            )
            for user_id, task_ids in result.plan.restore.items()
        ),
        requested=result.attempted,
        assigned=result.restored,
        failed=result.not_restored,
    )
