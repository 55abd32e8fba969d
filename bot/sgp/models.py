"""Pydantic models of the batch-assign API (spec/batch-assign.openapi.yaml).

The platform changes under us: enum values differ between API versions and new fields and
entity kinds appear. So every model allows extra fields, every enum-typed field also accepts
any string, an unknown discriminator value falls back to a permissive model, and the fields
the bot does not need are optional. A response the bot can use must never fail to parse
because of a detail it does not look at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

if TYPE_CHECKING:
    from bot.sgp.errors import SGPError

__all__ = [
    "AssistantMessage",
    "AuditStatus",
    "BatchAssignTaskRequest",
    "ChatMessageV2",
    "ChunkData",
    "ChunkExtraInfoSchema",
    "ChunkResult",
    "EvaluationStatus",
    "ExtraInfoSchema",
    "FlexibleIOChunk",
    "FlexibleTestCaseResultResponse",
    "GenerationTestCaseResultResponse",
    "HTTPValidationError",
    "IdentifierType",
    "ListedTask",
    "OrganizationUser",
    "Page",
    "ResultSchemaFlexible",
    "ResultSchemaGeneration",
    "StringExtraInfoSchema",
    "SystemMessage",
    "TaskListingItem",
    "TaskResponse",
    "TaskStatus",
    "TaskType",
    "TestCaseResultResponse",
    "UnknownChatMessage",
    "UnknownExtraInfo",
    "UnknownTestCaseResultResponse",
    "UnknownUserMessageContentPart",
    "UserInfo",
    "UserMessage",
    "UserMessageContentParts",
    "UserV2Details",
    "ValidationDetail",
]


class _Model(BaseModel):
    """Base of every model here: keep fields the spec does not know yet instead of failing."""

    model_config = ConfigDict(extra="allow")


# --- enums: the known values, for reference and comparison (StrEnum == str) ---------------


class TaskStatus(StrEnum):
    """TaskORMStatusEnum; other API versions may send values not listed here."""

    NOT_READY = "NOT_READY"
    PENDING = "PENDING"
    PENDING_REDO = "PENDING_REDO"
    COMPLETED = "COMPLETED"
    FIXED = "FIXED"


class TaskType(StrEnum):
    """TaskORMTaskTypeEnum."""

    EVALUATION_ANNOTATION = "EVALUATION_ANNOTATION"
    EVALUATION_AUDIT = "EVALUATION_AUDIT"
    CONTRIBUTOR_ANNOTATION = "CONTRIBUTOR_ANNOTATION"
    CONTRIBUTOR_AUDIT = "CONTRIBUTOR_AUDIT"


class EvaluationStatus(StrEnum):
    """EvaluationORMStatusEnum (a test case result's label_status)."""

    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class AuditStatus(StrEnum):
    """AuditORMStatusEnum."""

    UNAUDITED = "UNAUDITED"
    FIXED = "FIXED"
    APPROVED = "APPROVED"


class IdentifierType(StrEnum):
    """IdentifierTypeEnum."""

    USER = "user"
    SERVICE_ACCOUNT = "service_account"


# Known values become the enum member, anything else stays a plain string. left_to_right so
# that "PENDING" really becomes TaskStatus.PENDING (smart mode would keep the plain str).
TaskStatusValue = Annotated[TaskStatus | str, Field(union_mode="left_to_right")]
TaskTypeValue = Annotated[TaskType | str, Field(union_mode="left_to_right")]
EvaluationStatusValue = Annotated[EvaluationStatus | str, Field(union_mode="left_to_right")]
AuditStatusValue = Annotated[AuditStatus | str, Field(union_mode="left_to_right")]
IdentifierTypeValue = Annotated[IdentifierType | str, Field(union_mode="left_to_right")]


def _tag_of(field: str, known: frozenset[str]) -> Callable[[Any], str]:
    """A discriminator function: the known tag value, "unknown" for anything else.

    Reads dicts (JSON input) and model instances (Python input) alike.
    """

    def tag(value: Any) -> str:
        raw = value.get(field) if isinstance(value, dict) else getattr(value, field, None)
        return raw if isinstance(raw, str) and raw in known else "unknown"

    return tag


# --- ExtraInfoSchema (discriminated on schema_type) --------------------------------------


class ChunkData(_Model):
    text: str
    metadata: dict[str, Any] | None = None


class ChunkExtraInfoSchema(_Model):
    schema_type: Literal["CHUNKS"] = "CHUNKS"
    chunks: list[ChunkData]


class StringExtraInfoSchema(_Model):
    schema_type: Literal["STRING"] = "STRING"
    info: str


class UnknownExtraInfo(_Model):
    """An extra-info kind this version of the bot does not know; its fields are kept as extras."""

    schema_type: Any = None


ExtraInfoSchema = Annotated[
    Annotated[ChunkExtraInfoSchema, Tag("CHUNKS")]
    | Annotated[StringExtraInfoSchema, Tag("STRING")]
    | Annotated[UnknownExtraInfo, Tag("unknown")],
    Discriminator(_tag_of("schema_type", frozenset({"CHUNKS", "STRING"}))),
]


# --- ChatMessageV2 (on role) and UserMessageContentParts (on type) -----------------------


class ImageUrlSubPart(_Model):
    url: str
    detail: str | None = None


class ImageDataSubPart(_Model):
    type: str | None = "base64"
    media_type: str
    data: str
    detail: str | None = None


class TextUserMessageContentParts(_Model):
    type: Literal["text"] = "text"
    text: str


class ImageUrlUserMessageContentParts(_Model):
    type: Literal["image_url"] = "image_url"
    image_url: ImageUrlSubPart


class ImageDataUserMessageContentParts(_Model):
    type: Literal["image_data"] = "image_data"
    image_data: ImageDataSubPart


class UnknownUserMessageContentPart(_Model):
    """A content part kind this version of the bot does not know."""

    type: Any = None


UserMessageContentParts = Annotated[
    Annotated[TextUserMessageContentParts, Tag("text")]
    | Annotated[ImageUrlUserMessageContentParts, Tag("image_url")]
    | Annotated[ImageDataUserMessageContentParts, Tag("image_data")]
    | Annotated[UnknownUserMessageContentPart, Tag("unknown")],
    Discriminator(_tag_of("type", frozenset({"text", "image_url", "image_data"}))),
]


class UserMessage(_Model):
    role: Literal["user"] = "user"
    content: str | list[UserMessageContentParts]


class AssistantMessage(_Model):
    role: Literal["assistant"] = "assistant"
    content: str


class SystemMessage(_Model):
    role: Literal["system"] = "system"
    content: str


class UnknownChatMessage(_Model):
    """A message role this version of the bot does not know (e.g. tool messages)."""

    role: Any = None
    content: Any = None


ChatMessageV2 = Annotated[
    Annotated[UserMessage, Tag("user")]
    | Annotated[AssistantMessage, Tag("assistant")]
    | Annotated[SystemMessage, Tag("system")]
    | Annotated[UnknownChatMessage, Tag("unknown")],
    Discriminator(_tag_of("role", frozenset({"user", "assistant", "system"}))),
]


# --- test case results (the task's entity) -----------------------------------------------


class FlexibleIOChunk(_Model):
    text: str
    metadata: dict[str, Any] | None = None


class ExternalFile(_Model):
    uri: str
    file_type: str


class InternalFile(_Model):
    file_id: str
    file_type: str


# Tried in order, so a list of chunks or messages is read as such before falling back to Any.
FlexibleValue = Annotated[
    bool
    | str
    | int
    | float
    | list[FlexibleIOChunk]
    | list[ChatMessageV2]
    | list[Any]
    | ExternalFile
    | InternalFile
    | dict[str, Any]
    | None,
    Field(union_mode="left_to_right"),
]


class ResultSchemaGeneration(_Model):
    generation_output: str | None = None
    generation_extra_info: ExtraInfoSchema | None = None


class ResultSchemaFlexible(_Model):
    generation_output: str | dict[str, FlexibleValue] | None = None
    generation_extra_info: ExtraInfoSchema | None = None


class UserV2Details(_Model):
    id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    preferences: dict[str, Any] | None = None


ResultValue = str | int | bool | float | list[str | int | float | bool]


class _TestCaseResultBase(_Model):
    """Fields shared by both entity kinds.

    All optional: the spec marks many as required, yet its own published example omits some
    (updated_at, created_by_identity_type), and the bot only shows a few of them.
    """

    id: str | None = None
    label_status: EvaluationStatusValue | None = None
    audit_status: AuditStatusValue | None = None
    audit_required: bool | None = None
    audit_comment: str | None = None
    application_spec_id: str | None = None
    evaluation_id: str | None = None
    evaluation_dataset_id: str | None = None
    evaluation_dataset_version_num: str | None = None
    test_case_id: str | None = None
    result: dict[str, ResultValue] | None = None
    completed_at: datetime | None = None
    time_spent_labeling_s: int | None = None
    application_test_case_output_id: str | None = None
    invalidated_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    account_id: str | None = None
    created_by_user_id: str | None = None
    created_by_identity_type: IdentifierTypeValue | None = None
    annotated_by_user_id: str | None = None
    annotated_by_identity_type: IdentifierTypeValue | None = None
    edited_by_user_id: str | None = None
    edited_by_identity_type: IdentifierTypeValue | None = None
    archived_at: datetime | None = None
    edited_by: UserV2Details | None = None


class GenerationTestCaseResultResponse(_TestCaseResultBase):
    test_case_evaluation_data_schema: Literal["GENERATION"] = "GENERATION"
    test_case_evaluation_data: ResultSchemaGeneration | None = None


class FlexibleTestCaseResultResponse(_TestCaseResultBase):
    test_case_evaluation_data_schema: Literal["FLEXIBLE"] = "FLEXIBLE"
    test_case_evaluation_data: ResultSchemaFlexible | None = None


class UnknownTestCaseResultResponse(_Model):
    """An entity the bot cannot read (new kind, or a shape that does not match the spec).

    Everything it carried is kept as extra fields, for logs.
    """

    test_case_evaluation_data_schema: Any = None


def _entity_tag(value: Any) -> str:
    """Discriminator of TestCaseResultResponse; a missing value means GENERATION (the default)."""
    if isinstance(value, dict):
        raw = value.get("test_case_evaluation_data_schema", "GENERATION")
    else:
        raw = getattr(value, "test_case_evaluation_data_schema", None)
    return raw if raw in ("GENERATION", "FLEXIBLE") else "unknown"


TestCaseResultResponse = Annotated[
    Annotated[GenerationTestCaseResultResponse, Tag("GENERATION")]
    | Annotated[FlexibleTestCaseResultResponse, Tag("FLEXIBLE")]
    | Annotated[UnknownTestCaseResultResponse, Tag("unknown")],
    Discriminator(_entity_tag),
]


# --- the task ----------------------------------------------------------------------------


class TaskResponse(_Model):
    """One task as the platform returns it. The bot reads id, assigned_to and status.

    The task entity (the test case result, the largest part of a task) is kept as sent and
    read only when asked for: a 10,000-task answer then parses several times faster, and a
    malformed entity can never hide that the task itself was assigned.
    """

    id: str
    task_type: TaskTypeValue
    task_entity_parent_id: str
    task_entity_id: str
    account_id: str
    status: TaskStatusValue
    priority: int
    assigned_to: str | None = None
    assignment_expires_at: datetime | None = None
    raw_task_entity: Any = Field(default=None, alias="task_entity")

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @cached_property
    def task_entity(self) -> TestCaseResultResponse | None:
        """The entity as a model: GENERATION or FLEXIBLE, or kept as unknown when unreadable."""
        value = self.raw_task_entity
        if not isinstance(value, dict):
            return None
        try:
            return _ENTITY.validate_python(value)
        except ValidationError:
            return UnknownTestCaseResultResponse.model_validate(value)


_ENTITY: TypeAdapter[TestCaseResultResponse] = TypeAdapter(TestCaseResultResponse)


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


class HTTPValidationError(_Model):
    """The 422 body."""

    detail: list[ValidationDetail] | None = None


class UserInfo(_Model):
    """GET /user-info: who the API key belongs to."""

    id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    organization_id: str | None = None


# --- paged listings: organization users, an evaluation's tasks ---------------------------

T = TypeVar("T")


class Page(_Model, Generic[T]):
    """One page of a paged listing (`page` counts from 1).

    The counts are optional: the client pages on until a short or empty page when they are
    missing, so a listing that leaves them out still ends.
    """

    items: list[T] = Field(default_factory=list)
    total_item_count: int | None = None
    current_page: int | None = None
    items_per_page: int | None = None


class OrganizationUser(UserV2Details):
    """An item of GET /v4/organizations/{organization_id}/users: a platform user of the org."""


class ListedTask(_Model):
    """The task of a test case result, as GET .../test-case-results?view=Task returns it.

    Unlike TaskResponse, `assigned_to` is the user object (or null) rather than an id; a bare
    id string, as other endpoints send it, is read as a user with only an id.
    """

    id: str
    status: TaskStatusValue | None = None
    task_type: TaskTypeValue | None = None
    priority: int | None = None
    assigned_to: UserV2Details | None = None
    assignment_expires_at: datetime | None = None

    @field_validator("assigned_to", mode="before")
    @classmethod
    def _id_is_a_user(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @property
    def assignee_id(self) -> str | None:
        """The platform user id the task is assigned to, None when unassigned."""
        return self.assigned_to.id if self.assigned_to is not None else None


class TaskListingItem(_Model):
    """An item of the test case results listing with the Task view; `task` may be missing."""

    id: str | None = None
    task: ListedTask | None = None

    @field_validator("task", mode="wrap")
    @classmethod
    def _unreadable_task_is_none(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """One malformed task must not hide the rest of the listing; it is left out instead."""
        try:
            return handler(value)
        except ValidationError:
            return None


@dataclass(frozen=True)
class ChunkResult:
    """What one batch-assign request of a chunk came back with: the tasks, or the error."""

    task_ids: tuple[str, ...]
    tasks: tuple[TaskResponse, ...] = ()
    error: SGPError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
