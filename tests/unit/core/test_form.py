"""The form's fields read into values, or a plain-text problem that names what is wrong."""

from __future__ import annotations

import pytest

from bot.core.form import (
    TEXT_MAX_LENGTH,
    FieldProblem,
    PickProblem,
    combine,
    prefill,
    read_evaluation,
    read_note,
    read_pick,
    read_task_ids,
)
from bot.core.query import NextTasks, UnassignedTasks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eval_123", "eval_123"),
        ("  eval_123\n", "eval_123"),
        ("https://app.sgp.scale.com/evaluations/eval_9?tab=tasks", "eval_9"),
    ],
)
def test_evaluation_from_an_id_or_a_link(text: str, expected: str) -> None:
    assert read_evaluation(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (None, "Enter the evaluation id"),
        ("   ", "Enter the evaluation id"),
        ("eval<1", '\u201ceval<1\u201d is not an evaluation id or link: it contains "<"'),
        ("https://example.com/projects/1", "/evaluations/<id>"),
    ],
)
def test_evaluation_problems(text: str | None, says: str) -> None:
    with pytest.raises(FieldProblem) as caught:
        read_evaluation(text)
    assert says in caught.value.message
    assert "`" not in caught.value.message, "input errors are plain text"


def test_task_ids_are_split_on_commas_spaces_and_new_lines() -> None:
    assert read_task_ids("t1, t2\nt3;t4  't5' and t1") == ["t1", "t2", "t3", "t4", "t5", "t1"]
    assert read_task_ids(None) == [] and read_task_ids("  ") == []


def test_bad_task_ids_are_named() -> None:
    with pytest.raises(FieldProblem) as caught:
        read_task_ids("t1 t<2 t3! t4 a/b c? d# e$ f%")
    message = caught.value.message
    assert message.startswith("\u201ct<2\u201d, \u201ct3!\u201d, \u201ca/b\u201d")
    assert "and 2 more are not valid task ids" in message


def test_one_bad_id_says_which_rule() -> None:
    with pytest.raises(FieldProblem) as caught:
        read_task_ids("t1 " + "x" * 200)
    assert "is not a valid task id: it is 200 characters long" in caught.value.message
    assert "\u2026" in caught.value.message, "a long paste is shortened"


def test_combine_keeps_order_and_counts_duplicates() -> None:
    assert combine([("t1", "t2"), ["t2", "t3"], ["t1"]], max_ids=5) == (("t1", "t2", "t3"), 2)


def test_combine_refuses_none_and_too_many() -> None:
    with pytest.raises(FieldProblem, match="Enter task ids, or attach"):
        combine([(), []], max_ids=5)
    with pytest.raises(FieldProblem, match="4 task ids is more than the 3"):
        combine([["a", "b", "c", "d", "a"]], max_ids=3)


def test_note() -> None:
    assert read_note("  hello\n") == "hello"
    assert read_note("") is None and read_note(None) is None
    assert read_note("x" * 500) == "x" * 500
    with pytest.raises(FieldProblem, match="501 characters; keep it to 500"):
        read_note("x" * 501)


def test_prefill_fits_the_text_input_or_carries() -> None:
    assert prefill(()) == (None, ())
    assert prefill(("t1", "t2")) == ("t1\nt2", ())
    many = tuple(f"t{i:05d}" for i in range(TEXT_MAX_LENGTH))
    assert prefill(many) == (None, many)


# -- "pick tasks for me" -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "count", "expected"),
    [
        (None, None, None),
        (None, "  ", None),
        ("next", "50", NextTasks(count=50)),
        ("next", " 7 ", NextTasks(count=7)),
        (None, "3", NextTasks(count=3)),  # a count alone says enough
        ("unassigned", None, UnassignedTasks()),
        ("next", "10000", NextTasks(count=10_000)),
    ],
)
def test_pick(choice: str | None, count: str | None, expected: object) -> None:
    assert read_pick(choice, count, max_ids=10_000) == expected


@pytest.mark.parametrize(
    ("choice", "count", "on_count", "says"),
    [
        ("next", None, True, "How many of the next pending tasks?"),
        ("next", "0", True, "from 1 to 10,000"),
        ("next", "10001", True, "from 1 to 10,000"),
        ("next", "1.5", True, "whole number"),
        ("next", "-2", True, "whole number"),
        ("next", "\u0664", True, "whole number"),  # an Arabic-Indic digit is a digit, not ours
        ("unassigned", "5", True, "takes no count"),
        ("everything", None, False, "Pick one of the options"),
    ],
)
def test_pick_problems(choice: str, count: str | None, on_count: bool, says: str) -> None:
    with pytest.raises(PickProblem) as caught:
        read_pick(choice, count, max_ids=10_000)
    assert caught.value.on_count is on_count
    assert says in caught.value.message
