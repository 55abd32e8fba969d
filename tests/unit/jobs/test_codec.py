"""Chunk records: what a worker writes today reads back the same, and what older bots wrote
(whole task answers) still reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.tasks import AssignedTask, ChunkError, ChunkResult, TaskStatus
from bot.jobs.codec import decode_chunk, encode_chunk

#: A record as the bot wrote it before the core had its own task types.
OLD_RECORD: dict[str, Any] = {
    "task_ids": ["t1", "t2", "t3"],
    "tasks": [
        {
            "id": "t1",
            "task_type": "EVALUATION_ANNOTATION",
            "task_entity_parent_id": "eval_1",
            "task_entity_id": "tcr_t1",
            "account_id": "acct_1",
            "status": "PENDING",
            "priority": 3,
            "assigned_to": "user-a",
            "assignment_expires_at": "2026-11-23T12:00:00Z",
        }
    ],
    "error": None,
}


def test_a_record_reads_back_as_written() -> None:
    task = AssignedTask(id="t1", assigned_to="user-a", status=TaskStatus.PENDING, priority=None)
    for result in (
        ChunkResult(("t1", "t2"), tasks=(task,)),
        ChunkResult(("t3",), error=ChunkError("the platform failed with 503", status=503)),
        ChunkResult(("t4",), error=ChunkError("the platform could not be reached")),
    ):
        assert decode_chunk(encode_chunk(result)) == result


def test_a_record_written_by_an_older_bot_still_reads() -> None:
    result = decode_chunk(OLD_RECORD)
    [task] = result.tasks
    assert (task.id, task.assigned_to, task.status, task.priority) == (
        "t1",
        "user-a",
        TaskStatus.PENDING,
        3,
    )
    assert task.assignment_expires_at == datetime(2026, 11, 23, 12, tzinfo=UTC)
    failed = decode_chunk({"task_ids": ["t9"], "error": {"message": "down", "status": None}})
    assert failed.error == ChunkError("down") and str(failed.error) == "down"


def _answer(ids: list[str], **fields: Any) -> tuple[AssignedTask, ...]:
    return tuple(AssignedTask(id=task_id, **fields) for task_id in ids)


def test_a_full_chunk_is_recorded_compactly_and_reads_back_the_same() -> None:
    import json

    ids = [f"task-{i:06d}" for i in range(500)]
    expiry = datetime(2026, 11, 23, 12, tzinfo=UTC)
    tasks = _answer(
        ids, assigned_to="user-a", status=TaskStatus.PENDING, assignment_expires_at=expiry
    )
    result = ChunkResult(tuple(ids), tasks=tasks)
    record = encode_chunk(result)
    assert decode_chunk(json.loads(json.dumps(record))) == result
    whole = {"task_ids": ids, "tasks": [t.model_dump(mode="json") for t in tasks], "error": None}
    assert len(json.dumps(record)) * 4 < len(json.dumps(whole)), "at most a quarter of the size"


def test_answers_that_differ_task_by_task_or_skip_ids_read_back_the_same() -> None:
    mixed = (
        AssignedTask(id="t2", assigned_to="user-a", priority=1),
        AssignedTask(id="t1", assigned_to="user-b", status=TaskStatus.COMPLETED),
    )
    for result in (
        ChunkResult(("t1", "t2", "t3"), tasks=mixed),  # out of order, t3 missing
        ChunkResult(("t1", "t2"), tasks=_answer(["t1", "t2"], assigned_to="user-a")),
        ChunkResult(("t1",), tasks=(), silent=True),
    ):
        assert decode_chunk(encode_chunk(result)) == result
