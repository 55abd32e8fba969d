from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract import MAX_TEXT, Extracted, extract_from_message, extract_from_text
from bot.core.ids import is_valid_id
from tests.unit.core.notifications_corpus import CORPUS, Notice, read_exactly

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
        ("Evaluation: <!channel> tasks: <@U1> ok", None, ()),
    ],
)
def test_extract_from_text(text: str, evaluation: str | None, tasks: tuple[str, ...]) -> None:
    found = extract_from_text(text)
    assert (found.evaluation_id, found.task_ids) == (evaluation, tasks)


def test_several_evaluations_are_all_reported_and_none_is_picked() -> None:
    found = extract_from_text("Evaluation: e1\nEvaluation: e2\nTasks: t1")
    assert found == Extracted(None, ("t1",), ("e1", "e2"))
    assert found.several


@pytest.mark.parametrize("notice", CORPUS, ids=[notice.name for notice in CORPUS])
def test_corpus(notice: Notice) -> None:
    """Every notification of the corpus is read exactly: its evaluations and its tasks."""
    message = notice.message if isinstance(notice.message, dict) else {"text": notice.message}
    found = extract_from_message(message)
    assert (found.evaluation_ids, found.task_ids) == (notice.evaluations, notice.tasks)
    only = notice.evaluations[0] if len(notice.evaluations) == 1 else None
    assert found.evaluation_id == only


def test_the_corpus_is_large_and_read_exactly() -> None:
    assert len(CORPUS) >= 60
    assert read_exactly() == (len(CORPUS), [])


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        (("app.sgp.scale.com",), ("eval_1",)),
        (("sgp.example.org",), ("eval_2",)),
        (("APP.SGP.SCALE.COM", "sgp.example.org"), ("eval_1", "eval_2")),
        (("*",), ("eval_1", "eval_2", "eval_3")),
    ],
)
def test_only_links_to_the_platform_hosts_name_evaluations(
    hosts: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    text = (
        "<https://app.sgp.scale.com/evaluations/eval_1|one> "
        "<https://sgp.example.org/evaluations/eval_2> "
        "https://github.com/acme/evaluations/eval_3"
    )
    assert extract_from_text(text, hosts).evaluation_ids == expected


def test_the_default_host_is_the_platform_app() -> None:
    found = extract_from_text("https://sgp.example.org/evaluations/eval_2/tasks/t1")
    assert (found.evaluation_ids, found.task_ids) == ((), ())


@pytest.mark.parametrize(
    "text",
    [
        "Evaluation: eval_77.",
        "Evaluation: *eval_77*!",
        "evaluation `eval_77`,",
        "(evaluation eval_77)",
    ],
)
def test_punctuation_and_emphasis_are_never_part_of_an_id(text: str) -> None:
    assert extract_from_text(text).evaluation_ids == ("eval_77",)


@pytest.mark.parametrize(
    "word", ["PENDING", "COMPLETED", "NOT_READY", "EVALUATION_AUDIT", "12", "P1", "v2", "ready"]
)
def test_statuses_enums_counts_and_words_are_never_ids(word: str) -> None:
    found = extract_from_text(f"Tasks: {word}\nEvaluation: {word}\nTask `{word}` is {word}")
    assert (found.evaluation_ids, found.task_ids) == ((), ())


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


def test_a_huge_message_is_cut_before_it_is_read() -> None:
    """Only the first MAX_TEXT characters are read, so a huge payload costs no more than that."""
    assert extract_from_text("Tasks: " + "t1, " * 2_000_000).task_ids == ("t1",)
    within = "Tasks: " + "t1, " * (MAX_TEXT // 4 - 10) + "t2"
    assert len(within) < MAX_TEXT and extract_from_text(within).task_ids == ("t1", "t2")
    beyond = "Tasks: " + "t1, " * (MAX_TEXT // 4) + "t2"
    assert extract_from_text(beyond).task_ids == ("t1",), "nothing past the cut is read"
