"""The platform's wire models that the bot sends or reads (spec/batch-assign.openapi.yaml).

Only what is sent or read is modelled. A batch-assign answer is parsed straight into the core's
`AssignedTask` (its field names are the platform's); the task listing needs a wire shape of its
own, because there `assigned_to` is a user object. The platform changes under us, so fields the
bot does not read are ignored or kept as extras, never a reason to fail.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from bot.core.tasks import ListedTask

__all__ = [
    "BatchAssignTaskRequest",
    "OrganizationUser",
    "Page",
    "TaskListingItem",
    "UserInfo",
    "ValidationDetail",
]


class _Model(BaseModel):
    """Keep the fields the spec does not know yet (for logs) instead of failing."""

    model_config = ConfigDict(extra="allow")


class BatchAssignTaskRequest(_Model):
    """Body of PATCH /v4/evaluations/{evaluation_id}/tasks/batch-assign."""

    task_ids: list[str]
    assigned_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The request body; assigned_to is left out when unset (the spec has no null)."""
        return self.model_dump(mode="json", exclude_none=True)


class ValidationDetail(_Model):
    """One entry of a 422 body's detail list (the spec's ValidationError schema)."""

    loc: list[str | int] = Field(default_factory=list)
    msg: str = ""
    type: str = ""
    input: Any = None
    ctx: dict[str, Any] | None = None

    def describe(self) -> str:
        """Like `body.task_ids.0: Input should be a valid string`: what a person can act on."""
        where = ".".join(str(part) for part in self.loc)
        return f"{where}: {self.msg}" if where else self.msg


class UserInfo(_Model):
    """GET /user-info: who the API key belongs to."""

    id: str
    email: str | None = None
    organization_id: str | None = None


class OrganizationUser(_Model):
    """An item of GET /v4/organizations/{organization_id}/users: a platform user of the org."""

    id: str
    email: str | None = None


# --- paged listings: organization users, an evaluation's tasks ---------------------------

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a paged listing (`page` counts from 1).

    The counts are optional: the client pages on until a short or empty page when they are
    missing, so a listing that leaves them out still ends.
    """

    items: list[T] = Field(default_factory=list)
    total_item_count: int | None = None
    items_per_page: int | None = None


def _assignee_id(assigned_to: Any) -> Any:
    """The listing's `assigned_to` is a user object; other endpoints send a bare id."""
    if isinstance(assigned_to, dict):
        return assigned_to.get("id")
    return assigned_to


class TaskListingItem(BaseModel):
    """An item of GET .../test-case-results?view=Task: a test case result and its task.

    Only the task is read; the test case result around it (the bulk of the item) is ignored.
    """

    task: ListedTask | None = None

    @field_validator("task", mode="wrap")
    @classmethod
    def _task(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """The core's ListedTask; one malformed task is left out, not the whole listing."""
        if isinstance(value, dict):
            value = {**value, "assignee_id": _assignee_id(value.get("assigned_to"))}
        try:
            return handler(value)
        except ValidationError:
            return None
