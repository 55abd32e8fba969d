"""The short-lived tokens of Workflow Builder steps under way, kept apart from the jobs.

Slack gives each run of a custom step its own bot token (`bot_access_token`, `xwfp-...`),
valid while the step runs; completing the step needs it. A job's JSON is read by every
worker and kept for Retry and history, so the token is not in it: it is kept here, under the
step's execution id, with a TTL, and dropped when the step is completed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

from redis.asyncio import Redis

from bot.store.errors import unavailable_on_connection_error

__all__ = ["STEP_TOKEN_TTL_SECONDS", "StepTokens"]

#: A step's preview lives 15 minutes and a large job may run for hours; Slack ends a step
#: that was not completed long before this.
STEP_TOKEN_TTL_SECONDS: Final = 24 * 60 * 60


class StepTokens:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, execution_id: str) -> str:
        if not execution_id:
            raise ValueError("execution_id must not be empty")
        return self._key("step-token", execution_id)

    async def put(
        self, execution_id: str, token: str, ttl_seconds: int = STEP_TOKEN_TTL_SECONDS
    ) -> None:
        with unavailable_on_connection_error():
            await self._redis.set(self.key(execution_id), token, ex=ttl_seconds)

    async def get(self, execution_id: str) -> str | None:
        with unavailable_on_connection_error():
            return cast("str | None", await self._redis.get(self.key(execution_id)))

    async def take(self, execution_id: str) -> str | None:
        """The token, removed: whoever takes it completes the step, once."""
        with unavailable_on_connection_error():
            return cast("str | None", await self._redis.getdel(self.key(execution_id)))
