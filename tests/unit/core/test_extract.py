from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.extract import Extracted, extract_from_message, extract_from_text

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
