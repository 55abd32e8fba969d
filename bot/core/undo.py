"""Undoing an assignment: who had each task before, and how to give it back.

Pure. A Snapshot is taken from the task listing just before an assignment runs; the Undo button
of its summary turns it into one batch-assign per previous assignee. The API can assign a task
but not unassign it, so tasks that had nobody before are reported, never guessed at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict

from bot.core.outcome import TaskOutcome
from bot.core.query import Before, before_of
from bot.core.tasks import ListedTask

#: How long an Undo button works after its assignment ran.
UNDO_TTL_SECONDS: Final = 24 * 60 * 60

NO_PREVIOUS_REASON: Final = "had no assignee before, and cannot be unassigned by this API"
UNKNOWN_REASON: Final = "not in the task listing before the assignment, so who had it is unknown"


class UndoEntry(BaseModel):
    """One task of the request: who had it before (`previous`), and who it was given to.

    `listed` is False when the task listing did not show the task: its previous assignee is
    unknown, which is not the same as "nobody".
    """

    model_config = ConfigDict(frozen=True)

    task_id: str
    assigned_to: str
    previous: str | None = None
    listed: bool = True


class Snapshot(BaseModel):
    """The state an Undo puts back, and who may ask for it."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    requester_id: str
    evaluation_id: str
    created_at: datetime
    entries: tuple[UndoEntry, ...]


def entries_from(
    before: Before, shares: Iterable[tuple[str, Sequence[str]]]
) -> tuple[UndoEntry, ...]:
    """An entry per requested task: `shares` is (platform user id, task ids) per assignee."""
    unlisted = set(before.unlisted)
    return tuple(
        UndoEntry(
            task_id=task_id,
            assigned_to=user_id,
            previous=before.previous.get(task_id),
            listed=task_id not in unlisted,
        )
        for user_id, task_ids in shares
        for task_id in task_ids
    )


def restorable(before: Before, shares: Iterable[tuple[str, Sequence[str]]]) -> bool:
    """Whether an Undo could change anything: a listed task had someone else before.

    The same answer as `plan_undo(entries_from(before, shares)).restore`, without an entry per
    task: a 50,000-task `unassigned` request, where nobody had anything, costs nothing.
    """
    if not before.previous:
        return False
    unlisted = set(before.unlisted)
    return any(
        (previous := before.previous.get(task_id)) is not None
        and previous != user_id
        and task_id not in unlisted
        for user_id, task_ids in shares
        for task_id in task_ids
    )


def take_snapshot(
    tasks: Iterable[ListedTask], shares: Iterable[tuple[str, Sequence[str]]]
) -> tuple[UndoEntry, ...]:
    """An entry per requested task: `shares` is (platform user id, task ids) per assignee."""
    shares = [(user_id, tuple(task_ids)) for user_id, task_ids in shares]
    return entries_from(before_of(tasks, shares), shares)


@dataclass(frozen=True)
class UndoPlan:
    """What an undo does with each task.

    `restore`: previous assignee -> task ids, one batch-assign each, in the order first seen.
    `unchanged`: tasks that already belonged to the person they were given to: nothing to undo.
    """

    restore: Mapping[str, tuple[str, ...]]
    no_previous: tuple[str, ...]
    unknown: tuple[str, ...]
    unchanged: tuple[str, ...]


def plan_undo(entries: Iterable[UndoEntry]) -> UndoPlan:
    restore: dict[str, list[str]] = {}
    no_previous: list[str] = []
    unknown: list[str] = []
    unchanged: list[str] = []
    for entry in entries:
        if not entry.listed:
            unknown.append(entry.task_id)
        elif entry.previous is None:
            no_previous.append(entry.task_id)
        elif entry.previous == entry.assigned_to:
            unchanged.append(entry.task_id)
        else:
            restore.setdefault(entry.previous, []).append(entry.task_id)
    return UndoPlan(
        restore={user: tuple(ids) for user, ids in restore.items()},
        no_previous=tuple(no_previous),
        unknown=tuple(unknown),
        unchanged=tuple(unchanged),
    )


@dataclass(frozen=True)
class UndoResult:
    """How the undo went: per previous assignee, each task's outcome as the platform said."""

    snapshot: Snapshot
    plan: UndoPlan
    outcomes: Mapping[str, tuple[TaskOutcome, ...]]

    @property
    def evaluation_id(self) -> str:
        return self.snapshot.evaluation_id

    @property
    def attempted(self) -> int:
        return sum(len(ids) for ids in self.plan.restore.values())

    @property
    def restored(self) -> int:
        return sum(1 for found in self.outcomes.values() for outcome in found if outcome.ok)

    @property
    def not_restored(self) -> int:
        """Tasks the undo tried to put back and the platform did not."""
        return self.attempted - self.restored

    def restored_to(self) -> dict[str, int]:
        """Previous assignee -> how many tasks they got back."""
        return {
            user: sum(1 for outcome in found if outcome.ok) for user, found in self.outcomes.items()
        }

    @property
    def problems(self) -> dict[str, list[str]]:
        """Task ids that were not put back, grouped by reason (tasks with nobody before last)."""
        grouped: dict[str, list[str]] = {}
        for found in self.outcomes.values():
            for outcome in found:
                if not outcome.ok:
                    reason = outcome.reason or outcome.verdict.value
                    grouped.setdefault(reason, []).append(outcome.task_id)
        if self.plan.unknown:
            grouped[UNKNOWN_REASON] = list(self.plan.unknown)
        if self.plan.no_previous:
            grouped[NO_PREVIOUS_REASON] = list(self.plan.no_previous)
        return grouped
