"""Snapshots for the Undo button: who had each task before an assignment, for 24 hours.

Like a pending confirmation, a snapshot lives under an unguessable id (the only thing the
button carries) and is taken at most once (GETDEL): of two clicks, or two processes handling
one click, exactly one undoes. The winner leaves a tombstone so a late click reads "already
undone" rather than "expired".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Final, cast

from pydantic import ValidationError
from redis.asyncio import Redis

from bot.core.undo import UNDO_TTL_SECONDS, Snapshot
from bot.store.confirmations import is_token_shaped
from bot.store.errors import UNREACHABLE_ERRORS, unavailable_on_connection_error

__all__ = ["UndoStore"]

logger = logging.getLogger(__name__)

_ID_BYTES: Final = 18
_PUT_ATTEMPTS: Final = 3
_UNDONE: Final = "undone"


class UndoStore:
    """Snapshots keyed by unguessable id, each taken at most once."""

    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, snapshot_id: str) -> str:
        return self._key("undo", snapshot_id)

    def ending_key(self, snapshot_id: str) -> str:
        return self._key("undo-ending", snapshot_id)

    async def put(self, snapshot: Snapshot, ttl_seconds: int = UNDO_TTL_SECONDS) -> str:
        """Keep a snapshot for `ttl_seconds`; returns the id for the Undo button."""
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        value = snapshot.model_dump_json()
        for _ in range(_PUT_ATTEMPTS):
            snapshot_id = secrets.token_urlsafe(_ID_BYTES)
            with unavailable_on_connection_error():
                stored = await self._redis.set(
                    self.key(snapshot_id), value, ex=ttl_seconds, nx=True
                )
            if stored:
                return snapshot_id
        raise RuntimeError("could not allocate a unique snapshot id")  # pragma: no cover

    async def peek(self, snapshot_id: str) -> Snapshot | None:
        """The snapshot, without taking it; None if unknown, expired or already taken."""
        if not is_token_shaped(snapshot_id):
            return None
        with unavailable_on_connection_error():
            raw = await self._redis.get(self.key(snapshot_id))
        return _parse(snapshot_id, raw)

    async def take(self, snapshot_id: str) -> Snapshot | None:
        """Take the snapshot out, once; later callers get None and `undone` reads True."""
        if not is_token_shaped(snapshot_id):
            return None
        with unavailable_on_connection_error():
            raw = await self._redis.getdel(self.key(snapshot_id))
        snapshot = _parse(snapshot_id, raw)
        if snapshot is None:
            return None
        try:
            await self._redis.set(
                self.ending_key(snapshot_id), _UNDONE, ex=UNDO_TTL_SECONDS, nx=True
            )
        except UNREACHABLE_ERRORS:
            # The snapshot is ours already: a lost tombstone only makes a late click read
            # "no longer available" instead of "already undone".
            logger.warning("could not record that snapshot %s was undone", snapshot_id[:6] + "...")
        return snapshot

    async def undone(self, snapshot_id: str) -> bool:
        """True when the snapshot was taken (undone) within the last 24 hours."""
        if not is_token_shaped(snapshot_id):
            return False
        with unavailable_on_connection_error():
            value = await self._redis.get(self.ending_key(snapshot_id))
        return value == _UNDONE


def _parse(snapshot_id: str, raw: object) -> Snapshot | None:
    """A stored snapshot; one written by an incompatible version counts as missing."""
    if raw is None:
        return None
    try:
        return Snapshot.model_validate_json(cast("str | bytes", raw))
    except ValidationError as exc:
        logger.warning(
            "discarding unreadable snapshot %s (%d validation errors)",
            snapshot_id[:6] + "...",
            exc.error_count(),
        )
        return None
