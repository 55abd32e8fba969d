"""Shared helpers for the `/assign` grammar tests: people, expected commands, text forms."""

from __future__ import annotations

import re

import pytest

from bot.core.commands import Assign, AssigneeRef, Command, Me, SlackUser, UsageError, parse
from bot.core.query import NextTasks, UnassignedTasks

U1 = SlackUser("U1")
U2 = SlackUser("U2")
ME = Me()
LONG = "x" * 200


def fullwidth(text: str) -> str:
    """`text` in full-width forms (as some input methods type it), which NFKC folds back."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def picked(
    query: NextTasks | UnassignedTasks, *assignees: AssigneeRef, evaluation_id: str = "eval_1"
) -> Assign:
    return Assign(
        evaluation_id=evaluation_id,
        task_ids=(),
        duplicates_dropped=0,
        assignees=assignees,
        query=query,
    )


def assign(
    task_ids: tuple[str, ...],
    *assignees: AssigneeRef,
    evaluation_id: str = "eval_1",
    dropped: int = 0,
) -> Assign:
    return Assign(
        evaluation_id=evaluation_id,
        task_ids=task_ids,
        duplicates_dropped=dropped,
        assignees=assignees,
    )


def as_slack_sends(example: str) -> str:
    """The example as Slack delivers it once the person picked each @name from the list."""
    return re.sub(r"@([a-z]+)", lambda m: f"<@U0{m.group(1).upper()}|{m.group(1)}>", example)


def check_accepted(text: str, expected: Command) -> None:
    assert parse(text) == expected


def check_error(text: str, fragment: str) -> None:
    """The text is refused, and the message (also the exception's str) holds `fragment`."""
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert fragment in raised.value.message
    assert raised.value.message == str(raised.value)
