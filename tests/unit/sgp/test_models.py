"""The platform's answers parse at the edge into the core's types, and do not break on what
the bot does not read."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.tasks import AssignedTask, ListedTask, TaskStatus, TaskType
from bot.sgp.models import (
    BatchAssignTaskRequest,
    OrganizationUser,
    Page,
    TaskListingItem,
    UserInfo,
    ValidationDetail,
)

TASKS = pydantic.TypeAdapter(list[AssignedTask] | None)
LISTING = pydantic.TypeAdapter(Page[TaskListingItem])

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


def test_spec_example_parses_straight_from_the_bytes() -> None:
    [task] = TASKS.validate_json(SPEC_EXAMPLE.encode()) or []

    assert task.id == "<string>"
    assert task.task_type is TaskType.EVALUATION_ANNOTATION
    assert task.status is TaskStatus.PENDING
    assert task.priority == 123
    assert task.assigned_to == "<string>"
    assert task.assignment_expires_at == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)


def test_null_answer_is_none() -> None:
    assert TASKS.validate_json(b"null") is None


def test_only_what_the_bot_reads_is_kept() -> None:
    data = example_task()
    data["sla_hours"] = 4
    task = AssignedTask.model_validate(data)
    assert set(task.model_dump()) == {
        "id",
        "assigned_to",
        "status",
        "task_type",
        "priority",
        "assignment_expires_at",
    }


def test_parsed_task_round_trips_through_json() -> None:
    task = AssignedTask.model_validate(example_task())
    assert AssignedTask.model_validate_json(task.model_dump_json()) == task


@pytest.mark.parametrize("missing", ["task_type", "task_entity_parent_id", "account_id", "status"])
def test_a_field_nobody_decides_on_may_be_missing(missing: str) -> None:
    data = {k: v for k, v in MINIMAL_TASK.items() if k != missing}
    assert AssignedTask.model_validate(data).id == "task_1"


def test_a_task_without_an_id_is_a_validation_error() -> None:
    data = {k: v for k, v in MINIMAL_TASK.items() if k != "id"}
    with pytest.raises(pydantic.ValidationError):
        AssignedTask.model_validate(data)


def test_request_body_omits_unset_assignee() -> None:
    assert BatchAssignTaskRequest(task_ids=["a"], assigned_to=None).to_json() == {"task_ids": ["a"]}
    assert BatchAssignTaskRequest(task_ids=["a"], assigned_to="u").to_json() == {
        "task_ids": ["a"],
        "assigned_to": "u",
    }


def test_validation_detail_says_where_and_what() -> None:
    detail = ValidationDetail.model_validate(
        {"loc": ["body", "task_ids", 0], "msg": "bad", "type": "string_type"}
    )
    assert detail.describe() == "body.task_ids.0: bad"
    assert ValidationDetail(msg="just this").describe() == "just this"


def test_user_info_keeps_unknown_fields() -> None:
    info = UserInfo.model_validate(
        {"id": "u1", "email": "a@b.c", "organization_id": "org", "access_profiles": []}
    )
    assert (info.id, info.email, info.organization_id) == ("u1", "a@b.c", "org")
    assert info.model_extra == {"access_profiles": []}


def test_organization_user_needs_only_an_id() -> None:
    user = OrganizationUser.model_validate({"id": "u1", "first_name": "Ada"})
    assert (user.id, user.email) == ("u1", None)


# --- the task listing ----------------------------------------------------------------------


def test_listing_items_give_the_core_listed_task() -> None:
    page = LISTING.validate_json(
        json.dumps(
            {
                "items": [
                    {
                        "id": "tcr_1",
                        "test_case_evaluation_data": {"generation_output": "big"},
                        "task": {
                            "id": "t1",
                            "status": "PENDING",
                            "priority": None,
                            "assigned_to": {"id": "user_a", "email": "a@example.com"},
                        },
                    },
                    {"id": "tcr_2", "task": {"id": "t2", "assigned_to": "user_b"}},
                    {"id": "tcr_3", "task": {"id": "t3", "assigned_to": None}},
                    {"id": "tcr_4"},
                    {"id": "tcr_5", "task": {"status": "PENDING"}},
                ],
                "total_item_count": 5,
            }
        )
    )
    tasks = [item.task for item in page.items]
    assert tasks == [
        ListedTask(id="t1", assignee_id="user_a", status=TaskStatus.PENDING),
        ListedTask(id="t2", assignee_id="user_b"),
        ListedTask(id="t3"),
        None,
        None,  # unreadable: left out, not the whole listing
    ]
    assert type(tasks[0]) is ListedTask
    assert page.total_item_count == 5


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
        task = AssignedTask.model_validate(candidate)
    except pydantic.ValidationError:
        return
    task.model_dump_json()  # whatever parsed can be logged


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entity=_JSONISH)
def test_any_entity_never_fails_an_otherwise_valid_task(entity: Any) -> None:
    task = AssignedTask.model_validate({**MINIMAL_TASK, "task_entity": entity})
    assert task.id == "task_1"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=_JSONISH, task_type=_JSONISH, priority=_JSONISH, expiry=_JSONISH, assignee=_JSONISH)
def test_shown_only_fields_never_fail_a_task(
    status: Any, task_type: Any, priority: Any, expiry: Any, assignee: Any
) -> None:
    shown = {
        "status": status,
        "task_type": task_type,
        "priority": priority,
        "assignment_expires_at": expiry,
    }
    task = AssignedTask.model_validate({"id": "t", "assigned_to": "u", **shown})
    assert (task.id, task.assigned_to) == ("t", "u")
    listed = ListedTask.model_validate({"id": "t", **shown})
    assert listed.id == "t"
    item = TaskListingItem.model_validate({"task": {"id": "t", "assigned_to": assignee, **shown}})
    if isinstance(assignee, str | None):  # an assignee that is an id is never lost
        assert item.task is not None and item.task.assignee_id == assignee
