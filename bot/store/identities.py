"""Slack user -> platform user links, so `/assign ... to @alice` needs no platform id typed.

One Redis hash per Slack team (field: Slack user id, value: platform user id): Slack user ids
are only unique within a team, and a hash gives "all links of a team" and "many users at once"
in one round trip each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from redis.asyncio import Redis

from bot.store.errors import unavailable_on_connection_error

__all__ = ["IdentityStore"]


def _require(value: str, what: str) -> None:
    """Refuse empty ids: an empty field or key part would silently alias other data."""
    if not value:
        raise ValueError(f"{what} must not be empty")


class IdentityStore:
    """Links between Slack users and platform users, kept per Slack team."""

    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, team_id: str) -> str:
        """The Redis hash holding one team's links (for tests and operators)."""
        _require(team_id, "team_id")
        return self._key("identities", team_id)

    async def link(self, team_id: str, slack_user_id: str, platform_user_id: str) -> str | None:
        """Link (or re-link) a Slack user; returns the platform id it was linked to before.

        Read and write run in one MULTI, so the returned previous id is the one replaced.
        """
        _require(slack_user_id, "slack_user_id")
        _require(platform_user_id, "platform_user_id")
        key = self.key(team_id)
        with unavailable_on_connection_error():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hget(key, slack_user_id)
                pipe.hset(key, slack_user_id, platform_user_id)
                previous, _ = await pipe.execute()
        return cast("str | None", previous)

    async def unlink(self, team_id: str, slack_user_id: str) -> str | None:
        """Remove a link; returns the platform id removed, or None if there was no link."""
        _require(slack_user_id, "slack_user_id")
        key = self.key(team_id)
        with unavailable_on_connection_error():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hget(key, slack_user_id)
                pipe.hdel(key, slack_user_id)
                removed, _ = await pipe.execute()
        return cast("str | None", removed)

    async def get(self, team_id: str, slack_user_id: str) -> str | None:
        """The platform id a Slack user is linked to, or None."""
        _require(slack_user_id, "slack_user_id")
        key = self.key(team_id)
        with unavailable_on_connection_error():
            value = await self._redis.hget(key, slack_user_id)
        return cast("str | None", value)

    async def get_many(self, team_id: str, slack_user_ids: Sequence[str]) -> dict[str, str]:
        """Links of several Slack users in one round trip; unlinked users are left out."""
        key = self.key(team_id)
        wanted = list(dict.fromkeys(slack_user_ids))  # unique, order kept
        for slack_user_id in wanted:
            _require(slack_user_id, "slack_user_id")
        if not wanted:  # HMGET needs at least one field
            return {}
        with unavailable_on_connection_error():
            values = await self._redis.hmget(key, wanted)
        return {
            slack_user_id: cast(str, value)
            for slack_user_id, value in zip(wanted, values, strict=True)
            if value is not None
        }

    async def all(self, team_id: str) -> dict[str, str]:
        """Every link of a team (for admins listing mappings)."""
        key = self.key(team_id)
        with unavailable_on_connection_error():
            mapping = await self._redis.hgetall(key)
        return cast("dict[str, str]", mapping)
