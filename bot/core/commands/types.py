"""The words every subcommand shares: the Command base, people, and the one error type.

Each subcommand's own Command (Assign, Link, History...) lives in its module, next to the
grammar that makes it, so a new subcommand is one new module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class Command:
    """What a text asks for; `parse` returns one of its subclasses, never this base."""


@dataclass(frozen=True)
class SlackUser:
    """A person named by a Slack mention; their platform user is looked up later."""

    user_id: str


@dataclass(frozen=True)
class Me:
    """Whoever sent the command; the parser does not know who that is, the caller does."""


@dataclass(frozen=True)
class PlatformUser:
    """A platform user named directly (`sgp:<id>`): for people not on Slack or not linked yet."""

    user_id: str


AssigneeRef: TypeAlias = SlackUser | Me | PlatformUser


class UsageError(ValueError):
    """Text that is not a command; `message` says what is wrong and how to fix it.

    Quoted tokens are as the person typed them, unescaped: the renderer escapes them.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
