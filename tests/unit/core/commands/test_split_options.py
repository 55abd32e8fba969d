"""`split by load` and `max N each` after the people: table-driven, as Slack sends the text."""

from __future__ import annotations

import pytest

from bot.core.commands import Assign, SlackUser, UsageError, parse
from bot.core.plan import EVEN_SPLIT, SplitRule


@pytest.mark.parametrize(
    ("text", "rule", "people"),
    [
        ("eval_1 t1 t2 to <@U1> <@U2>", EVEN_SPLIT, ("U1", "U2")),
        ("eval_1 t1 t2 to <@U1> <@U2> split by load", SplitRule(by_load=True), ("U1", "U2")),
        ("eval_1 t1 t2 <@U1> <@U2> max 5 each", SplitRule(cap=5), ("U1", "U2")),
        ("eval_1 t1 to <@U1> SPLIT BY LOAD max 3 each", SplitRule(by_load=True, cap=3), ("U1",)),
        ("eval_1 t1 to <@U1> max 3 each split by load", SplitRule(by_load=True, cap=3), ("U1",)),
        ("eval_1 next 40 to <@U1> <@U2> max 20 each", SplitRule(cap=20), ("U1", "U2")),
    ],
)
def test_split_options(text: str, rule: SplitRule, people: tuple[str, ...]) -> None:
    command = parse(text)
    assert isinstance(command, Assign)
    assert command.split == rule
    assert command.assignees == tuple(SlackUser(p) for p in people)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("eval_1 t1 to <@U1> max 0 each", "`max` takes how many tasks each person gets at most"),
        ("eval_1 t1 to <@U1> max lots each", "not `lots`"),
        ("eval_1 t1 to <@U1> split by", "`split` is not someone I can assign to"),
    ],
)
def test_a_slip_in_the_options_is_explained(text: str, said: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert said in raised.value.message


def test_the_words_are_task_ids_when_they_are_not_last() -> None:
    command = parse("eval_1 split by load to <@U1>")
    assert isinstance(command, Assign)
    assert command.task_ids == ("split", "by", "load")
    assert command.split == EVEN_SPLIT
