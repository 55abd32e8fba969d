"""`help`, `?` and nothing at all; and the help examples, each of which must parse."""

from __future__ import annotations

import pytest

from bot.core.commands import (
    HELP_EXAMPLES,
    Assign,
    Command,
    Help,
    History,
    Link,
    ListUsers,
    SlackUser,
    Unlink,
    WhoAmI,
    parse,
)
from tests.unit.core.commands.cases import as_slack_sends, check_accepted

ACCEPTED: list[tuple[str, Command]] = [
    ("", Help()),
    ("   \n ", Help()),
    ("\u200b\u00a0", Help()),
    ("help", Help()),
    ("HELP", Help()),
    ("Help me please", Help()),
    ("help?", Help()),
    ("?", Help()),
    ("assign", Help()),
    ("assign help", Help()),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: Command) -> None:
    check_accepted(text, expected)


@pytest.mark.parametrize(("text", "meaning"), HELP_EXAMPLES)
def test_every_help_example_parses(text: str, meaning: str) -> None:
    command = parse(as_slack_sends(text))
    assert meaning
    if text == "help":
        assert command == Help()
    else:
        assert not isinstance(command, Help)


def test_help_examples_cover_every_command() -> None:
    kinds = {type(parse(as_slack_sends(text))) for text, _ in HELP_EXAMPLES}
    assert kinds == {Assign, Link, Unlink, WhoAmI, ListUsers, History, Help}


def test_help_example_meanings() -> None:
    first = parse(as_slack_sends(HELP_EXAMPLES[0][0]))
    assert first == Assign("eval_123", ("t1", "t2", "t3"), 0, (SlackUser("U0ALICE"),))
