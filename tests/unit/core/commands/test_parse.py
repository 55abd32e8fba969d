"""Dispatch on the first word: unknown subcommands, and properties of every text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands import (
    Assign,
    Help,
    History,
    Link,
    ListUsers,
    Unlink,
    UsageError,
    WhoAmI,
    parse,
)
from bot.slack.wording import describe
from tests.unit.core.commands.cases import check_error, fullwidth

ERRORS: list[tuple[str, str]] = [
    ("lnik <@U1> x", "I don't know `lnik`"),
    ("lnik <@U1> x", "did you mean `link`?"),
    ("lnik @a x", "I don't know `lnik`"),
    ("frobnicate", "I don't know `frobnicate`"),
    ("frobnicate", "`help`, `link`, `unlink`, `whoami`, `users` and `history`"),
    ("frobnicate", "/assign eval_123 t1 t2 to @alice"),
    ("hepl", "did you mean `help`?"),
    ("whomai", "did you mean `whoami`?"),
    ("user", "did you mean `users`?"),
    ("unlnik me", "did you mean `unlink`?"),
    ("asign eval_1 t1 to me", "did you mean `assign`?"),
]


@pytest.mark.parametrize(("text", "fragment"), ERRORS)
def test_errors_say_what_is_wrong(text: str, fragment: str) -> None:
    check_error(text, fragment)


SLACKISH = st.sampled_from(
    [
        "<@U1>",
        "<@W2|bob>",
        "<@U1|a b>",
        "<!channel>",
        "<!here>",
        "<!subteam^S1|@team>",
        "<#C1|general>",
        "<https://app.sgp.scale.com/evaluations/e1|e>",
        "<https://app.sgp.scale.com/evaluations/>",
        "<",
        ">",
        "<>",
        "<@",
        "&amp;",
        "&lt;",
        "&gt;",
        "&",
        "to",
        "TO",
        "me",
        "and",
        "assign",
        "help",
        "link",
        "unlink",
        "whoami",
        "users",
        "sgp:",
        "sgp:u1",
        "@x",
        "eval_1",
        "t1",
        "?",
        ".",
        "“",
        "'",
        ",",
        ";",
        "\n",
        " ",
        "\u00a0",
        "\u200b",
        "\ufdfa",
        fullwidth("to"),
    ]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text() | st.lists(SLACKISH | st.text(max_size=4), max_size=30).map("".join))
def test_parse_returns_a_command_or_raises_usage_error(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert error.message
        assert len(error.message) < 500
    else:
        assert isinstance(command, Assign | Link | Unlink | WhoAmI | ListUsers | History | Help)


# -- nothing a person typed comes back as a ping or a link -------------------------------------

HOSTILE = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@UEVIL>",
        "<@UEVIL|evil>",
        "<http://x|y>",
        "<https://evil.example/evaluations/e1|click>",
        "<!subteam^S1|@team>",
        "&lt;!channel&gt;",
        "&lt;@UEVIL&gt;",
        "<#C1|general>",
        "<mailto:a@b|mail>",
    ]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE | SLACKISH | st.text(max_size=6), min_size=1, max_size=12).map(" ".join))
def test_error_messages_never_carry_markup_a_person_typed(text: str) -> None:
    """Errors quote what was typed; as rendered (describe) nothing can ping or link."""
    try:
        parse(text)
    except UsageError as error:
        shown = describe(error)
        assert "<" not in shown and ">" not in shown, shown
