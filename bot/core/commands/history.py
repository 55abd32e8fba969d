"""`/assign history [count]`: the last executed assignments (admins only; the service checks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.core.commands.registry import Context, Subcommand
from bot.core.commands.tokens import Token, is_filler, number, quote, show
from bot.core.commands.types import Command, UsageError

HISTORY_DEFAULT: Final = 10
HISTORY_MAX: Final = 100


@dataclass(frozen=True)
class History(Command):
    """Show the last `count` executed assignments (admins only; the service checks)."""

    count: int = HISTORY_DEFAULT


def _parse_history(rest: Sequence[Token], context: Context) -> History:
    """`history [count]`: how many of the last assignments to show."""
    words = [t for t in rest if not is_filler(t)]
    if not words:
        return History()
    if len(words) > 1:
        raise UsageError(
            f"`history` takes one number; remove {show(words[1])}: `/assign history 20`."
        )
    count = number(words[0])
    if count is None:
        raise UsageError(
            f"{show(words[0])} is not a number: `/assign history 20` shows the last 20 "
            f"assignments (default {HISTORY_DEFAULT})."
        )
    if not 1 <= count <= HISTORY_MAX:
        raise UsageError(
            f"`history` shows 1 to {HISTORY_MAX} assignments, not {quote(words[0].word)}: "
            "`/assign history 20`."
        )
    return History(count)


DECLARED: Final = (
    Subcommand(
        name="history",
        parse=_parse_history,
        command=History,
        examples=(
            (
                "history 20",
                "(admins) Show the last 20 assignments and undos, newest first (default 10).",
            ),
        ),
        rank=60,
    ),
)
