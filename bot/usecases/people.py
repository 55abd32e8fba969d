"""People: the Slack user -> platform user links, and who a request's mentions are.

An explicit link always wins; a Slack user without one is matched by email when an email
directory is configured (`bot.usecases.matching`); whoever is still unknown is named in
UnlinkedAssignees, all together.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands import AssigneeRef, Me, PlatformUser, SlackUser
from bot.core.confirmation import Assignee
from bot.core.requester import Requester
from bot.store.cache import Cache
from bot.store.identities import IdentityStore
from bot.usecases.access import Access
from bot.usecases.matching import DEFAULT_TTL_SECONDS, EmailMatcher
from bot.usecases.ports import EmailDirectory, Platform
from bot.usecases.refusals import UnlinkedAssignees


class People:
    def __init__(
        self,
        identities: IdentityStore,
        access: Access,
        *,
        platform: Platform,
        cache: Cache,
        listing_seconds: float = 5.0,
    ) -> None:
        self.identities = identities
        self.access = access
        self.platform = platform
        self.cache = cache
        self.listing_seconds = listing_seconds
        self.matcher: EmailMatcher | None = None

    def use_emails(self, emails: EmailDirectory, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        """Match Slack users without a link by email, through `emails` (e.g. Slack's API)."""
        self.matcher = EmailMatcher(
            emails=emails,
            sgp=self.platform,
            cache=self.cache,
            ttl_seconds=ttl_seconds,
            listing_seconds=self.listing_seconds,
        )

    async def resolve(self, requester: Requester, refs: Sequence[AssigneeRef]) -> list[Assignee]:
        """Turn mentions into platform users; all unlinked ones are reported together."""
        slack_ids = [_slack_id(ref, requester) for ref in refs]
        wanted = [slack_id for slack_id in slack_ids if slack_id is not None]
        linked = await self._linked(requester, wanted) if wanted else {}
        missing = [slack_id for slack_id in dict.fromkeys(wanted) if slack_id not in linked]
        matched: dict[str, str] = {}
        if missing and self.matcher is not None:
            matched = await self.matcher.match(requester.team_id, missing)
        unknown = [slack_id for slack_id in missing if slack_id not in matched]
        if unknown:
            raise UnlinkedAssignees(unknown, self.access.admins)
        assignees: list[Assignee] = []
        for ref, slack_id in zip(refs, slack_ids, strict=True):
            if isinstance(ref, PlatformUser):
                assignees.append(Assignee(platform_user_id=ref.user_id))
            elif slack_id is not None and slack_id in linked:
                assignees.append(
                    Assignee(platform_user_id=linked[slack_id], slack_user_id=slack_id)
                )
            elif slack_id is not None:
                assignees.append(
                    Assignee(
                        platform_user_id=matched[slack_id],
                        slack_user_id=slack_id,
                        matched_by_email=True,
                    )
                )
        return list(dict.fromkeys(assignees))

    async def _linked(self, requester: Requester, slack_user_ids: Sequence[str]) -> dict[str, str]:
        """Links of the requester's org (org-wide install) or workspace; with an org, the
        workspace's older links still count where the org has none."""
        owner, fallback = requester.links_owner, requester.links_fallback
        linked = await self.identities.get_many(owner, slack_user_ids)
        missing = [slack_id for slack_id in slack_user_ids if slack_id not in linked]
        if fallback is not None and missing:
            linked = {**await self.identities.get_many(fallback, missing), **linked}
        return linked

    async def link(
        self, owner: str, actor_id: str, slack_user_id: str, platform_user_id: str
    ) -> str | None:
        """The previous platform user of `slack_user_id`, if any. `owner`: the org with an
        org-wide install, else the workspace (`Requester.links_owner`)."""
        self.access.check_may_link(actor_id, slack_user_id)
        return await self.identities.link(owner, slack_user_id, platform_user_id)

    async def unlink(
        self, owner: str, actor_id: str, slack_user_id: str, fallback: str | None = None
    ) -> str | None:
        """Remove the link, and the workspace's older one under an org-wide install."""
        self.access.check_may_link(actor_id, slack_user_id)
        removed = await self.identities.unlink(owner, slack_user_id)
        if fallback is not None:
            removed = await self.identities.unlink(fallback, slack_user_id) or removed
        return removed

    async def linked_platform_user(
        self, owner: str, slack_user_id: str, fallback: str | None = None
    ) -> str | None:
        found = await self.identities.get(owner, slack_user_id)
        if found is None and fallback is not None:
            found = await self.identities.get(fallback, slack_user_id)
        return found

    async def links(self, owner: str, fallback: str | None = None) -> dict[str, str]:
        older = await self.identities.all(fallback) if fallback is not None else {}
        return {**older, **await self.identities.all(owner)}


def _slack_id(ref: AssigneeRef, requester: Requester) -> str | None:
    if isinstance(ref, Me):
        return requester.user_id
    if isinstance(ref, SlackUser):
        return ref.user_id
    return None
