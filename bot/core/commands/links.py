"""Who is who: `link`, `unlink`, `whoami` and `users`, the commands about which platform user
a Slack person is.

    [assign] link <@person | me> [to] <platform user id | sgp:id>
    [assign] unlink <@person | me>
    [assign] whoami
    [assign] users
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.core import ids
from bot.core.commands.people import not_a_person, slack_person
from bot.core.commands.registry import Context, Subcommand
from bot.core.commands.tokens import Token, is_filler, show
from bot.core.commands.types import Command, Me, SlackUser, UsageError

_EXAMPLE_LINK: Final = "`/assign link @alice sgp:user_42`"
_LINK_FILLERS: Final = frozenset({"to", "as", "=", "->", "=>"})


@dataclass(frozen=True)
class Link(Command):
    """Remember which platform user a Slack user is, so mentions can be assigned to."""

    assignee: SlackUser | Me
    platform_user_id: str


@dataclass(frozen=True)
class Unlink(Command):
    """Forget a Slack user's platform user."""

    assignee: SlackUser | Me


@dataclass(frozen=True)
class WhoAmI(Command):
    """Show the requester's own link."""


@dataclass(frozen=True)
class ListUsers(Command):
    """List the known links."""


def _no_arguments(name: str, rest: Sequence[Token]) -> None:
    """Refuse trailing words: `users t1 to @a` is more likely a slip than something to ignore."""
    if rest:
        raise UsageError(
            f"`{name}` takes nothing after it, but got {show(rest[0])}: send just `/assign {name}`."
        )


def _parse_link(rest: Sequence[Token], context: Context) -> Link:
    """`link <@person | me> [to] <platform user id | sgp:id>`."""
    words = [t for t in rest if t.word not in _LINK_FILLERS and not is_filler(t)]
    if not words:
        raise UsageError(
            f"`link` needs a Slack person and their platform user id: {_EXAMPLE_LINK} "
            "(or `/assign link me sgp:user_42`)."
        )
    who = slack_person(words[0])
    if who is None:
        if len(words) > 1 and slack_person(words[1]) is not None:
            raise UsageError(
                f"Put the Slack person first, then the platform user id: {_EXAMPLE_LINK}."
            )
        raise not_a_person(words[0], slack_only=True)
    if len(words) < 2:
        whose = "are you" if isinstance(who, Me) else f"is {show(words[0])}"
        raise UsageError(f"Which platform user {whose}? Add the id: {_EXAMPLE_LINK}.")
    platform_id = _platform_user(words[1])
    if len(words) > 2:
        raise UsageError(
            f"`link` takes one Slack person and one platform user id; remove "
            f"{show(words[2])}: {_EXAMPLE_LINK}."
        )
    return Link(assignee=who, platform_user_id=platform_id)


def _platform_user(target: Token) -> str:
    """The platform user id `link` was given: `sgp:<id>` or a bare id."""
    platform_id = None if target.markup else ids.platform_user_from(target.text)
    if platform_id is not None:
        return platform_id
    if slack_person(target) is not None:
        raise UsageError(
            f"`link` takes one Slack person and one platform user id, but {show(target)} "
            f"is a second person: {_EXAMPLE_LINK}."
        )
    if target.word.startswith(ids.PLATFORM_USER_PREFIX):
        raise not_a_person(target)
    problem = "it is a Slack mention or link" if target.markup else ids.id_problem(target.text)
    if problem is not None:
        raise UsageError(
            f"{show(target)} is not a valid platform user id: {problem}. Example: {_EXAMPLE_LINK}."
        )
    return target.text


def _parse_unlink(rest: Sequence[Token], context: Context) -> Unlink:
    """`unlink <@person | me>`."""
    words = [t for t in rest if not is_filler(t)]
    if not words:
        raise UsageError("Whose link should I forget? `/assign unlink @alice` or `unlink me`.")
    who = slack_person(words[0])
    if who is None:
        raise not_a_person(words[0], slack_only=True)
    if len(words) > 1:
        raise UsageError(
            f"`unlink` takes one person; remove {show(words[1])}: `/assign unlink @alice`."
        )
    return Unlink(assignee=who)


def _parse_whoami(rest: Sequence[Token], context: Context) -> WhoAmI:
    _no_arguments("whoami", rest)
    return WhoAmI()


def _parse_users(rest: Sequence[Token], context: Context) -> ListUsers:
    _no_arguments("users", rest)
    return ListUsers()


DECLARED: Final = (
    Subcommand(
        name="link",
        parse=_parse_link,
        command=Link,
        examples=(
            ("link me sgp:user_42", "Remember that you are platform user user_42."),
            ("link @alice user_42", "Remember that @alice is platform user user_42."),
        ),
        rank=20,
    ),
    Subcommand(
        name="unlink",
        parse=_parse_unlink,
        command=Unlink,
        examples=(("unlink @alice", "Forget @alice's platform user."),),
        rank=30,
    ),
    Subcommand(
        name="whoami",
        parse=_parse_whoami,
        command=WhoAmI,
        examples=(("whoami", "Show which platform user you are linked to."),),
        rank=40,
    ),
    Subcommand(
        name="users",
        parse=_parse_users,
        command=ListUsers,
        examples=(("users", "List who is linked to which platform user."),),
        rank=50,
    ),
)
