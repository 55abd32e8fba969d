"""Picking tasks by query, and what a task listing says about a request (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from bot.core.query import (
    IDS_KEPT,
    NextTasks,
    TaskQuery,
    UnassignedTasks,
    check,
    describe,
    is_available,
    select,
)
from bot.core.tasks import ListedTask


def listed(
    task_id: str, status: str | None = "PENDING", assigned_to: str | None = None, **extra: Any
) -> ListedTask:
    values: dict[str, Any] = {"id": task_id, "status": status, "task_type": "EVALUATION_ANNOTATION"}
    if assigned_to is not None:
        values["assignee_id"] = assigned_to
    values.update(extra)
    return ListedTask.model_validate(values)


@pytest.mark.parametrize(
    ("task", "available"),
    [
        (listed("t"), True),
        (listed("t", assigned_to="user_a"), False),
        (listed("t", status="COMPLETED"), False),
        (listed("t", status="PENDING_REDO"), False),
        (listed("t", status="NOT_READY"), False),
        (listed("t", status="SOMETHING_NEW"), False),
        (listed("t", status=None), False),
    ],
)
def test_only_pending_unassigned_tasks_are_available(task: ListedTask, available: bool) -> None:
    assert is_available(task) is available


def test_next_takes_the_first_available_tasks_in_platform_order() -> None:
    tasks = [
        listed("t1"),
        listed("t2", assigned_to="user_a"),
        listed("t3", status="COMPLETED"),
        listed("t4"),
        listed("t5"),
    ]
    assert select(tasks, NextTasks(count=2)) == ("t1", "t4")
    assert select(tasks, NextTasks(count=50)) == ("t1", "t4", "t5")
    assert select(tasks, UnassignedTasks()) == ("t1", "t4", "t5")


def test_priority_comes_first_highest_first_stable_and_missing_last() -> None:
    tasks = [
        listed("a", priority=None),
        listed("b", priority=1),
        listed("c", priority=5),
        listed("d", priority=1),
        listed("e", priority=5),
        listed("f", priority=None),
        listed("g", priority=-3),
    ]
    assert select(tasks, UnassignedTasks()) == ("c", "e", "b", "d", "g", "a", "f")
    assert select(tasks, NextTasks(count=3)) == ("c", "e", "b")


def test_a_task_listed_twice_is_picked_once() -> None:
    tasks = [listed("t1"), listed("t2"), listed("t1")]
    assert select(tasks, UnassignedTasks()) == ("t1", "t2")


def test_nothing_available_picks_nothing() -> None:
    assert select([listed("t1", status="COMPLETED")], NextTasks(count=3)) == ()
    assert select([], UnassignedTasks()) == ()


def test_queries_read_back_from_json() -> None:
    adapter: TypeAdapter[NextTasks | UnassignedTasks] = TypeAdapter(TaskQuery)
    assert adapter.validate_python({"kind": "next", "count": 5}) == NextTasks(count=5)
    assert adapter.validate_python({"kind": "unassigned"}) == UnassignedTasks()
    with pytest.raises(ValueError):
        NextTasks(count=0)


def test_describe() -> None:
    assert describe(NextTasks(count=50)) == "the next 50 pending, unassigned tasks"
    assert describe(NextTasks(count=1)) == "the next 1 pending, unassigned task"
    assert describe(UnassignedTasks()) == "every pending, unassigned task"


def test_check_counts_completed_and_assigned_to_someone_else() -> None:
    tasks = [
        listed("t1"),
        listed("t2", assigned_to="user_a"),  # to user_a again: fine
        listed("t3", assigned_to="user_x"),  # someone else
        listed("t4", status="COMPLETED", assigned_to="user_x"),  # completed wins
        listed("t5", status="COMPLETED"),
        listed("t6", assigned_to="user_a"),  # given to user_b: someone else
    ]
    checks = check(tasks, [("user_a", ["t1", "t2", "t3", "t4"]), ("user_b", ["t5", "t6", "t7"])])
    assert checks.checked
    assert (checks.assigned_elsewhere, checks.assigned_elsewhere_ids) == (2, ("t3", "t6"))
    assert (checks.completed, checks.completed_ids) == (2, ("t4", "t5"))
    assert checks.any


def test_check_of_clean_tasks_has_nothing_to_say() -> None:
    checks = check([listed("t1")], [("user_a", ["t1", "unknown"])])
    assert not checks.any and checks.checked


def test_check_keeps_a_few_ids_and_every_count() -> None:
    many = [f"t{i}" for i in range(100)]
    checks = check([listed(t, status="COMPLETED") for t in many], [("user_a", many)])
    assert checks.completed == 100
    assert checks.completed_ids == tuple(many[:IDS_KEPT])
