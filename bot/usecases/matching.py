"""Slack users without an explicit link, matched to platform users by email.

A lead should not have to link every annotator by hand: when a Slack user has no link, their
Slack email (users.info, scope users:read.email) is looked up among the platform users of the
API key's organization, ignoring case. Exactly one platform user with that email is a match;
none or several (ambiguous) is no match, and the caller reports the person as unlinked. Matches
are cached in the store for a while, per Slack team, so a busy lead does not cost a listing of
the organization per request; explicit links are read first and always win.

Knows no Slack: the emails come from an EmailDirectory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Final

from bot.core.tasks import PlatformError
from bot.store.cache import Cache
from bot.usecases.ports import EmailDirectory, Platform

log = logging.getLogger(__name__)

#: Cache namespace of matches: `<team id>:<Slack user id>` -> platform user id.
MATCHES: Final = "email-match"
DEFAULT_TTL_SECONDS: Final = 6 * 60 * 60
DEFAULT_LISTING_SECONDS: Final = 5.0


def normal_email(email: str) -> str:
    """Addresses compare without case or surrounding spaces: `Alice@X.com ` is alice@x.com."""
    return email.strip().lower()


class EmailMatcher:
    """Slack user -> platform user by email, with the matches cached."""

    def __init__(
        self,
        *,
        emails: EmailDirectory,
        sgp: Platform,
        cache: Cache,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        listing_seconds: float = DEFAULT_LISTING_SECONDS,
    ) -> None:
        self.emails = emails
        self.sgp = sgp
        self.cache = cache
        self.ttl_seconds = ttl_seconds
        self.listing_seconds = listing_seconds
        self._organization_id: str | None = None

    async def match(self, team_id: str, slack_user_ids: Sequence[str]) -> dict[str, str]:
        """The platform user of each Slack user that can be matched; the others are left out.

        Never raises for the platform or Slack: a lookup that fails is no match (logged), and the
        caller's "no linked account" error still tells the requester how to fix it.
        """
        found: dict[str, str] = {}
        for slack_user_id in dict.fromkeys(slack_user_ids):
            cached = await self.cache.get(MATCHES, f"{team_id}:{slack_user_id}")
            if isinstance(cached, str) and cached:
                found[slack_user_id] = cached
        rest = [user for user in dict.fromkeys(slack_user_ids) if user not in found]
        if not rest:
            return found
        addresses = await asyncio.gather(*(self.emails.email_of(user) for user in rest))
        wanted = {
            user: normal_email(address)
            for user, address in zip(rest, addresses, strict=True)
            if address and address.strip()
        }
        if not wanted:
            return found
        by_email = await self._platform_users_by_email()
        for slack_user_id, email in wanted.items():
            platform_ids = by_email.get(email, [])
            if len(platform_ids) == 1:
                found[slack_user_id] = platform_ids[0]
                await self.cache.put(
                    MATCHES, f"{team_id}:{slack_user_id}", platform_ids[0], self.ttl_seconds
                )
                log.info("matched %s to platform user %s by email", slack_user_id, platform_ids[0])
            elif platform_ids:
                log.info(
                    "%s's email belongs to %d platform users; not matching",
                    slack_user_id,
                    len(platform_ids),
                )
        return found

    async def _platform_users_by_email(self) -> dict[str, list[str]]:
        """Normalised email -> the distinct platform user ids with it; {} when unreadable."""
        try:
            async with asyncio.timeout(self.listing_seconds):
                organization_id = await self._organization()
                if organization_id is None:
                    return {}
                users = await self.sgp.list_organization_users(organization_id)
        except (PlatformError, TimeoutError) as exc:
            log.warning("could not list the organization's users to match emails: %s", exc)
            return {}
        by_email: dict[str, list[str]] = {}
        for user in users:
            if user.email and user.email.strip():
                ids = by_email.setdefault(normal_email(user.email), [])
                if user.id not in ids:
                    ids.append(user.id)
        return by_email

    async def _organization(self) -> str | None:
        """The API key's organization (GET /user-info), asked once per process."""
        if self._organization_id is None:
            info = await self.sgp.get_user_info()
            if not info.organization_id:
                log.warning("the platform named no organization for the API key; no email matching")
                return None
            self._organization_id = info.organization_id
        return self._organization_id
