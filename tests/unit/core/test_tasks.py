"""The core's task types: strict on what decides an assignment, lenient on what is only shown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest

from bot.core.tasks import AssignedTask, ChunkError, ChunkResult, ListedTask, TaskStatus, TaskType


def assigned(**fields: Any) -> AssignedTask:
    return AssignedTask.model_validate({"id": "t1", "assigned_to": "user_a", **fields})


def test_known_enum_values_become_enum_members() -> None:
    task = assigned(status="PENDING_REDO", task_type="EVALUATION_AUDIT")
    assert task.status is TaskStatus.PENDING_REDO
    assert task.task_type is TaskType.EVALUATION_AUDIT


def test_unknown_enum_values_stay_plain_strings() -> None:
    task = assigned(status="ARCHIVED", task_type="REVIEWER_AUDIT")
    assert task.status == "ARCHIVED" and not isinstance(task.status, TaskStatus)
    assert task.task_type == "REVIEWER_AUDIT" and not isinstance(task.task_type, TaskType)
    listed = ListedTask.model_validate({"id": "t1", "status": "ON_HOLD"})
    assert listed.status == "ON_HOLD"


@pytest.mark.parametrize("value", [None, 7, {"name": "PENDING"}, ["PENDING"]])
def test_a_status_or_type_that_is_no_string_is_none(value: Any) -> None:
    task = assigned(status=value, task_type=value)
    assert (task.status, task.task_type) == (None, None)


@pytest.mark.parametrize("priority", [None, "high", 1.5, {"level": 1}])
def test_a_null_or_unreadable_priority_is_none(priority: Any) -> None:
    assert assigned(priority=priority).priority is None
    assert ListedTask.model_validate({"id": "t", "priority": priority}).priority is None


def test_a_missing_priority_is_none() -> None:
    assert assigned().priority is None
    assert ListedTask(id="t").priority is None


def test_a_priority_sent_as_a_numeric_string_is_read() -> None:
    assert assigned(priority="3").priority == 3


def test_an_unreadable_expiry_is_none_and_a_good_one_is_read() -> None:
    assert assigned(assignment_expires_at="yesterday-ish").assignment_expires_at is None
    when = assigned(assignment_expires_at="2023-11-07T05:31:56Z").assignment_expires_at
    assert when == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)


@pytest.mark.parametrize("fields", [{"id": None}, {"id": 7}, {"assigned_to": 7}])
def test_what_decides_an_assignment_is_read_strictly(fields: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        assigned(**fields)


def test_only_the_read_fields_are_kept() -> None:
    task = assigned(task_entity={"big": "x" * 100}, account_id="acct")
    assert "task_entity" not in task.model_dump() and task.model_extra in (None, {})


def test_tasks_are_values() -> None:
    assert assigned(priority=1) == assigned(priority=1)
    with pytest.raises(pydantic.ValidationError):
        assigned().id = "t2"  # type: ignore[misc]


def test_a_chunk_error_reads_as_its_message() -> None:
    error = ChunkError("the platform failed with 500 after 3 attempts", status=500)
    assert str(error) == error.message
    assert ChunkError("the platform could not be reached").status is None


def test_a_chunk_result_is_ok_without_an_error() -> None:
    assert ChunkResult(("t1",), tasks=(assigned(),)).ok
    assert not ChunkResult(("t1",), error=ChunkError("down")).ok
