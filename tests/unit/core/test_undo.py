"""Undo plans and results (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.core.outcome import judge
from bot.core.query import Before
from bot.core.tasks import ChunkResult, ListedTask
from bot.core.undo import (
    NO_PREVIOUS_REASON,
    UNKNOWN_REASON,
    Snapshot,
    UndoEntry,
    UndoResult,
    entries_from,
    plan_undo,
    restorable,
    take_snapshot,
)
from tests.unit.factories import task


def listed(task_id: str, assigned_to: str | None) -> ListedTask:
    return ListedTask(id=task_id, status="PENDING", assignee_id=assigned_to)


def test_snapshot_remembers_who_had_each_task() -> None:
    tasks = [listed("t1", "user_a"), listed("t2", None), listed("t3", "user_b")]
    entries = take_snapshot(tasks, [("user_new", ["t1", "t2"]), ("user_other", ["t3", "t9"])])
    assert entries == (
        UndoEntry(task_id="t1", assigned_to="user_new", previous="user_a"),
        UndoEntry(task_id="t2", assigned_to="user_new", previous=None),
        UndoEntry(task_id="t3", assigned_to="user_other", previous="user_b"),
        UndoEntry(task_id="t9", assigned_to="user_other", previous=None, listed=False),
    )


def test_plan_groups_by_previous_assignee_and_sets_aside_what_it_cannot_do() -> None:
    entries = [
        UndoEntry(task_id="t1", assigned_to="new", previous="a"),
        UndoEntry(task_id="t2", assigned_to="new", previous="b"),
        UndoEntry(task_id="t3", assigned_to="new", previous="a"),
        UndoEntry(task_id="t4", assigned_to="new", previous=None),
        UndoEntry(task_id="t5", assigned_to="new", previous="new"),
        UndoEntry(task_id="t6", assigned_to="new", previous=None, listed=False),
    ]
    plan = plan_undo(entries)
    assert plan.restore == {"a": ("t1", "t3"), "b": ("t2",)}
    assert list(plan.restore) == ["a", "b"]
    assert plan.no_previous == ("t4",)
    assert plan.unchanged == ("t5",)
    assert plan.unknown == ("t6",)


def test_result_counts_and_problems() -> None:
    entries = (
        UndoEntry(task_id="t1", assigned_to="new", previous="a"),
        UndoEntry(task_id="t2", assigned_to="new", previous="a"),
        UndoEntry(task_id="t3", assigned_to="new", previous="b"),
        UndoEntry(task_id="t4", assigned_to="new", previous=None),
        UndoEntry(task_id="t5", assigned_to="new", previous=None, listed=False),
    )
    snapshot = Snapshot(
        team_id="T1",
        requester_id="ULEAD",
        evaluation_id="eval_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        entries=entries,
    )
    plan = plan_undo(entries)
    outcomes = {
        "a": judge(("t1", "t2"), "a", [ChunkResult(("t1", "t2"), tasks=(task("t1", "a"),))]),
        "b": judge(("t3",), "b", [ChunkResult(("t3",), tasks=(task("t3", "b"),))]),
    }
    result = UndoResult(snapshot=snapshot, plan=plan, outcomes=outcomes)
    assert result.attempted == 3 and result.restored == 2 and result.not_restored == 1
    assert result.restored_to() == {"a": 1, "b": 1}
    problems = result.problems
    assert list(problems.values()) == [["t2"], ["t5"], ["t4"]]
    assert list(problems)[1:] == [UNKNOWN_REASON, NO_PREVIOUS_REASON]
    assert "cannot be unassigned by this API" in NO_PREVIOUS_REASON


def test_snapshot_round_trips_through_json() -> None:
    snapshot = Snapshot(
        team_id="T1",
        requester_id="ULEAD",
        evaluation_id="eval_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        entries=(UndoEntry(task_id="t1", assigned_to="n", previous="a"),),
    )
    assert Snapshot.model_validate_json(snapshot.model_dump_json()) == snapshot


_users = st.sampled_from(["user_a", "user_b", "user_c"])
_ids = st.lists(st.sampled_from([f"t{i}" for i in range(8)]), max_size=8, unique=True)


@given(
    previous=st.dictionaries(st.sampled_from([f"t{i}" for i in range(8)]), _users, max_size=8),
    unlisted=_ids,
    shares=st.lists(st.tuples(_users, _ids), max_size=3),
)
def test_restorable_says_what_the_full_plan_says(
    previous: dict[str, str], unlisted: list[str], shares: list[tuple[str, list[str]]]
) -> None:
    """The job skips the Undo snapshot on `restorable` alone: it must never hide a restore."""
    before = Before(previous=previous, unlisted=tuple(unlisted))
    planned = plan_undo(entries_from(before, shares)).restore
    assert restorable(before, shares) is bool(planned)
