"""Text of `/assign` (or of a mention of the bot) -> a Command, or a UsageError that says the fix.

Pure: no Slack, no I/O. Grammar (words in any case; ids keep theirs):

    [assign] help | ?
    [assign] link <@person | me> [to] <platform user id | sgp:id>
    [assign] unlink <@person | me>
    [assign] whoami
    [assign] users
    [assign] history [count]
    [assign] <evaluation id or URL> <task ids...> [to] <assignees...>
    [assign] <evaluation id or URL> next <count> [to] <assignees...>
    [assign] <evaluation id or URL> unassigned [to] <assignees...>

Each subcommand is declared once, in its own module (`registry` says how): the name, the
parser, the Command it makes and its help lines. `parse` dispatches on the first word; the
main form (`assign.py`) takes whatever names no subcommand. Text longer than MAX_TEXT_CHARS is
refused before any other work, so a hostile megabyte costs microseconds, not seconds.
"""

from __future__ import annotations

from typing import Final

from bot.core.commands import registry
from bot.core.commands.assign import Assign
from bot.core.commands.help import Help
from bot.core.commands.history import HISTORY_DEFAULT, HISTORY_MAX, History
from bot.core.commands.links import Link, ListUsers, Unlink, WhoAmI
from bot.core.commands.parse import parse
from bot.core.commands.tokens import MAX_TEXT_CHARS
from bot.core.commands.types import (
    AssigneeRef,
    Command,
    Me,
    PlatformUser,
    SlackUser,
    UsageError,
)

#: (text after `/assign `, what it does), written as a person types it: Slack turns a picked
#: `@alice` into a mention (`<@U…|alice>`) before the text reaches `parse`. Tests parse each one.
HELP_EXAMPLES: Final = registry.help_examples()

#: The subcommands' names (not the main form's), as the first word of a text.
SUBCOMMANDS: Final = registry.names()

__all__ = [
    "HELP_EXAMPLES",
    "HISTORY_DEFAULT",
    "HISTORY_MAX",
    "MAX_TEXT_CHARS",
    "SUBCOMMANDS",
    "Assign",
    "AssigneeRef",
    "Command",
    "Help",
    "History",
    "Link",
    "ListUsers",
    "Me",
    "PlatformUser",
    "SlackUser",
    "Unlink",
    "UsageError",
    "WhoAmI",
    "parse",
]
