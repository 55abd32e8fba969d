"""Words for surfaces that show plain text only, such as a modal input's error.

Mentions do not render there, so people are named by their Slack name, looked up quickly.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Final

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.ui_ids import COMMAND
from bot.usecases.refusals import UnlinkedAssignees

log = logging.getLogger(__name__)

NAMES_SECONDS: Final = 0.5


async def unlinked(client: AsyncWebClient, error: UnlinkedAssignees) -> str:
    """Who has no link, and who can link them and how, in plain text (an input error)."""
    admins = sorted(error.admins)
    names = await names_of(client, [*error.slack_user_ids, *admins])
    who = ", ".join(names[user] for user in error.slack_user_ids)
    one = len(error.slack_user_ids) == 1
    text = f"{who} {'has' if one else 'have'} no linked platform account yet. "
    if admins:
        text += (
            f"Ask an admin ({', '.join(names[admin] for admin in admins)}) to link "
            f"{'them' if not one else 'it'} with {COMMAND} link @user <platform-user-id>, "
            "then submit again; or pick someone else."
        )
    else:
        text += (
            "No admins are configured (ASSIGN_ADMINS) to link it: ask whoever runs the bot "
            "to add one, or pick someone else."
        )
    return text


async def names_of(client: AsyncWebClient, user_ids: Sequence[str]) -> dict[str, str]:
    """`@name` per Slack user for plain text, where mentions do not render; ids as a fallback."""
    names = {user_id: f"@{user_id}" for user_id in user_ids}

    async def one(user_id: str) -> None:
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.info("no name for %s: %s", user_id, exc.response.get("error"))
            return
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name")
        if name:
            names[user_id] = f"@{name}"

    try:
        await asyncio.wait_for(
            asyncio.gather(*(one(user_id) for user_id in dict.fromkeys(user_ids))),
            NAMES_SECONDS,
        )
    except TimeoutError:
        log.info("users.info was too slow; naming people by id")
    return names


_PERSON_RE: Final = re.compile(r"<([@#])([A-Z0-9]+)(?:\|([^<>]*))?>")
_SPECIAL_RE: Final = re.compile(r"<!([^<>|]*)(?:\|([^<>]*))?>")
_LINK_RE: Final = re.compile(r"<(?:https?|mailto):[^|<>]*\|([^<>]*)>")


def plain_text(mrkdwn: str) -> str:
    """mrkdwn from `describe`, readable where Slack shows plain text only (input errors)."""
    text = _PERSON_RE.sub(lambda m: m.group(1) + (m.group(3) or m.group(2)).lstrip("@#"), mrkdwn)
    text = _SPECIAL_RE.sub(lambda m: m.group(2) or "@" + m.group(1).split("^")[0], text)
    text = _LINK_RE.sub(lambda m: m.group(1), text).replace("`", '"').replace("*", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
