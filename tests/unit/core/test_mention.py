"""Reading a mention in the light of its thread: which evaluation, or which question to ask."""

from __future__ import annotations

import pytest

from bot.core.commands import Assign, Help, Me, SlackUser, UsageError, WhoAmI
from bot.core.extract import Extracted, extract_from_text
from bot.core.mention import ChooseEvaluation, answer_choice, parse_mention, strip_bot_mention
from bot.core.query import NextTasks, UnassignedTasks

ONE = Extracted("eval_1", ("t1", "t2"), ("eval_1",))
SEVERAL = Extracted(None, (), ("eval_1", "eval_2"))
NONE = Extracted(None, ("t1", "t2"))
URL = "<https://app.sgp.scale.com/evaluations/eval_9|eval>"


def read(text: str, thread: Extracted | None) -> Assign:
    parsed = parse_mention(text, max_ids=100, thread=thread)
    assert isinstance(parsed, Assign)
    return parsed


@pytest.mark.parametrize(
    ("text", "bot", "expected"),
    [
        ("<@UBOT> t1 to me", "UBOT", "t1 to me"),
        ("<@UBOT|assign-bot> t1 to me", "UBOT", "t1 to me"),
        ("t1 <@UBOT> to me <@UBOT>", "UBOT", "t1   to me"),
        ("<@UOTHER> t1", "UBOT", "<@UOTHER> t1"),
        ("<@UBOT> t1", None, "<@UBOT> t1"),
    ],
)
def test_strip_bot_mention(text: str, bot: str | None, expected: str) -> None:
    assert strip_bot_mention(text, bot) == expected


@pytest.mark.parametrize(
    ("text", "thread", "evaluation", "tasks"),
    [
        ("eval_5 t1 to me", None, "eval_5", ("t1",)),
        ("evaluation eval_5 t1 to me", None, "eval_5", ("t1",)),
        # The thread names one evaluation: every id is a task of it...
        ("t1 t2 to me", ONE, "eval_1", ("t1", "t2")),
        ("assign t1 t2 to me", ONE, "eval_1", ("t1", "t2")),
        ("eval_9 t1 to me", ONE, "eval_1", ("eval_9", "t1")),
        # ...unless the mention names an evaluation: the same id, a link, a label.
        ("eval_1 t1 to me", ONE, "eval_1", ("t1",)),
        (f"{URL} t1 to me", ONE, "eval_9", ("t1",)),
        ("evaluation eval_9 t1 to me", ONE, "eval_9", ("t1",)),
        ("Evaluation: eval_9 t1, t2 to me", ONE, "eval_9", ("t1", "t2")),
        ("assign eval_id=eval_9 t1 to me", ONE, "eval_9", ("t1",)),
        ("eval_2 t1 to me", SEVERAL, "eval_2", ("t1",)),
        (f"{URL} t1 to me", SEVERAL, "eval_9", ("t1",)),
        ("evaluation eval_5 t1 to me", NONE, "eval_5", ("t1",)),
        (f"{URL} t1 to me", Extracted(None, ()), "eval_9", ("t1",)),
    ],
)
def test_which_evaluation(
    text: str, thread: Extracted | None, evaluation: str, tasks: tuple[str, ...]
) -> None:
    parsed = read(text, thread)
    assert (parsed.evaluation_id, parsed.task_ids, parsed.assignees) == (evaluation, tasks, (Me(),))


def test_the_issue_case_prose_parent_and_two_task_ids() -> None:
    """`@bot t1 t2 to @alice` under a prose notification: tasks t1 and t2 of its evaluation."""
    parent = extract_from_text("Evaluation eval_X is ready for annotation: 12 tasks are waiting.")
    parsed = read("t1 t2 to <@UALICE>", parent)
    assert (parsed.evaluation_id, parsed.task_ids) == ("eval_X", ("t1", "t2"))


@pytest.mark.parametrize(
    ("text", "query"),
    [("next 5 to me", NextTasks(count=5)), ("unassigned to me", UnassignedTasks())],
)
def test_next_and_unassigned_work_on_the_thread_evaluation(
    text: str, query: NextTasks | UnassignedTasks
) -> None:
    parsed = read(text, ONE)
    assert (parsed.evaluation_id, parsed.task_ids, parsed.query) == ("eval_1", (), query)


@pytest.mark.parametrize(
    ("text", "thread", "message"),
    [
        ("t1 t2 to me", NONE, "lists `t1` as a task but names no evaluation"),
        ("eval_5 t1 to me", NONE, "can't tell which of your ids is the evaluation"),
        ("t1 to me", Extracted(None, ()), "names no evaluation I can read"),
        ("next 5 to me", Extracted(None, ()), "start with `evaluation` and its id"),
        ("eval_2 t1", SEVERAL, "Who should get these tasks?"),
    ],
)
def test_questions(text: str, thread: Extracted, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_mention(text, max_ids=100, thread=thread)
    assert message in caught.value.message


@pytest.mark.parametrize("text", ["t1 to me", "t1 t2", "next 3 to me", "unassigned to @x"])
def test_several_evaluations_ask_which_and_an_answer_reads_the_text_again(text: str) -> None:
    with pytest.raises(ChooseEvaluation) as caught:
        parse_mention(text, max_ids=100, thread=SEVERAL)
    question = caught.value
    assert question.evaluations == ("eval_1", "eval_2") and question.text == text
    assert "names several evaluations (`eval_1`, `eval_2`)" in question.message
    if text == "t1 to me":
        parsed = answer_choice(question.text, "eval_2", max_ids=100)
        assert isinstance(parsed, Assign)
        assert (parsed.evaluation_id, parsed.task_ids) == ("eval_2", ("t1",))


def test_many_evaluations_are_listed_briefly() -> None:
    many = Extracted(None, (), tuple(f"e{i}" for i in range(9)))
    with pytest.raises(UsageError) as caught:
        parse_mention("t1 to me", max_ids=100, thread=many)
    assert "`e4` and 4 more" in caught.value.message


@pytest.mark.parametrize("thread", [None, ONE, SEVERAL, NONE])
def test_other_commands_ignore_the_thread(thread: Extracted | None) -> None:
    assert parse_mention("help", max_ids=100, thread=thread) == Help()
    assert parse_mention("", max_ids=100, thread=thread) == Help()
    assert parse_mention("whoami", max_ids=100, thread=thread) == WhoAmI()
    with pytest.raises(UsageError) as caught:
        parse_mention("link", max_ids=100, thread=thread)
    assert "evaluation" not in caught.value.message


def test_people_are_read_as_in_a_command() -> None:
    parsed = read("t1 to <@UALICE|alice>", ONE)
    assert parsed.assignees == (SlackUser("UALICE"),)


def test_the_id_limit_applies() -> None:
    with pytest.raises(UsageError, match="more than the 2"):
        parse_mention("t1 t2 t3 to me", max_ids=2, thread=ONE)
