"""What the platform's answers mean for each requested task, and the summary a lead reads.

The API's behaviour on bad ids is undocumented, so nothing is reported as assigned unless the
response itself says the task is now assigned to the requested user.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple, TypeAlias

from bot.core.confirmation import Assignee, Confirmation
from bot.core.tasks import AssignedTask, ChunkError, ChunkResult

NOT_RETURNED_REASON = "the platform did not return it (unknown id, or not in this evaluation)"
NO_ASSIGNEE_REASON = "the platform returned it without an assignee"
NOT_SAID_REASON = "the platform did not say which tasks it assigned (it answered null)"
CONTRADICTED_REASON = (
    "uncertain: the platform's answer listed it more than once, with different assignees"
)
NOT_LISTED_REASON = "read back after the platform's answer: it is not in this evaluation"
UNASSIGNED_ON_READ_BACK = "read back after the platform's answer: it has no assignee"
#: Counted in place of a status or task type the platform's answer left out.
UNKNOWN = "unknown"
#: What an operator does about a 401 or 403: the key or the account is wrong for this work.
AUTH_HINT = "check SGP_API_KEY / SGP_ACCOUNT_ID"
#: Statuses that no retry and no other chunk can fix: a run stops at the first.
AUTH_STATUSES: frozenset[int] = frozenset({401, 403})
#: Statuses after which the platform may have done the work although its answer is unusable:
#: none at all (timeout, reset), a success whose body could not be read, a gateway's timeout.
ANSWER_LOST_STATUSES: frozenset[int | None] = frozenset({None, 200, 502, 504})


class Verdict(StrEnum):
    ASSIGNED = "assigned"
    ASSIGNED_TO_OTHER = "assigned_to_other"
    NOT_RETURNED = "not_returned"
    UNCERTAIN = "uncertain"
    FAILED = "failed"


class TaskOutcome(NamedTuple):
    """One requested task's verdict: a tuple, because a job makes one per task (100,000) and
    a frozen dataclass costs twice as much to make."""

    task_id: str
    verdict: Verdict
    task: AssignedTask | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.ASSIGNED


def stops_run(result: ChunkResult) -> bool:
    """A 401 or 403: every further chunk would be refused the same way, so none is sent."""
    return result.error is not None and result.error.status in AUTH_STATUSES


def unsent(task_ids: Sequence[str], cause: ChunkError) -> ChunkResult:
    """A chunk not sent because an earlier one was refused; its ids stay retryable."""
    message = f"not sent, because the platform refused an earlier request: {cause.message}"
    if AUTH_HINT not in message:
        message = f"{message}; {AUTH_HINT}"
    return ChunkResult(task_ids=tuple(task_ids), error=ChunkError(message, status=cause.status))


def needs_read_back(result: ChunkResult) -> bool:
    """The answer said nothing (null) or was lost: the platform may have done the work."""
    if result.read_back:
        return False
    if result.error is None:
        return result.silent
    return result.error.status in ANSWER_LOST_STATUSES


def unrequested(result: ChunkResult) -> tuple[str, ...]:
    """Ids in the answer that this chunk did not ask for (never counted), each once."""
    asked = set(result.task_ids)
    return tuple(dict.fromkeys(task.id for task in result.tasks if task.id not in asked))


def judge(
    requested: Sequence[str], assigned_to: str, results: Iterable[ChunkResult]
) -> tuple[TaskOutcome, ...]:
    """One outcome per requested id, in the order requested.

    Each chunk is judged on its own answer: a task only counts when the answer to the request
    that asked for it says it is now the requested user's.
    """
    return in_order(requested, (judge_chunk(result, assigned_to) for result in results))


#: One chunk's verdicts, by task id (`judge_chunk`): a job judges each chunk as it comes back.
Judged: TypeAlias = Mapping[str, TaskOutcome]


def in_order(requested: Sequence[str], judged: Iterable[Judged]) -> tuple[TaskOutcome, ...]:
    """The chunks' verdicts, one per requested id in the order requested (none: not returned)."""
    outcomes: dict[str, TaskOutcome] = {}
    for chunk in judged:
        outcomes.update(chunk)
    if len(outcomes) == len(requested) and list(outcomes) == list(requested):
        return tuple(outcomes.values())  # the usual case, compared and copied in C
    missing = TaskOutcome("", Verdict.NOT_RETURNED, reason=NOT_RETURNED_REASON)
    return tuple(outcomes.get(t) or missing._replace(task_id=t) for t in requested)


def judge_chunk(result: ChunkResult, assigned_to: str) -> dict[str, TaskOutcome]:
    """Each id the chunk asked for, judged on the chunk's own answer."""
    asked = set(result.task_ids)
    first: dict[str, AssignedTask] = {}
    repeated: dict[str, list[AssignedTask]] = {}
    for task in result.tasks:
        if task.id not in asked:
            continue
        if task.id in first:
            repeated.setdefault(task.id, [first[task.id]]).append(task)
        else:
            first[task.id] = task
    outcomes: dict[str, TaskOutcome] = {}
    for task_id in result.task_ids:
        only = first.get(task_id)
        if only is not None and only.assigned_to == assigned_to and task_id not in repeated:
            outcomes[task_id] = TaskOutcome(task_id, Verdict.ASSIGNED, only)  # the usual answer
        else:
            returned = repeated.get(task_id) or ([only] if only is not None else [])
            outcomes[task_id] = _judge_one(task_id, assigned_to, returned, result)
    return outcomes


def _judge_one(
    task_id: str, assigned_to: str, returned: list[AssignedTask], result: ChunkResult
) -> TaskOutcome:
    if len(returned) > 1 and len({task.assigned_to for task in returned}) > 1:
        return TaskOutcome(task_id, Verdict.UNCERTAIN, reason=CONTRADICTED_REASON)
    task = returned[0] if returned else None
    if task is not None and task.assigned_to == assigned_to:
        return TaskOutcome(task_id, Verdict.ASSIGNED, task=task)
    if result.error is not None:
        reason = str(result.error)
        if result.read_back:
            reason += " (read back: not assigned to the requested user)"
        return TaskOutcome(task_id, Verdict.FAILED, reason=reason)
    if task is None:
        return TaskOutcome(task_id, Verdict.NOT_RETURNED, reason=_not_returned(result))
    if task.assigned_to is None:
        reason = UNASSIGNED_ON_READ_BACK if result.read_back else NO_ASSIGNEE_REASON
        return TaskOutcome(task_id, Verdict.ASSIGNED_TO_OTHER, task=task, reason=reason)
    reason = f"the platform reports it assigned to another user ({task.assigned_to})"
    return TaskOutcome(task_id, Verdict.ASSIGNED_TO_OTHER, task=task, reason=reason)


def _not_returned(result: ChunkResult) -> str:
    if result.read_back:
        return NOT_LISTED_REASON
    return NOT_SAID_REASON if result.silent else NOT_RETURNED_REASON


@dataclass(frozen=True)
class ShareSummary:
    """How one assignee's share went; its counts are worked out once (a share may hold
    100,000 outcomes, and a summary's blocks read each count several times)."""

    assignee: Assignee
    outcomes: tuple[TaskOutcome, ...]

    @cached_property
    def requested(self) -> int:
        return len(self.outcomes)

    @property
    def assigned_tasks(self) -> tuple[AssignedTask, ...]:
        return self._sorted.assigned_tasks

    @property
    def failed_ids(self) -> tuple[str, ...]:
        """Ids whose request failed (after retries): the ones worth trying again."""
        return self._sorted.failed_ids

    @property
    def assigned(self) -> int:
        return self._sorted.assigned

    @cached_property
    def not_assigned(self) -> int:
        return self.requested - self.assigned

    @cached_property
    def by_status(self) -> dict[str, int]:
        return _count(map(_STATUS, self.assigned_tasks))

    @cached_property
    def by_type(self) -> dict[str, int]:
        return _count(map(_TASK_TYPE, self.assigned_tasks))

    @cached_property
    def priority_range(self) -> tuple[int, int] | None:
        priorities = [t.priority for t in self.assigned_tasks if t.priority is not None]
        return (min(priorities), max(priorities)) if priorities else None

    @cached_property
    def earliest_expiry(self) -> datetime | None:
        expiries = [t.assignment_expires_at for t in self.assigned_tasks]
        known = [e for e in expiries if e is not None]
        return min(known) if known else None

    @property
    def problems(self) -> dict[str, list[str]]:
        """Task ids that did not get assigned, grouped by reason, in request order."""
        return self._sorted.problems

    @cached_property
    def _sorted(self) -> _Sorted:
        """The outcomes gone through once for every count that needs each of them (a share
        may hold 100,000, and the requester's result waits for these counts)."""
        ok, failed = Verdict.ASSIGNED, Verdict.FAILED
        assigned_tasks: list[AssignedTask] = []
        failed_ids: list[str] = []
        problems: dict[str, list[str]] = defaultdict(list)
        assigned = 0
        for outcome in self.outcomes:
            if outcome.verdict is ok:
                assigned += 1
                if outcome.task is not None:
                    assigned_tasks.append(outcome.task)
                continue
            problems[outcome.reason or outcome.verdict.value].append(outcome.task_id)
            if outcome.verdict is failed:
                failed_ids.append(outcome.task_id)
        return _Sorted(assigned, tuple(assigned_tasks), tuple(failed_ids), dict(problems))


class _Sorted(NamedTuple):
    assigned: int
    assigned_tasks: tuple[AssignedTask, ...]
    failed_ids: tuple[str, ...]
    problems: dict[str, list[str]]


@dataclass(frozen=True)
class Summary:
    """The whole request's result, as reported in the channel."""

    evaluation_id: str
    requester_id: str
    shares: tuple[ShareSummary, ...]
    duplicates_dropped: int = 0
    note: str | None = None

    @cached_property
    def requested(self) -> int:
        return sum(share.requested for share in self.shares)

    @cached_property
    def assigned(self) -> int:
        return sum(share.assigned for share in self.shares)

    @property
    def not_assigned(self) -> int:
        return self.requested - self.assigned

    @property
    def fully_assigned(self) -> bool:
        return self.not_assigned == 0

    @cached_property
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
    judged = [
        [judge_chunk(result, share.assignee.platform_user_id) for result in results]
        for share, results in zip(confirmation.shares, results_per_share, strict=True)
    ]
    return summarize_judged(confirmation, judged)


def summarize_judged(
    confirmation: Confirmation, judged_per_share: Sequence[Sequence[Judged]]
) -> Summary:
    """`summarize` from chunks judged already (`judge_chunk`, one list per share): the job
    runner judges each chunk as its answer comes, so its last answer is not followed by
    judging all 10,000 tasks at once."""
    if len(judged_per_share) != len(confirmation.shares):
        raise ValueError("one list of judged chunks is needed per share")
    shares = tuple(
        ShareSummary(assignee=share.assignee, outcomes=in_order(share.task_ids, judged))
        for share, judged in zip(confirmation.shares, judged_per_share, strict=True)
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


_STATUS = attrgetter("status")
_TASK_TYPE = attrgetter("task_type")


def _count(values: Iterable[str | None]) -> dict[str, int]:
    """Most common first; counted as they come, then named (`_shown`): one Python call per
    distinct value, not per task."""
    counts: Counter[str] = Counter()
    for value, times in Counter(values).items():
        counts[_shown(value)] += times
    return dict(counts.most_common())
