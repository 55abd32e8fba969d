"""Reading a chunk's tasks back when its answer said nothing (200 `null`) or was lost.

A request whose answer never arrived (a timeout, a reset connection) may still have been
carried out, and a `null` answer does not say which tasks were assigned. Rather than report
such tasks as failed or unknown, the evaluation's listing is read and each task's assignee
taken from there; `bot.core.outcome.judge` then counts only what the listing shows.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.core.outcome import needs_read_back, unrequested
from bot.core.tasks import AssignedTask, ChunkResult, ListedTask, PlatformError
from bot.usecases.ports import Platform

log = logging.getLogger(__name__)


async def checked(
    sgp: Platform, evaluation_id: str, result: ChunkResult, assigned_to: str
) -> ChunkResult:
    """The chunk's result, read back from the listing when the answer cannot be relied on.

    Ids in the answer that nobody asked for are logged as a warning (they are never counted).
    """
    extra = unrequested(result)
    if extra:
        log.warning(
            "the platform's answer for evaluation %s named %d task(s) not asked for "
            "(not counted): %s",
            evaluation_id,
            len(extra),
            ", ".join(extra[:10]),
        )
    if not needs_read_back(result):
        return result
    return await read_back(sgp, evaluation_id, result, assigned_to)


async def read_back(
    sgp: Platform, evaluation_id: str, result: ChunkResult, assigned_to: str
) -> ChunkResult:
    """The chunk with its tasks as the evaluation's listing shows them now.

    A lost answer whose every task the listing shows assigned to `assigned_to` is no failure
    any more (so "Retry failed" leaves it alone). When the listing cannot be read either, the
    result is kept as it was: the tasks are then reported as failed (a lost answer) or as not
    said (a null answer), never as assigned.
    """
    why = "answered null" if result.error is None else f"failed ({result.error})"
    try:
        listed = await sgp.list_evaluation_tasks(evaluation_id)
    except PlatformError as err:
        log.warning(
            "a batch-assign of %d task(s) in %s %s, and reading them back failed too: %s",
            len(result.task_ids),
            evaluation_id,
            why,
            err,
        )
        return result
    by_id = {task.id: task for task in listed}
    found = tuple(_as_assigned(by_id[i]) for i in result.task_ids if i in by_id)
    log.info(
        "a batch-assign of %d task(s) in %s %s; read back: %d found",
        len(result.task_ids),
        evaluation_id,
        why,
        len(found),
    )
    done = len(found) == len(result.task_ids) and all(t.assigned_to == assigned_to for t in found)
    error = None if done else result.error
    return replace(result, tasks=found, read_back=True, error=error)


def _as_assigned(task: ListedTask) -> AssignedTask:
    return AssignedTask(
        id=task.id,
        assigned_to=task.assignee_id,
        status=task.status,
        task_type=task.task_type,
        priority=task.priority,
    )
