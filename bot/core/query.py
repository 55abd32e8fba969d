"""Tasks picked by a query instead of typed ids, and what a task listing says about a request.

Pure: the caller lists the evaluation's tasks (`SGPClient.list_evaluation_tasks`) and hands
them in, in the platform's order.

Which tasks a query takes: PENDING (exactly; not PENDING_REDO, NOT_READY or any other status)
and assigned to nobody. Their order is the platform's, except that priority comes first when
tasks have one: a stable sort by priority, highest number first, tasks without a priority
last, ties in the platform's order. The API documents `priority` only as an integer; "higher
is more urgent" is the reading of Scale's other task APIs, and `priority_key` is the one place
to change if the platform says otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Annotated, Final, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from bot.core.plan import PENDING_STATUSES
from bot.core.tasks import ListedTask, TaskStatus

#: How many ids of each kind a check keeps, to name a few of them in the preview.
IDS_KEPT: Final = 20


class NextTasks(BaseModel):
    """`next N`: the first `count` pending, unassigned tasks."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["next"] = "next"
    count: int = Field(ge=1)


class UnassignedTasks(BaseModel):
    """`unassigned`: every pending, unassigned task."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["unassigned"] = "unassigned"


TaskQuery: TypeAlias = Annotated[NextTasks | UnassignedTasks, Field(discriminator="kind")]


def describe(query: NextTasks | UnassignedTasks) -> str:
    """The query in words, for the preview: what was asked for."""
    if isinstance(query, NextTasks):
        noun = "task" if query.count == 1 else "tasks"
        return f"the next {query.count:,} pending, unassigned {noun}"
    return "every pending, unassigned task"


def is_available(task: ListedTask) -> bool:
    """Waiting for someone: PENDING and assigned to nobody."""
    return task.status == TaskStatus.PENDING and task.assignee_id is None


def priority_key(task: ListedTask) -> tuple[int, int]:
    """Sort key: tasks with a priority first, the highest first; then those without one."""
    if task.priority is None:
        return (1, 0)
    return (0, -task.priority)


def worth_keeping(
    task: ListedTask,
    query: NextTasks | UnassignedTasks | None,
    requested: Collection[str],
    user_ids: Collection[str],
) -> bool:
    """Whether a preview needs this task of the listing: one the query may pick, one of the
    `requested` (typed) ids, or a pending task of one of the assignees (their load).

    `select`, `check` and `pending_loads` read only such tasks, so a listing read page by page
    and filtered with this gives them the same answers without holding the whole evaluation.
    """
    if query is not None and is_available(task):
        return True
    if task.id in requested:
        return True
    return task.assignee_id in user_ids and task.status in PENDING_STATUSES


def select(tasks: Iterable[ListedTask], query: NextTasks | UnassignedTasks) -> tuple[str, ...]:
    """The ids the query picks, in the order they will be split among the assignees.

    A task listed twice (the listing changed between two pages) counts once.
    """
    seen: set[str] = set()
    available: list[ListedTask] = []
    for task in tasks:
        if task.id not in seen and is_available(task):
            seen.add(task.id)
            available.append(task)
    ordered = sorted(available, key=priority_key)  # stable: ties keep the platform's order
    if isinstance(query, NextTasks):
        ordered = ordered[: query.count]
    return tuple(task.id for task in ordered)


class TaskChecks(BaseModel):
    """What the task listing said about the requested tasks, before anything was assigned.

    `checked` is False when the listing could not be read in time: the preview then says it
    could not check, rather than showing no warnings. The id tuples hold at most IDS_KEPT ids
    each; the counts are complete.
    """

    model_config = ConfigDict(frozen=True)

    checked: bool = True
    completed: int = 0
    completed_ids: tuple[str, ...] = ()
    assigned_elsewhere: int = 0
    assigned_elsewhere_ids: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.completed > 0 or self.assigned_elsewhere > 0


UNCHECKED: Final = TaskChecks(checked=False)


def check(tasks: Iterable[ListedTask], shares: Iterable[tuple[str, Sequence[str]]]) -> TaskChecks:
    """Count the requested tasks that are COMPLETED, or assigned to someone other than the
    person this request gives them to. `shares`: (platform user id, task ids) per assignee.

    Ids the listing does not show are not counted: the listing may not show every kind of task,
    and the platform's answer to the assignment says what happened to them.
    """
    by_id = {task.id: task for task in tasks}
    completed: list[str] = []
    elsewhere: list[str] = []
    for user_id, task_ids in shares:
        for task_id in task_ids:
            task = by_id.get(task_id)
            if task is None:
                continue
            if task.status == TaskStatus.COMPLETED:
                completed.append(task_id)
            elif task.assignee_id is not None and task.assignee_id != user_id:
                elsewhere.append(task_id)
    return TaskChecks(
        completed=len(completed),
        completed_ids=tuple(completed[:IDS_KEPT]),
        assigned_elsewhere=len(elsewhere),
        assigned_elsewhere_ids=tuple(elsewhere[:IDS_KEPT]),
    )


class Before(BaseModel):
    """Who had the requested tasks when the preview read the listing, kept small: only the
    tasks that had someone (`previous`: task id -> platform user id), and the requested ids the
    listing did not show. Every other requested task had nobody.

    A `unassigned` request of 50,000 tasks keeps two empty collections.
    """

    model_config = ConfigDict(frozen=True)

    previous: dict[str, str] = {}
    unlisted: tuple[str, ...] = ()


def before_of(tasks: Iterable[ListedTask], shares: Iterable[tuple[str, Sequence[str]]]) -> Before:
    """The Before of the requested ids (`shares`: user id, task ids) from a listing."""
    assignees = {task.id: task.assignee_id for task in tasks}
    previous: dict[str, str] = {}
    unlisted: list[str] = []
    for _, task_ids in shares:
        for task_id in task_ids:
            if task_id not in assignees:
                unlisted.append(task_id)
            elif (who := assignees[task_id]) is not None:
                previous[task_id] = who
    return Before(previous=previous, unlisted=tuple(unlisted))
