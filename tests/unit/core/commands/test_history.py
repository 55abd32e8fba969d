"""`history [count]`: accepted counts and the errors for the rest."""

from __future__ import annotations

import pytest

from bot.core.commands import History, UsageError, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("history", History(10)),
        ("HISTORY", History(10)),
        ("assign history 20", History(20)),
        ("history 1", History(1)),
        ("history 100", History(100)),
        ("history, 5", History(5)),
        ("history 007", History(7)),
    ],
)
def test_history(text: str, expected: History) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("history 0", "`history` shows 1 to 100 assignments, not `0`"),
        ("history 101", "not `101`"),
        ("history 99999999999999999999", "1 to 100"),
        ("history lots", "`lots` is not a number"),
        ("history -5", "`-5` is not a number"),
        ("history 5 6", "`history` takes one number; remove `6`"),
        ("history <@U1>", "is not a number"),
        ("history \u0665", "is not a number"),  # an Arabic-Indic five is a digit, not ours
        ("histroy", "did you mean `history`?"),
    ],
)
def test_history_errors(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert fragment in raised.value.message
