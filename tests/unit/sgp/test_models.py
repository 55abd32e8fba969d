"""The API models read what the spec promises, and do not break on what it does not."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sgp.models import (
    BatchAssignTaskRequest,
    ChunkExtraInfoSchema,
    FlexibleIOChunk,
    FlexibleTestCaseResultResponse,
    GenerationTestCaseResultResponse,
    HTTPValidationError,
    StringExtraInfoSchema,
    TaskResponse,
    TaskStatus,
    TaskType,
    TextUserMessageContentParts,
    UnknownChatMessage,
    UnknownExtraInfo,
    UnknownTestCaseResultResponse,
    UnknownUserMessageContentPart,
    UserInfo,
    UserMessage,
)

# The 200 example of the API reference (docs.gp.scale.com, "Batch assign tasks to user"),
# copied verbatim. Note that its entity lacks updated_at and created_by_identity_type,
# which the schema marks as required: the models must not insist on them.
SPEC_EXAMPLE = """
[
  {
    "id": "<string>",
    "task_type": "EVALUATION_ANNOTATION",
    "task_entity_parent_id": "<string>",
    "task_entity_id": "<string>",
    "account_id": "<string>",
    "assigned_to": "<string>",
    "assignment_expires_at": "2023-11-07T05:31:56Z",
    "status": "PENDING",
    "priority": 123,
    "task_entity": {
      "label_status": "PENDING",
      "audit_status": "UNAUDITED",
      "audit_required": true,
      "audit_comment": "<string>",
      "application_spec_id": "<string>",
      "evaluation_id": "<string>",
      "evaluation_dataset_id": "<string>",
      "evaluation_dataset_version_num": "<string>",
      "test_case_id": "<string>",
      "test_case_evaluation_data": {
        "generation_output": "<string>",
        "generation_extra_info": {
          "schema_type": "CHUNKS",
          "chunks": [
            {
              "text": "<string>",
              "metadata": {}
            }
          ]
        }
      },
      "test_case_evaluation_data_schema": "GENERATION",
      "result": {},
      "completed_at": "2023-11-07T05:31:56Z",
      "time_spent_labeling_s": 123,
      "application_test_case_output_id": "<string>",
      "id": "<string>",
      "created_at": "2023-11-07T05:31:56Z",
      "account_id": "<string>",
      "created_by_user_id": "<string>",
      "annotated_by_user_id": "<string>",
      "archived_at": "2023-11-07T05:31:56Z"
    }
  }
]
"""


def example_task() -> dict[str, Any]:
    data: list[dict[str, Any]] = json.loads(SPEC_EXAMPLE)
    return copy.deepcopy(data[0])


MINIMAL_TASK: dict[str, Any] = {
    "id": "task_1",
    "task_type": "EVALUATION_AUDIT",
    "task_entity_parent_id": "eval_1",
    "task_entity_id": "tcr_1",
    "account_id": "acct_1",
    "status": "NOT_READY",
    "priority": 0,
}


def test_spec_example_parses() -> None:
    task = TaskResponse.model_validate(example_task())

    assert task.id == "<string>"
    assert task.task_type is TaskType.EVALUATION_ANNOTATION
    assert task.status is TaskStatus.PENDING
    assert task.priority == 123
    assert task.assigned_to == "<string>"
    assert task.assignment_expires_at == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)
    entity = task.task_entity
    assert isinstance(entity, GenerationTestCaseResultResponse)
    assert entity.label_status == "PENDING"
    assert entity.updated_at is None
    assert entity.test_case_evaluation_data is not None
    extra = entity.test_case_evaluation_data.generation_extra_info
    assert isinstance(extra, ChunkExtraInfoSchema)
    assert extra.chunks[0].text == "<string>"


def test_spec_example_parses_from_json_text_too() -> None:
    tasks = pydantic.TypeAdapter(list[TaskResponse]).validate_json(SPEC_EXAMPLE)
    assert [t.id for t in tasks] == ["<string>"]


def test_minimal_task_has_optional_fields_as_none() -> None:
    task = TaskResponse.model_validate(MINIMAL_TASK)
    assert task.assigned_to is None
    assert task.assignment_expires_at is None
    assert task.task_entity is None
    assert task.status == "NOT_READY"


def test_unknown_enum_values_parse_as_strings() -> None:
    task = TaskResponse.model_validate(
        {**MINIMAL_TASK, "status": "ARCHIVED", "task_type": "REVIEWER_AUDIT"}
    )
    assert task.status == "ARCHIVED"
    assert not isinstance(task.status, TaskStatus)
    assert task.task_type == "REVIEWER_AUDIT"


def test_known_enum_values_become_enum_members() -> None:
    task = TaskResponse.model_validate({**MINIMAL_TASK, "status": "PENDING_REDO"})
    assert task.status is TaskStatus.PENDING_REDO
    assert task.task_type is TaskType.EVALUATION_AUDIT


def test_extra_fields_are_kept() -> None:
    data = example_task()
    data["sla_hours"] = 4
    data["task_entity"]["new_thing"] = {"a": 1}
    task = TaskResponse.model_validate(data)
    assert task.model_extra == {"sla_hours": 4}
    assert task.task_entity is not None
    assert task.task_entity.model_extra == {"new_thing": {"a": 1}}


def test_unknown_entity_kind_falls_back() -> None:
    data = example_task()
    data["task_entity"]["test_case_evaluation_data_schema"] = "MULTIMODAL"
    task = TaskResponse.model_validate(data)
    assert isinstance(task.task_entity, UnknownTestCaseResultResponse)
    assert task.task_entity.test_case_evaluation_data_schema == "MULTIMODAL"
    assert task.id == "<string>"


def test_malformed_known_entity_does_not_hide_the_task() -> None:
    data = {**MINIMAL_TASK, "task_entity": {"created_at": "yesterday-ish"}}
    task = TaskResponse.model_validate(data)
    assert isinstance(task.task_entity, UnknownTestCaseResultResponse)
    assert TaskResponse.model_validate({**MINIMAL_TASK, "task_entity": 42}).task_entity is None


def test_entity_without_discriminator_is_generation() -> None:
    task = TaskResponse.model_validate({**MINIMAL_TASK, "task_entity": {"id": "tcr_1"}})
    assert isinstance(task.task_entity, GenerationTestCaseResultResponse)


def test_unknown_extra_info_kind_falls_back() -> None:
    data = example_task()
    data["task_entity"]["test_case_evaluation_data"]["generation_extra_info"] = {
        "schema_type": "TABLE",
        "rows": [],
    }
    entity = TaskResponse.model_validate(data).task_entity
    assert isinstance(entity, GenerationTestCaseResultResponse)
    assert entity.test_case_evaluation_data is not None
    assert isinstance(entity.test_case_evaluation_data.generation_extra_info, UnknownExtraInfo)


def test_flexible_entity_parses() -> None:
    entity_json = {
        "test_case_evaluation_data_schema": "FLEXIBLE",
        "label_status": "COMPLETED",
        "id": "tcr_9",
        "test_case_evaluation_data": {
            "generation_output": {
                "answer": "Paris",
                "score": 0.5,
                "chunks": [{"text": "France's capital is Paris.", "metadata": {"page": 3}}],
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "Capital of France?"},
                            {"type": "audio", "audio": "..."},
                        ],
                    },
                    {"role": "assistant", "content": "Paris"},
                    {"role": "tool", "content": {"result": 1}},
                ],
                "file": {"uri": "s3://bucket/a.png", "file_type": "image"},
                "nothing": None,
            },
            "generation_extra_info": {"schema_type": "STRING", "info": "note"},
        },
    }
    task = TaskResponse.model_validate({**MINIMAL_TASK, "task_entity": entity_json})
    entity = task.task_entity
    assert isinstance(entity, FlexibleTestCaseResultResponse)
    assert entity.test_case_evaluation_data is not None
    output = entity.test_case_evaluation_data.generation_output
    assert isinstance(output, dict)
    assert output["answer"] == "Paris"
    assert output["chunks"] == [
        FlexibleIOChunk(text="France's capital is Paris.", metadata={"page": 3})
    ]
    messages = output["messages"]
    assert isinstance(messages, list)
    user = messages[1]
    assert isinstance(user, UserMessage)
    assert isinstance(user.content, list)
    assert isinstance(user.content[0], TextUserMessageContentParts)
    assert isinstance(user.content[1], UnknownUserMessageContentPart)
    assert isinstance(messages[3], UnknownChatMessage)
    assert isinstance(entity.test_case_evaluation_data.generation_extra_info, StringExtraInfoSchema)


def test_parsed_task_round_trips_through_json() -> None:
    task = TaskResponse.model_validate(example_task())
    assert TaskResponse.model_validate_json(task.model_dump_json()) == task


@pytest.mark.parametrize("missing", ["id", "status", "priority"])
def test_missing_required_task_field_is_a_validation_error(missing: str) -> None:
    data = {k: v for k, v in MINIMAL_TASK.items() if k != missing}
    with pytest.raises(pydantic.ValidationError):
        TaskResponse.model_validate(data)


def test_request_body_omits_unset_assignee() -> None:
    assert BatchAssignTaskRequest(task_ids=["a"], assigned_to=None).to_json() == {"task_ids": ["a"]}
    assert BatchAssignTaskRequest(task_ids=["a"], assigned_to="u").to_json() == {
        "task_ids": ["a"],
        "assigned_to": "u",
    }


def test_http_validation_error_parses() -> None:
    body = {"detail": [{"loc": ["body", "task_ids", 0], "msg": "bad", "type": "string_type"}]}
    error = HTTPValidationError.model_validate(body)
    assert error.detail is not None
    assert error.detail[0].describe() == "body.task_ids.0: bad"


def test_user_info_keeps_unknown_fields() -> None:
    info = UserInfo.model_validate(
        {"id": "u1", "email": "a@b.c", "organization_id": "org", "access_profiles": []}
    )
    assert info.id == "u1"
    assert info.first_name is None
    assert info.model_extra == {"access_profiles": []}


# --- property: whatever arrives, the only failure is a ValidationError --------------------

_INTERESTING_STRINGS = st.sampled_from(
    [
        "GENERATION",
        "FLEXIBLE",
        "CHUNKS",
        "STRING",
        "user",
        "assistant",
        "system",
        "text",
        "image_url",
        "image_data",
        "PENDING",
        "EVALUATION_AUDIT",
        "2023-11-07T05:31:56Z",
        "",
    ]
)
_KEYS = st.sampled_from(
    [
        *MINIMAL_TASK,
        "assigned_to",
        "assignment_expires_at",
        "task_entity",
        "test_case_evaluation_data_schema",
        "test_case_evaluation_data",
        "generation_output",
        "generation_extra_info",
        "schema_type",
        "chunks",
        "text",
        "metadata",
        "role",
        "content",
        "type",
        "image_url",
        "image_data",
        "url",
        "result",
        "created_at",
        "edited_by",
        "email",
    ]
) | st.text(max_size=6)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | _INTERESTING_STRINGS
)
_JSONISH = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=6),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(_KEYS, _JSONISH, max_size=10), base=st.booleans())
def test_any_jsonish_dict_either_parses_or_raises_validation_error(
    data: dict[str, Any], base: bool
) -> None:
    candidate = {**MINIMAL_TASK, **data} if base else data
    try:
        task = TaskResponse.model_validate(candidate)
    except pydantic.ValidationError:
        return
    task.model_dump_json()  # whatever parsed can be logged


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entity=_JSONISH)
def test_any_entity_never_fails_an_otherwise_valid_task(entity: Any) -> None:
    task = TaskResponse.model_validate({**MINIMAL_TASK, "task_entity": entity})
    assert task.id == "task_1"
