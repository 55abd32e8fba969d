"""The chunk record codec: a chunk's result as JSON in Redis, and back.

Old records stay readable: the format only grows optional fields.
"""

from __future__ import annotations

from typing import Any

from bot.core.tasks import AssignedTask, ChunkError, ChunkResult


def encode_chunk(result: ChunkResult) -> dict[str, Any]:
    """The tasks as the core reads them (records written before kept more fields: ignored)."""
    error = result.error
    return {
        "task_ids": list(result.task_ids),
        "tasks": [task.model_dump(mode="json") for task in result.tasks],
        "error": None if error is None else {"message": error.message, "status": error.status},
        "silent": result.silent,
        "read_back": result.read_back,
    }


def decode_chunk(raw: dict[str, Any]) -> ChunkResult:
    error = raw.get("error")
    return ChunkResult(
        task_ids=tuple(raw["task_ids"]),
        tasks=tuple(AssignedTask.model_validate(task) for task in raw.get("tasks", [])),
        error=None if error is None else ChunkError(error["message"], status=error.get("status")),
        silent=bool(raw.get("silent", False)),
        read_back=bool(raw.get("read_back", False)),
    )
