"""Slack user groups for ASSIGN_ALLOWED_GROUPS: handle -> id -> members, cached in Redis.

`usergroups.list` maps handles (`eval-leads`) to ids (`S0123ABC`); `usergroups.users.list` gives
a group's members. Both are tier-2 methods (about 20 calls a minute), and membership changes
rarely, so answers are cached for a few minutes (ASSIGN_GROUP_CACHE_SECONDS) in the bot's store,
shared by all its processes. Needs the `usergroups:read` scope.
"""

from __future__ import annotations

import logging
import re
from typing import Final

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.directories.failures import SLACK_FAILURES, failure_reason
from bot.store.cache import Cache
from bot.usecases.ports import GroupsUnavailable

log = logging.getLogger(__name__)

_GROUP_ID: Final = re.compile(r"S[A-Z0-9]{2,}")
_MEMBERS: Final = "usergroup-members"
_HANDLES: Final = "usergroup-handles"


def is_group_id(name: str) -> bool:
    """`S0123ABC` is an id; handles are lower case (`eval-leads`)."""
    return _GROUP_ID.fullmatch(name) is not None


def normal_group(group: str) -> str:
    """`@eval-leads`, ` Eval-Leads ` -> `eval-leads`; ids (`S0123ABC`) are kept as they are."""
    name = group.strip()
    return name if is_group_id(name) else name.lstrip("@").lower()


class SlackGroupDirectory:
    """GroupDirectory over the Slack Web API, with a Redis cache in front of it."""

    def __init__(self, client: AsyncWebClient, cache: Cache, ttl_seconds: int = 300) -> None:
        self.client = client
        self.cache = cache
        self.ttl_seconds = ttl_seconds

    async def members(self, group: str, team_id: str | None = None) -> frozenset[str]:
        """Slack user ids in `group` (a handle or an id); empty for a group Slack does not know.

        `team_id`: the workspace, for an org-wide install, whose org-level token must name it
        (Slack answers `missing_argument` otherwise); group ids are unique in the org.
        Raises GroupsUnavailable when Slack cannot answer, so the caller can say "try again"
        instead of a wrong "you are not allowed".
        """
        group_id = await self._group_id(normal_group(group), team_id)
        if group_id is None:
            log.warning("no Slack user group %r: check ASSIGN_ALLOWED_GROUPS", group[:80])
            return frozenset()
        cached = await self.cache.get(_MEMBERS, group_id)
        if isinstance(cached, list):
            return frozenset(str(user) for user in cached)
        try:
            response = await self.client.usergroups_users_list(usergroup=group_id, team_id=team_id)
        except SLACK_FAILURES as exc:
            raise GroupsUnavailable(_failure(exc, "usergroups.users.list")) from None
        users = [str(user) for user in response.get("users") or []]
        await self.cache.put(_MEMBERS, group_id, users, self.ttl_seconds)
        return frozenset(users)

    async def _group_id(self, name: str, team_id: str | None) -> str | None:
        if is_group_id(name):
            return name
        scope = team_id or "all"  # each workspace's handles, under an org-wide install
        handles = await self.cache.get(_HANDLES, scope)
        if not isinstance(handles, dict):
            try:
                response = await self.client.usergroups_list(team_id=team_id)
            except SLACK_FAILURES as exc:
                raise GroupsUnavailable(_failure(exc, "usergroups.list")) from None
            handles = {
                str(group.get("handle", "")).lower(): str(group.get("id", ""))
                for group in response.get("usergroups") or []
                if isinstance(group, dict) and group.get("handle") and group.get("id")
            }
            await self.cache.put(_HANDLES, scope, handles, self.ttl_seconds)
        found = handles.get(name)
        return str(found) if found else None


def _failure(exc: BaseException, method: str) -> str:
    """Log why, and say it for GroupsUnavailable."""
    reason = failure_reason(exc)
    log.warning("%s failed: %s", method, reason)
    return f"{method}: {reason}"
