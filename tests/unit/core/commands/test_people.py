"""Assignees: Slack mentions, `me`, `sgp:<id>`, and why anything else is not a person."""

from __future__ import annotations

import pytest

from bot.core.commands import Command, PlatformUser, SlackUser
from tests.unit.core.commands.cases import ME, U1, U2, assign, check_accepted, check_error

ACCEPTED: list[tuple[str, Command]] = [
    # several assignees
    ("eval_1 t1 to <@U1> <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1>, <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1> and <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1> &amp; <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1>,<@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1> and me and SGP:p1", assign(("t1",), U1, ME, PlatformUser("p1"))),
    ("eval_1 t1 to <@U1> to <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to ME.", assign(("t1",), ME)),
    ("eval_1 t1 to <@W123ABC|alice smith>", assign(("t1",), SlackUser("W123ABC"))),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: Command) -> None:
    check_accepted(text, expected)


ERRORS: list[tuple[str, str]] = [
    ("eval_1 t1 t2", "Who should get these tasks?"),
    ("eval_1 t1 t2", "to @alice"),
    ("eval_1 t1 to", "`to` needs someone after it"),
    ("eval_1 t1 to , and .", "`to` needs someone after it"),
    ("eval_1 t1 to bob", "`bob` is not someone I can assign to"),
    ("eval_1 t1 to bob", "`sgp:<platform user id>`"),
    ("eval_1 t1 to <@U1> bob", "`bob` is not someone I can assign to"),
    ("eval_1 t1 to <@B1>", "`<@B1>` is not someone I can assign to"),
    ("eval_1 t1 to <https://example.com>", "is not someone I can assign to"),
    ("eval_1 t1 @bob", "`@bob` is plain text, not a Slack mention"),
    ("eval_1 t1 to @bob", "pick the person from the list"),
    ("eval_1 t1 to <!channel>", "`@channel` is a mention of everyone there, not a person"),
    ("eval_1 t1 <!here>", "`@here` is a mention of everyone there"),
    ("eval_1 t1 to <!everyone>", "`@everyone`"),
    ("eval_1 t1 to <!subteam^S123|@team>", "User groups like `@team` are not supported yet"),
    ("eval_1 t1 <!subteam^S123|@team>", "not supported yet"),
    ("eval_1 t1 to <!subteam^S123>", "not supported yet"),
    ("eval_1 t1 to <#C1|general>", "`#general` is a channel, not a person"),
    ("eval_1 t1 <#C1|general>", "is a channel"),
    ("eval_1 t1 to sgp:_bad", "`sgp:_bad` is not a valid platform user id"),
    ("eval_1 t1 to sgp:", "`sgp:` is not a valid platform user id: it is empty"),
    (f"eval_1 t1 to {'b' * 100}", "`" + "b" * 39 + "…` is not someone"),
]


@pytest.mark.parametrize(("text", "fragment"), ERRORS)
def test_errors_say_what_is_wrong(text: str, fragment: str) -> None:
    check_error(text, fragment)
