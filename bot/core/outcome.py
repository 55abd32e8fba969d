"""What the platform's answers mean for each requested task, and the summary a lead reads.

The API's behaviour on bad ids is undocumented, so nothing is reported as assigned unless the
response itself says the task is now assigned to the requested user.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core.confirmation import Assignee, Confirmation
from bot.core.tasks import AssignedTask, ChunkResult

NOT_RETURNED_REASON = "the platform did not return it (unknown id, or not in this evaluation)"
NO_ASSIGNEE_REASON = "the platform returned it without an assignee"
#: Counted in place of a status or task type the platform's answer left out.
UNKNOWN = "unknown"


class Verdict(StrEnum):
    ASSIGNED = "assigned"
    ASSIGNED_TO_OTHER = "assigned_to_other"
    NOT_RETURNED = "not_returned"
    FAILED = "failed"


@dataclass(frozen=True)
class TaskOutcome:
    task_id: str
    verdict: Verdict
    task: AssignedTask | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.ASSIGNED


def judge(
    requested: Sequence[str], assigned_to: str, results: Iterable[ChunkResult]
) -> tuple[TaskOutcome, ...]:
    """One outcome per requested id, in the order requested."""
    returned: dict[str, AssignedTask] = {}
    failed: dict[str, str] = {}
    for result in results:
        if result.error is not None:
            failed.update(dict.fromkeys(result.task_ids, str(result.error)))
        for task in result.tasks:
            returned[task.id] = task
    return tuple(_judge_one(task_id, assigned_to, returned, failed) for task_id in requested)


def _judge_one(
    task_id: str, assigned_to: str, returned: dict[str, AssignedTask], failed: dict[str, str]
) -> TaskOutcome:
    if task_id in failed:
        return TaskOutcome(task_id, Verdict.FAILED, reason=failed[task_id])
    task = returned.get(task_id)
    if task is None:
        return TaskOutcome(task_id, Verdict.NOT_RETURNED, reason=NOT_RETURNED_REASON)
    if task.assigned_to == assigned_to:
        return TaskOutcome(task_id, Verdict.ASSIGNED, task=task)
    if task.assigned_to is None:
        return TaskOutcome(task_id, Verdict.ASSIGNED_TO_OTHER, task=task, reason=NO_ASSIGNEE_REASON)
    reason = f"the platform reports it assigned to another user ({task.assigned_to})"
    return TaskOutcome(task_id, Verdict.ASSIGNED_TO_OTHER, task=task, reason=reason)


@dataclass(frozen=True)
class ShareSummary:
    """How one assignee's share went."""

    assignee: Assignee
    outcomes: tuple[TaskOutcome, ...]

    @property
    def requested(self) -> int:
        return len(self.outcomes)

    @property
    def assigned_tasks(self) -> list[AssignedTask]:
        return [o.task for o in self.outcomes if o.ok and o.task is not None]

    @property
    def failed_ids(self) -> tuple[str, ...]:
        """Ids whose request failed (after retries): the ones worth trying again."""
        return tuple(o.task_id for o in self.outcomes if o.verdict is Verdict.FAILED)

    @property
    def assigned(self) -> int:
        return sum(1 for o in self.outcomes if o.ok)

    @property
    def not_assigned(self) -> int:
        return self.requested - self.assigned

    @property
    def by_status(self) -> dict[str, int]:
        return _count(_shown(task.status) for task in self.assigned_tasks)

    @property
    def by_type(self) -> dict[str, int]:
        return _count(_shown(task.task_type) for task in self.assigned_tasks)

    @property
    def priority_range(self) -> tuple[int, int] | None:
        priorities = [t.priority for t in self.assigned_tasks if t.priority is not None]
        return (min(priorities), max(priorities)) if priorities else None

    @property
    def earliest_expiry(self) -> datetime | None:
        expiries = [t.assignment_expires_at for t in self.assigned_tasks]
        known = [e for e in expiries if e is not None]
        return min(known) if known else None

    @property
    def problems(self) -> dict[str, list[str]]:
        """Task ids that did not get assigned, grouped by reason, in request order."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for outcome in self.outcomes:
            if not outcome.ok:
                grouped[outcome.reason or outcome.verdict.value].append(outcome.task_id)
        return dict(grouped)


@dataclass(frozen=True)
class Summary:
    """The whole request's result, as reported in the channel."""

    evaluation_id: str
    requester_id: str
    shares: tuple[ShareSummary, ...]
    duplicates_dropped: int = 0
    note: str | None = None

    @property
    def requested(self) -> int:
        return sum(share.requested for share in self.shares)

    @property
    def assigned(self) -> int:
        return sum(share.assigned for share in self.shares)

    @property
    def not_assigned(self) -> int:
        return self.requested - self.assigned

    @property
    def fully_assigned(self) -> bool:
        return self.not_assigned == 0

    @property
    def problems(self) -> dict[str, list[str]]:
        merged: dict[str, list[str]] = defaultdict(list)
        for share in self.shares:
            for reason, ids in share.problems.items():
                merged[reason].extend(ids)
        return dict(merged)


def summarize(
    confirmation: Confirmation, results_per_share: Sequence[Sequence[ChunkResult]]
) -> Summary:
    """Pair each share of the confirmation with the chunk results of its API calls."""
    if len(results_per_share) != len(confirmation.shares):
        raise ValueError("one list of chunk results is needed per share")
    shares = tuple(
        ShareSummary(
            assignee=share.assignee,
            outcomes=judge(share.task_ids, share.assignee.platform_user_id, results),
        )
        for share, results in zip(confirmation.shares, results_per_share, strict=True)
    )
    return Summary(
        evaluation_id=confirmation.evaluation_id,
        requester_id=confirmation.requester_id,
        shares=shares,
        duplicates_dropped=confirmation.duplicates_dropped,
        note=confirmation.note,
    )


def _shown(value: str | None) -> str:
    """A status or type as counted in the summary; the platform may leave it out."""
    return UNKNOWN if value is None else str(value)


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(Counter(values).most_common())
