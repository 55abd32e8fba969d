"""What the audit trail remembers of one executed assignment. Pure: built from the summary."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.core.confirmation import Confirmation
from bot.core.outcome import Summary


class AuditedShare(BaseModel):
    """One assignee's part: who, and how much of what they were asked to get they got."""

    model_config = ConfigDict(frozen=True)

    platform_user_id: str
    slack_user_id: str | None = None
    requested: int
    assigned: int


class AuditRecord(BaseModel):
    """One executed assignment, as kept in the audit stream and written to the log.

    Counts, not task ids: a record stays small however large the request, and the ids are in
    the summary's thread (`permalink`).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

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
        assignees=tuple(
            AuditedShare(
                platform_user_id=share.assignee.platform_user_id,
                slack_user_id=share.assignee.slack_user_id,
                requested=share.requested,
                assigned=share.assigned,
            )
            for share in summary.shares
        ),
        requested=summary.requested,
        assigned=summary.assigned,
        failed=summary.not_assigned,
        permalink=permalink,
    )
