"""Which words name a person (a Slack mention, `me`, `sgp:<id>`), and why one does not.

Errors talk about people whenever a word was meant as one (`@name` typed as text, `@here`,
a channel, a user group, a bad `sgp:` id), rather than calling it a bad id.
"""

from __future__ import annotations

from typing import Final

from bot.core import ids
from bot.core.commands.tokens import Token, show
from bot.core.commands.types import AssigneeRef, Me, PlatformUser, SlackUser, UsageError

PERSON_FORMS: Final = "a Slack mention like `@alice`, `me`, or `sgp:<platform user id>`"


def person(token: Token) -> AssigneeRef | None:
    """The assignee a token names, or None."""
    if token.markup:
        user_id = ids.slack_user_from(token.text)
        return SlackUser(user_id) if user_id is not None else None
    if token.word.rstrip(".!?") == "me":
        return Me()
    platform_id = ids.platform_user_from(token.text)
    return PlatformUser(platform_id) if platform_id is not None else None


def slack_person(token: Token) -> SlackUser | Me | None:
    """A person with a Slack account: only they can be linked to a platform user."""
    named = person(token)
    return named if isinstance(named, SlackUser | Me) else None


def meant_as_person(token: Token) -> bool:
    """Tokens meant as people even when unusable (`@name` typed as text, `@here`, a channel,
    a user group, a bad `sgp:` id), so the error talks about people, not ids."""
    if token.markup:
        return token.text[1:2] in ("@", "#", "!")
    word = token.word
    return word.rstrip(".!?") == "me" or word.startswith(("@", "#", ids.PLATFORM_USER_PREFIX))


def not_a_person(token: Token, *, slack_only: bool = False) -> UsageError:
    """Why a token is not a person, and the forms that are.

    `slack_only` is for `link` and `unlink`, which take a Slack person, never `sgp:<id>`.
    """
    text = token.text
    shown = show(token)
    if token.markup and text.startswith("<!subteam^"):
        return UsageError(
            f"User groups like {shown} are not supported yet: name each person instead, "
            "e.g. `to @alice @bob`."
        )
    if token.markup and text.startswith(("<!", "<#")):
        what = "a channel" if text.startswith("<#") else "a mention of everyone there"
        return UsageError(
            f"{shown} is {what}, not a person: name each person instead, e.g. `to @alice @bob`."
        )
    if not token.markup and text.startswith("@"):
        other = "" if slack_only else ", or use `sgp:<platform user id>`"
        return UsageError(
            f"{shown} is plain text, not a Slack mention: pick the person from the list Slack "
            f"shows when you type @{other}."
        )
    platform = token.word.startswith(ids.PLATFORM_USER_PREFIX)
    if platform and ids.platform_user_from(text) is None:
        problem = ids.id_problem(text[len(ids.PLATFORM_USER_PREFIX) :]) or ids.ID_RULE
        return UsageError(
            f"{shown} is not a valid platform user id: {problem}. Example: `sgp:user_42`."
        )
    if slack_only:
        return UsageError(f"{shown} is not a Slack person: use a mention like `@alice`, or `me`.")
    return UsageError(f"{shown} is not someone I can assign to: use {PERSON_FORMS}.")
