"""What the bot reads of a platform task, in the core's own types.

The platform's client parses its answers straight into these (see `bot/sgp`), so they are
pydantic models; they hold only the fields something in the bot reads. The platform changes
under us (new statuses and task types, fields that come and go), so the rule is the one of
DESIGN.md: a task is never reported as assigned unless the answer says so (`id` and
`assigned_to` are read strictly), and no field that is only shown (status, type, priority,
expiry) can fail a task: an unknown status stays a plain string, and a missing, null or
unreadable one is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

__all__ = [
    "AssignedTask",
    "ChunkError",
    "ChunkResult",
    "ListedTask",
    "TaskStatus",
    "TaskType",
]


class TaskStatus(StrEnum):
    """The statuses the platform documents; other API versions may send others."""

    NOT_READY = "NOT_READY"
    PENDING = "PENDING"
    PENDING_REDO = "PENDING_REDO"
    COMPLETED = "COMPLETED"
    FIXED = "FIXED"


class TaskType(StrEnum):
    """The task types the platform documents."""

    EVALUATION_ANNOTATION = "EVALUATION_ANNOTATION"
    EVALUATION_AUDIT = "EVALUATION_AUDIT"
    CONTRIBUTOR_ANNOTATION = "CONTRIBUTOR_ANNOTATION"
    CONTRIBUTOR_AUDIT = "CONTRIBUTOR_AUDIT"


def _unreadable(value: Any) -> None:
    """A shown-only field that cannot be read is left out rather than failing its task."""
    return None


#: The last member of a shown-only field's union: whatever the others refused becomes None.
#: Tried left to right, so a readable value never leaves pydantic's Rust core; a wrap
#: validator instead called Python for every field of every task (half a 500-task answer's
#: parsing time in bench.chunk_overhead).
_Unreadable: TypeAlias = Annotated[Any, PlainValidator(_unreadable)]
_InOrder = Field(union_mode="left_to_right")

# A known value becomes the enum member (left_to_right: smart mode would keep the plain str),
# any other string stays as sent, anything else is None. None before _Unreadable: a null is
# read in Rust too (RUF036 would put it last, where it would cost a Python call).
Status: TypeAlias = Annotated[TaskStatus | str | None | _Unreadable, _InOrder]  # noqa: RUF036
Kind: TypeAlias = Annotated[TaskType | str | None | _Unreadable, _InOrder]  # noqa: RUF036
Priority: TypeAlias = Annotated[int | None | _Unreadable, _InOrder]  # noqa: RUF036
Expiry: TypeAlias = Annotated[datetime | None | _Unreadable, _InOrder]  # noqa: RUF036


class _Task(BaseModel):
    """Fields not listed here are dropped when parsed: nothing reads them."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class AssignedTask(_Task):
    """One task as a batch-assign answer gives it: `assigned_to` is the platform user id."""

    id: str
    assigned_to: str | None = None
    status: Status = None
    task_type: Kind = None
    priority: Priority = None
    assignment_expires_at: Expiry = None


class ListedTask(_Task):
    """One task of an evaluation's listing, before anything is assigned."""

    id: str
    assignee_id: str | None = None
    status: Status = None
    task_type: Kind = None
    priority: Priority = None
    #: When the current assignment lapses (reminders, App Home's time left); shown only.
    assignment_expires_at: Expiry = None


@dataclass(frozen=True)
class ChunkError:
    """Why a chunk's request failed, in words a person can act on.

    `status` is the HTTP status when the platform answered, None when it could not be reached
    or did not answer in time.
    """

    message: str
    status: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ChunkResult:
    """What one batch-assign request of a chunk came back with: the tasks, or the error.

    `silent`: the platform answered 200 `null`, so it did not say which tasks it assigned.
    `read_back`: `tasks` were read back from the evaluation's listing (the answer was null or
    lost), not taken from the answer.
    """

    task_ids: tuple[str, ...]
    tasks: tuple[AssignedTask, ...] = ()
    error: ChunkError | None = None
    silent: bool = False
    read_back: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


class PlatformError(Exception):
    """The platform could not do what was asked (the client's errors derive from it), so code
    that only needs to know "the platform failed" does not depend on the client."""
