"""Small builders of domain values for unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.tasks import AssignedTask

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def task(task_id: str, assigned_to: str | None = "user-a", **fields: Any) -> AssignedTask:
    values: dict[str, Any] = {
        "id": task_id,
        "task_type": "EVALUATION_ANNOTATION",
        "task_entity_parent_id": "eval_1",
        "task_entity_id": f"tcr_{task_id}",
        "account_id": "acct_1",
        "status": "PENDING",
        "priority": 1,
        "assigned_to": assigned_to,
        "assignment_expires_at": (NOW + timedelta(days=1)).isoformat(),
    }
    values.update(fields)
    return AssignedTask.model_validate(values)


def confirmation(*shares: tuple[str, str | None, list[str]], dropped: int = 0) -> Confirmation:
    return Confirmation(
        team_id="T1",
        requester_id="ULEAD",
        channel_id="C1",
        evaluation_id="eval_1",
        shares=tuple(
            Share(assignee=Assignee(platform_user_id=p, slack_user_id=s), task_ids=tuple(ids))
            for p, s, ids in shares
        ),
        duplicates_dropped=dropped,
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=15),
    )
