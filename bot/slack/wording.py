"""Every typed error turned into words for the person who met it, in one place."""

from __future__ import annotations

from bot.core.grammar import UsageError
from bot.service import ConfirmationGone, NotAdmin, NotRequester, UnlinkedAssignees
from bot.sgp.errors import SGPError
from bot.slack import mrkdwn as md
from bot.slack.ui_ids import COMMAND
from bot.store.errors import StoreUnavailable

NOTHING_ASSIGNED = "Nothing was assigned."


def describe(error: Exception) -> str:
    """mrkdwn for a Slack user: what went wrong and what to do about it."""
    if isinstance(error, UsageError):
        return f"{md.escape(error.message)}\nType `{COMMAND} help` for examples."
    if isinstance(error, UnlinkedAssignees):
        who = ", ".join(md.user(user_id) for user_id in error.slack_user_ids)
        return (
            f"{who} {'has' if len(error.slack_user_ids) == 1 else 'have'} no linked platform "
            f"account, so I don't know whom to assign the tasks to. {_who_can_link(error.admins)} "
            f"with `{COMMAND} link @user <platform-user-id>`; or name the platform user directly "
            f"with `sgp:<platform-user-id>`. {NOTHING_ASSIGNED}"
        )
    if isinstance(error, ConfirmationGone):
        if error.ending == "confirmed":
            return "This request was already confirmed; it runs only once."
        if error.ending == "cancelled":
            return "This request was already cancelled. Run the command again to start over."
        return f"This confirmation has expired. Run the command again. {NOTHING_ASSIGNED}"
    if isinstance(error, NotRequester):
        return (
            f"Only {md.user(error.requester_id)}, who made this request, can confirm or cancel it."
        )
    if isinstance(error, NotAdmin):
        return f"Only admins can change user links. {_who_can_link(error.admins)}."
    if isinstance(error, SGPError):
        return f"The platform refused: {md.escape(str(error))}. {NOTHING_ASSIGNED}"
    if isinstance(error, StoreUnavailable):
        return "The bot's store is unavailable, try again shortly. " + NOTHING_ASSIGNED
    return f"Something went wrong on the bot's side. {NOTHING_ASSIGNED} Please try again."


def _who_can_link(admins: frozenset[str]) -> str:
    if not admins:
        return "No admins are configured (ASSIGN_ADMINS); ask whoever runs the bot to add one"
    names = ", ".join(md.user(admin) for admin in sorted(admins))
    return f"Ask an admin ({names}) to link it"
