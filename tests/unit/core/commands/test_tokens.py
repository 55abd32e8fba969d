"""Words: separators, quotes, odd spaces and compatibility forms; hostile sizes."""

from __future__ import annotations

import pytest

from bot.core.commands import MAX_TEXT_CHARS, Assign, Command, Help, UsageError, parse
from tests.unit.core.commands.cases import ME, U1, assign, check_accepted, fullwidth

ACCEPTED: list[tuple[str, Command]] = [
    # separators: spaces, commas, semicolons, new lines, `and`, in any mix
    ("eval_1 t1,t2;t3\nt4 to <@U1>", assign(("t1", "t2", "t3", "t4"), U1)),
    ("eval_1   t1 ,, t2 , ; t3,   to <@U1>", assign(("t1", "t2", "t3"), U1)),
    ("eval_1\nt1\r\nt2\n\nto <@U1>", assign(("t1", "t2"), U1)),
    ("eval_1 t1, t2, and t3 to <@U1>", assign(("t1", "t2", "t3"), U1)),
    ("eval_1 t1; to <@U1>", assign(("t1",), U1)),
    ("eval_1 t1 to: <@U1>", assign(("t1",), U1)),
    ("eval_1 t1 . to me .", assign(("t1",), ME)),
    # quotes, brackets, odd spaces, compatibility forms
    (
        "\u201ceval_1\u201d \u2018t1\u2019, \u2019t2\u2019 \u00abt3\u00bb"
        " \"t4\" 't5' `t6` \u201et7\u201c to me",
        assign(("t1", "t2", "t3", "t4", "t5", "t6", "t7"), ME),
    ),
    ('eval_1 ["t1", "t2"] to me', assign(("t1", "t2"), ME)),
    ("eval_1 (t1) to me", assign(("t1",), ME)),
    ('eval_1 t1 to "<@U1>"', assign(("t1",), U1)),
    ("eval_1\u00a0t1\u202ft2\u200bt3\u2060t4 to\u00a0<@U1>", assign(("t1", "t2", "t3", "t4"), U1)),
    (fullwidth("eval_1 t1,t2;t3 to me"), assign(("t1", "t2", "t3"), ME)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: Command) -> None:
    check_accepted(text, expected)


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        "eval_1 " + "t1 " * (MEGABYTE // 3) + "to <@U1>",
        "eval_1 " + " ".join(f"t{i}" for i in range(MEGABYTE // 7)) + " to me",
        "eval_1 t1 to " + "<@U1> " * (MEGABYTE // 6),
        "a" * MEGABYTE,
        "<" * MEGABYTE,
        "<a " * (MEGABYTE // 3),
        "eval_1 <" + "a " * (MEGABYTE // 2),
        "&amp;" * (MEGABYTE // 5),
        ",;\n " * (MEGABYTE // 4),
        "eval_1 t1 " + "\ufdfa" * (MEGABYTE // 10),
    ],
    ids=[
        "dupes",
        "many",
        "mentions",
        "one-word",
        "lt",
        "open-angles",
        "unclosed",
        "amp",
        "seps",
        "nfkc",
    ],
)
def test_a_megabyte_is_handled(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert len(error.message) < 500
    else:
        assert isinstance(command, Assign | Help)


@pytest.mark.parametrize(
    "text",
    [
        "eval_1 " + "t1 " * 400_000 + "to me",
        "x" * (MAX_TEXT_CHARS + 1),
        "eval_1 t1 to me " + "\ufdfa" * (MAX_TEXT_CHARS // 10),  # NFKC makes each one 18
    ],
    ids=["a-megabyte", "one-over", "nfkc-expansion"],
)
def test_text_over_the_cap_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert f"more than the {MAX_TEXT_CHARS:,} I read" in raised.value.message
    assert "smaller requests" in raised.value.message


def test_text_at_the_cap_is_read() -> None:
    text = "eval_1 t1 to me"
    padded = text + " " * (MAX_TEXT_CHARS - len(text))
    assert parse(padded) == assign(("t1",), ME)
