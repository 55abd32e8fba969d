"""Every typed error turned into words for the person who met it, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from bot.core.authz import AccessPolicy, Refusal
from bot.core.commands import UsageError
from bot.core.query import NextTasks
from bot.sgp.errors import SGPError
from bot.slack import mrkdwn as md
from bot.slack.directories.groups import is_group_id, normal_group
from bot.slack.ui_ids import COMMAND
from bot.store.errors import StoreUnavailable
from bot.usecases.refusals import (
    ConfirmationGone,
    NotAdmin,
    NotAllowed,
    NothingToPick,
    NotRequester,
    RetryGone,
    TooManyToPick,
    UndoGone,
    UnlinkedAssignees,
)

NOTHING_ASSIGNED = "Nothing was assigned."
NAMES_SHOWN = 10


def describe(error: Exception) -> str:
    """mrkdwn for a Slack user: what went wrong and what to do about it.

    The wording is the one registered for the error's class or its nearest base class in
    `WORDINGS` (`Exception` catches the rest), so a new error type is one entry there.
    """
    for kind in type(error).__mro__:
        wording = WORDINGS.get(kind)
        if wording is not None:
            return wording(error)
    return _unexpected(error)


def _usage(error: UsageError) -> str:
    return f"{md.escape(error.message)}\nType `{COMMAND} help` for examples."


def _unlinked(error: UnlinkedAssignees) -> str:
    who = ", ".join(md.user(user_id) for user_id in error.slack_user_ids)
    return (
        f"{who} {'has' if len(error.slack_user_ids) == 1 else 'have'} no linked platform "
        f"account, so I don't know whom to assign the tasks to. {_who_can_link(error.admins)} "
        f"with `{COMMAND} link @user &lt;platform-user-id&gt;`; or name the platform user directly "
        f"with `sgp:&lt;platform-user-id&gt;`. {NOTHING_ASSIGNED}"
    )


def _confirmation_gone(error: ConfirmationGone) -> str:
    if error.ending == "confirmed":
        return "This request was already confirmed; it runs only once."
    if error.ending == "cancelled":
        return "This request was already cancelled. Run the command again to start over."
    return f"This confirmation has expired. Run the command again. {NOTHING_ASSIGNED}"


def _not_requester(error: NotRequester) -> str:
    if error.action == "undo this assignment":
        return (
            f"Only {md.user(error.requester_id)}, who made this request, or an admin can undo it."
        )
    return (
        f"Only {md.user(error.requester_id)}, who made this request, or an admin can "
        "confirm, cancel or retry it."
    )


def _nothing_to_pick(error: NothingToPick) -> str:
    asked = f"`next {error.query.count}`" if isinstance(error.query, NextTasks) else "`unassigned`"
    return (
        f"Evaluation {md.code(error.evaluation_id)} has no pending task that nobody has, so "
        f"{asked} found nothing to assign. {NOTHING_ASSIGNED}"
    )


def _too_many_to_pick(error: TooManyToPick) -> str:
    return (
        f"Evaluation {md.code(error.evaluation_id)} has {error.found:,} pending tasks that nobody "
        f"has, more than the {error.most:,} one request may take: use `next {error.most}` "
        f"and run it again for the rest. {NOTHING_ASSIGNED}"
    )


def _undo_gone(error: UndoGone) -> str:
    if error.already:
        return "This assignment was already undone; see the thread."
    return "Undo is no longer available: it works for 24 hours after an assignment."


def _retry_gone(error: RetryGone) -> str:
    if error.already:
        return "The failed tasks of this request are already being retried; see the thread."
    return (
        "There is nothing left to retry here: no task failed, or this request is more "
        f"than a week old. Use `{COMMAND}` to assign the tasks again."
    )


def _not_admin(error: NotAdmin) -> str:
    if error.self_link:
        return (
            f"You can link or unlink only yourself: `{COMMAND} link me &lt;platform-user-id&gt;`. "
            f"{_who_can_link(error.admins)} for anyone else."
        )
    if error.action == "change user links":
        return f"Only admins can change user links. {_who_can_link(error.admins)}."
    return f"Only admins can {md.escape(error.action)}. {_admins(error.admins)}."


def _platform(error: SGPError) -> str:
    return f"The platform refused: {md.escape(str(error))}. {NOTHING_ASSIGNED}"


def _store(_: StoreUnavailable) -> str:
    return "The bot's store is unavailable, try again shortly. " + NOTHING_ASSIGNED


def _unexpected(_: Exception) -> str:
    return f"Something went wrong on the bot's side. {NOTHING_ASSIGNED} Please try again."


def _not_allowed(error: NotAllowed) -> str:
    """Who may assign, and how to get access: a refusal that leaves the person stuck is a bug."""
    policy = error.policy
    ask = _ask_admin(policy.admins)
    if error.refusal is Refusal.CHANNEL:
        return (
            f"Tasks can't be assigned from this conversation: `{COMMAND}` works only in "
            f"{_names(_channel(c) for c in sorted(policy.channels))}. Run it there, or {ask} to "
            f"add this channel to ASSIGN_ALLOWED_CHANNELS. {NOTHING_ASSIGNED}"
        )
    groups = _names(_group(g) for g in sorted(policy.groups))
    if error.groups_unchecked:
        return (
            f"I could not check whether you are a member of {groups} (Slack did not answer), "
            f"so I can't let you assign yet. Try again shortly. {NOTHING_ASSIGNED}"
        )
    return (
        f"You are not allowed to assign tasks. {_who_may(policy)} To get access, {ask} to add "
        f"you to ASSIGN_ALLOWED_USERS"
        + (f", or join {groups}" if policy.groups else "")
        + f". {NOTHING_ASSIGNED}"
    )


def _who_may(policy: AccessPolicy) -> str:
    parts: list[str] = []
    if policy.users:
        parts.append(_names(md.user(u) for u in sorted(policy.users)))
    if policy.groups:
        parts.append("members of " + _names(_group(g) for g in sorted(policy.groups)))
    if policy.admins:
        parts.append("the admins")
    return f"Who may: {'; '.join(parts)}."


def _ask_admin(admins: frozenset[str]) -> str:
    if not admins:
        return "ask whoever runs the bot (no admins are configured in ASSIGN_ADMINS)"
    return f"ask an admin ({_names(md.user(a) for a in sorted(admins))})"


def _admins(admins: frozenset[str]) -> str:
    if not admins:
        return "No admins are configured (ASSIGN_ADMINS)"
    return f"The admins are {_names(md.user(a) for a in sorted(admins))}"


def _group(group: str) -> str:
    """A user group as code, never as `<!subteam^...>`, which would notify its members."""
    name = normal_group(group)
    return md.code(name if is_group_id(name) else "@" + name)


def _channel(channel_id: str) -> str:
    return f"<#{md.escape(channel_id)}>"


def _names(names: Iterable[str]) -> str:
    """At most NAMES_SHOWN names, then how many more: a refusal must stay readable."""
    shown = list(names)
    if len(shown) > NAMES_SHOWN:
        return ", ".join(shown[:NAMES_SHOWN]) + f" and {len(shown) - NAMES_SHOWN:,} more"
    return ", ".join(shown)


def _who_can_link(admins: frozenset[str]) -> str:
    if not admins:
        return "No admins are configured (ASSIGN_ADMINS); ask whoever runs the bot to add one"
    names = ", ".join(md.user(admin) for admin in sorted(admins))
    return f"Ask an admin ({names}) to link it"


#: Error class -> its wording; `describe` walks the error's MRO, so subclasses inherit.
WORDINGS: Final[Mapping[type[Exception], Callable[[Any], str]]] = {
    UsageError: _usage,
    UnlinkedAssignees: _unlinked,
    ConfirmationGone: _confirmation_gone,
    NotRequester: _not_requester,
    NothingToPick: _nothing_to_pick,
    TooManyToPick: _too_many_to_pick,
    UndoGone: _undo_gone,
    RetryGone: _retry_gone,
    NotAdmin: _not_admin,
    NotAllowed: _not_allowed,
    SGPError: _platform,
    StoreUnavailable: _store,
    Exception: _unexpected,
}
