"""`link`, `unlink`, `whoami` and `users`: tables of accepted texts and of errors."""

from __future__ import annotations

import pytest

from bot.core.commands import Command, Link, ListUsers, SlackUser, Unlink, WhoAmI
from tests.unit.core.commands.cases import ME, U1, check_accepted, check_error

ACCEPTED: list[tuple[str, Command]] = [
    # subcommands, any case
    ("whoami", WhoAmI()),
    ("WhoAmI", WhoAmI()),
    ("assign whoami", WhoAmI()),
    ("users", ListUsers()),
    ("USERS", ListUsers()),
    ("link <@U1|alice> sgp:user_42", Link(U1, "user_42")),
    ("link <@U1> user_42", Link(U1, "user_42")),
    ("LINK me SGP:User_42", Link(ME, "User_42")),
    ("link <@U1> to sgp:u1", Link(U1, "u1")),
    ("link \u201c<@U1>\u201d \u2018sgp:u1\u2019", Link(U1, "u1")),
    ("unlink <@U1>", Unlink(U1)),
    ("Unlink me", Unlink(ME)),
    ("unlink <@W9|bob smith>", Unlink(SlackUser("W9"))),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: Command) -> None:
    check_accepted(text, expected)


ERRORS: list[tuple[str, str]] = [
    ("link", "`link` needs a Slack person and their platform user id"),
    ("link <@U1|alice>", "Which platform user is `@alice`?"),
    ("link me", "Which platform user are you?"),
    ("link sgp:u1 <@U1>", "Put the Slack person first"),
    ("link u1 me", "Put the Slack person first"),
    ("link bob sgp:u1", "`bob` is not a Slack person"),
    ("link sgp:u1", "`sgp:u1` is not a Slack person"),
    ("link @bob sgp:u1", "`@bob` is plain text"),
    ("link <!channel> sgp:u1", "`@channel` is a mention of everyone there"),
    ("link <@U1> <@U2>", "is a second person"),
    ("link <@U1> me", "is a second person"),
    ("link <@U1> sgp:_x", "`sgp:_x` is not a valid platform user id"),
    ("link <@U1> a&lt;b", "`a<b` is not a valid platform user id"),
    ("link <@U1> <https://x>", "is not a valid platform user id"),
    ("link <@U1> u1 u2", "remove `u2`"),
    ("unlink", "Whose link should I forget?"),
    ("unlink bob", "`bob` is not a Slack person"),
    ("unlink sgp:u1", "`sgp:u1` is not a Slack person"),
    ("unlink @bob", "`@bob` is plain text"),
    ("unlink <@U1> <@U2>", "`unlink` takes one person"),
    ("whoami now", "`whoami` takes nothing after it"),
    ("users all", "`users` takes nothing after it"),
]


@pytest.mark.parametrize(("text", "fragment"), ERRORS)
def test_errors_say_what_is_wrong(text: str, fragment: str) -> None:
    check_error(text, fragment)
