"""Metadata the bot writes on its messages, read back exactly; links to the platform's app."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from slack_sdk.models.metadata import Metadata

from bot.core.outcome import summarize
from bot.core.readback import (
    EVENT_TYPE,
    MAX_ASSIGNEES,
    MAX_PAYLOAD_CHARS,
    AssigneeCount,
    Assignment,
    EvaluationOverview,
    PlatformLink,
    assignment_of,
    build_metadata,
    is_own_message,
    open_task_ids,
    platform_link,
    read_metadata,
)
from bot.core.tasks import ChunkResult
from tests.unit.factories import confirmation, task


def _summary() -> Any:
    asked = confirmation(("user-a", "UALICE", ["t1", "t2"]), ("user-b", None, ["t3"]))
    results = [
        [ChunkResult(("t1", "t2"), (task("t1", "user-a"),))],  # t2 not returned
        [ChunkResult(("t3",), (task("t3", "user-b"),))],
    ]
    return summarize(asked, results)


def test_a_summary_becomes_metadata_slack_accepts_and_reads_back_exactly() -> None:
    assignment = assignment_of(_summary(), "job_42", "summary")
    metadata = build_metadata(assignment)

    assert metadata["event_type"] == EVENT_TYPE == "sgp_tasks_assigned"
    payload = metadata["event_payload"]
    assert payload["evaluation_id"] == "eval_1" and payload["job_id"] == "job_42"
    assert (payload["requested"], payload["assigned"], payload["not_assigned"]) == (3, 2, 1)
    assert payload["assignees"] == [
        {"platform_user_id": "user-a", "slack_user_id": "UALICE", "requested": 2, "assigned": 1},
        {"platform_user_id": "user-b", "requested": 1, "assigned": 1},
    ]
    # slack_sdk's own model takes it unchanged (what chat.postMessage sends).
    assert Metadata(**metadata).to_dict() == metadata
    assert read_metadata({"metadata": metadata}) == assignment


def test_payload_values_are_only_those_slack_allows() -> None:
    """Strings, numbers, booleans, objects of those, and lists of such objects: no list of ids."""
    payload = build_metadata(assignment_of(_summary(), "job_1", "dm"))["event_payload"]
    for value in payload.values():
        if isinstance(value, list):
            assert all(isinstance(item, dict) for item in value)
            for item in value:
                assert all(isinstance(v, str | int | bool) for v in item.values())
        else:
            assert isinstance(value, str | int | bool)


def test_many_assignees_are_counted_and_the_payload_stays_small() -> None:
    people = tuple(AssigneeCount(f"user-{'x' * 100}-{i}", f"U{i:010d}", 10, 10) for i in range(200))
    assignment = Assignment("eval_1", "job_1", "ULEAD", "summary", 2000, 2000, people[:40], 160)
    payload = build_metadata(assignment)["event_payload"]
    assert len(json.dumps(payload)) <= MAX_PAYLOAD_CHARS
    assert len(payload["assignees"]) + payload["assignees_omitted"] == 200
    assert len(payload["assignees"]) < MAX_ASSIGNEES
    read = read_metadata({"metadata": build_metadata(assignment)})
    assert read is not None and read.assignees_omitted == 200 - len(read.assignees)


def _broken(change: Any) -> dict[str, Any]:
    metadata = build_metadata(assignment_of(_summary(), "job_1", "summary"))
    broken = copy.deepcopy(metadata)
    change(broken)
    return {"metadata": broken}


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(event_type="something_else"),
        lambda m: m["event_payload"].update(version=2),
        lambda m: m["event_payload"].update(evaluation_id="eval 1; drop"),
        lambda m: m["event_payload"].update(job_id=None),
        lambda m: m["event_payload"].update(assigned=-1),
        lambda m: m["event_payload"].update(requested="3"),
        lambda m: m["event_payload"].update(assigned=True),
        lambda m: m["event_payload"].update(part="banner"),
        lambda m: m["event_payload"].update(assignees="user-a"),
        lambda m: m["event_payload"]["assignees"][0].update(platform_user_id="<!channel>"),
        lambda m: m.pop("event_payload"),
    ],
)
def test_metadata_of_another_kind_or_malformed_is_not_read(change: Any) -> None:
    assert read_metadata(_broken(change)) is None


def test_messages_without_metadata_are_not_read() -> None:
    assert read_metadata({"text": "Evaluation: eval_1"}) is None
    assert read_metadata({"metadata": "sgp_tasks_assigned"}) is None


def test_only_the_bots_own_messages_are_trusted() -> None:
    assert is_own_message({"user": "UBOT", "bot_id": "B1"}, "UBOT")
    assert not is_own_message({"user": "UOTHER", "bot_id": "B2"}, "UBOT")
    assert not is_own_message({"user": "UBOT"}, None)


def test_open_tasks_leave_out_completed_and_gone_ones_in_the_jobs_order() -> None:
    statuses = {"t1": "COMPLETED", "t2": "PENDING", "t3": "FIXED", "t4": None, "t5": "NEW_ONE"}
    job = ["t5", "t1", "t2", "t3", "t4", "t9", "t2"]
    assert open_task_ids(job, statuses) == ("t5", "t2", "t4")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://app.sgp.scale.com/evaluations/eval_1", ("eval_1", None)),
        ("https://APP.sgp.scale.com/evaluations/eval_1/", ("eval_1", None)),
        ("https://app.sgp.scale.com/evaluations/eval_1/tasks/t9?x=1#y", ("eval_1", "t9")),
        ("https://app.sgp.scale.com/o/acme/Evaluations/eval%5F1/results", ("eval_1", None)),
        ("https://app.sgp.scale.com/evaluations/", None),
        ("https://app.sgp.scale.com/evaluations/<bad>", None),
        ("https://app.sgp.scale.com/datasets/ds_1", None),
        ("https://evil.example.com/evaluations/eval_1", None),
        ("https://app.sgp.scale.com.evil.example/evaluations/eval_1", None),
        ("ftp://app.sgp.scale.com/evaluations/eval_1", None),
    ],
)
def test_platform_links(url: str, expected: tuple[str, str | None] | None) -> None:
    found = platform_link(url, ("app.sgp.scale.com",))
    if expected is None:
        assert found is None
    else:
        assert found == PlatformLink(url, *expected)


def test_an_overview_shows_what_it_can_and_never_fails_on_a_shown_field() -> None:
    overview = EvaluationOverview.model_validate(
        {
            "id": "eval_1",
            "name": {"not": "a name"},
            "status": "PENDING",
            "completed_test_case_result_count": "many",
            "total_test_case_result_count": 12,
            "test_case_results": [{"huge": "ignored"}],
        }
    )
    assert (overview.name, overview.status) == (None, "PENDING")
    assert overview.completed_test_case_result_count is None
    assert overview.total_test_case_result_count == 12
