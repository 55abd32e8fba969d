"""Open modal forms: where each was opened, under the unguessable key its private_metadata holds.

Slack caps private_metadata at 3,000 characters and hands it back from the client, so only a
key travels there; the context (the message thread to reply in, ids too many to pre-fill)
stays here. The key is made before the modal opens, and the draft written after: opening the
modal must not wait for Redis (a trigger_id lives 3 seconds).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Final

from pydantic import ValidationError
from redis.asyncio import Redis

from bot.core.form import Draft
from bot.store.confirmations import is_token_shaped
from bot.store.errors import unavailable_on_connection_error

__all__ = ["DRAFT_TTL_SECONDS", "DraftStore", "new_draft_key"]

logger = logging.getLogger(__name__)

#: A form may stay open a long while; a draft is small, so keep it for a day.
DRAFT_TTL_SECONDS: Final = 24 * 60 * 60
_KEY_BYTES: Final = 18


def new_draft_key() -> str:
    """An unguessable key for a form about to be opened (no I/O)."""
    return secrets.token_urlsafe(_KEY_BYTES)


class DraftStore:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, draft_key: str) -> str:
        return self._key("draft", draft_key)

    async def put(self, draft_key: str, draft: Draft, ttl_seconds: int = DRAFT_TTL_SECONDS) -> None:
        if not is_token_shaped(draft_key):
            raise ValueError("draft keys come from new_draft_key()")
        with unavailable_on_connection_error():
            await self._redis.set(self.key(draft_key), draft.model_dump_json(), ex=ttl_seconds)

    async def get(self, draft_key: str) -> Draft | None:
        """The draft; None when unknown, expired, or written by an incompatible version."""
        if not is_token_shaped(draft_key):
            return None
        with unavailable_on_connection_error():
            raw = await self._redis.get(self.key(draft_key))
        if raw is None:
            return None
        try:
            return Draft.model_validate_json(raw)
        except ValidationError:
            logger.warning("discarding an unreadable draft %s...", draft_key[:6])
            return None
