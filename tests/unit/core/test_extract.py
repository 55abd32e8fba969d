from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract import Extracted, extract_from_message, extract_from_text
from bot.core.ids import is_valid_id

URL = "https://app.sgp.scale.com/evaluations/eval_42"


@pytest.mark.parametrize(
    ("text", "evaluation", "tasks"),
    [
        (f"New tasks in <{URL}|Eval 42>\nTask ids: t1, t2 and t3", "eval_42", ("t1", "t2", "t3")),
        (f"{URL}?tab=tasks tasks: a1 a2", "eval_42", ("a1", "a2")),
        ("Evaluation: `eval_7` has `PENDING` tasks `a1` `a2`", "eval_7", ("a1", "a2")),
        ("evaluation_id=eval_8\ntask_ids: `x1`,`x2`", "eval_8", ("x1", "x2")),
        (f"{URL}/tasks/t9 and {URL}/tasks/t10", "eval_42", ("t9", "t10")),
        ("Tasks: t1, t1, t2", None, ("t1", "t2")),
        ("Tasks: task_1, *task_2* and _task_3_", None, ("task_1", "task_2", "task_3")),
        ("nothing to see here", None, ()),
        ("Evaluation: <!channel> tasks: <@U1> ok", None, ("ok",)),
    ],
)
def test_extract_from_text(text: str, evaluation: str | None, tasks: tuple[str, ...]) -> None:
    found = extract_from_text(text)
    assert (found.evaluation_id, found.task_ids) == (evaluation, tasks)


def test_several_evaluations_are_all_reported() -> None:
    found = extract_from_text("Evaluation: e1\nEvaluation: e2\nTasks: t1")
    assert found == Extracted("e1", ("t1",), ("e1", "e2"))


def test_message_blocks_and_attachments_are_read() -> None:
    message: dict[str, Any] = {
        "text": "3 tasks need annotators",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "Tasks:", "style": {"bold": True}},
                            {"type": "text", "text": " x1, "},
                            {"type": "text", "text": "x2", "style": {"code": True}},
                        ],
                    }
                ],
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": f"<{URL}/tasks/x3|open>"}},
        ],
        "attachments": [{"fallback": "f", "fields": [{"title": "Task ids", "value": "x4"}]}],
    }
    found = extract_from_message(message)
    assert found.evaluation_id == "eval_42"
    assert found.task_ids[:3] == ("x1", "x2", "x3")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(st.dictionaries(st.sampled_from(["text", "blocks", "attachments", "ts"]), JSONISH))
def test_any_message_shape_is_read_without_crashing(message: dict[str, Any]) -> None:
    found = extract_from_message(message)
    assert isinstance(found.task_ids, tuple)


@given(st.text(max_size=2000))
def test_any_text_is_read_without_crashing(text: str) -> None:
    found = extract_from_text(text)
    assert all(found.task_ids) and found.evaluation_id not in found.task_ids


HOSTILE_PIECES = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<@UEVIL>",
        "<http://x|y>",
        "&lt;!here&gt;",
        "Tasks: ",
        "Task ids: ",
        "Evaluation: ",
        "https://app.sgp.scale.com/evaluations/",
        "/tasks/",
        "`",
        ", ",
        " and ",
        "\n",
        "t1",
        "eval_1",
        "<",
        ">",
        "|",
    ]
)


@settings(max_examples=300)
@given(st.lists(HOSTILE_PIECES | st.text(max_size=8), max_size=30).map("".join))
def test_extracted_ids_are_always_plain_ids(text: str) -> None:
    """Whatever a notification holds, only valid ids come out: never markup, never a ping."""
    found = extract_from_text(text)
    for found_id in (*found.task_ids, *found.evaluation_ids):
        assert is_valid_id(found_id), found_id
    assert found.evaluation_id is None or found.evaluation_id in found.evaluation_ids


def test_a_huge_message_is_read_quickly() -> None:
    started = time.perf_counter()
    found = extract_from_text("Tasks: " + "t1, " * 2_000_000)
    assert found.task_ids == ("t1",)
    assert time.perf_counter() - started < 2.0
