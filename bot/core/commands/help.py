"""`/assign help` (or `?`, or nothing at all): the help message, built from every
subcommand's examples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.core.commands.registry import Context, Subcommand
from bot.core.commands.tokens import Token
from bot.core.commands.types import Command


@dataclass(frozen=True)
class Help(Command):
    """Show the help message."""


def _parse_help(rest: Sequence[Token], context: Context) -> Help:
    """Anything after `help` is ignored: `help me please` is a request for help too."""
    return Help()


DECLARED: Final = (
    Subcommand(
        name="help",
        parse=_parse_help,
        command=Help,
        examples=(("help", "Show this help."),),
        rank=10,
        help_rank=1000,  # its own line ends the help
    ),
)
