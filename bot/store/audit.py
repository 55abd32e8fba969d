"""The audit trail: every executed assignment, in a capped Redis stream per Slack team.

A stream keeps insertion order and a time-based id for free, and `MAXLEN ~` caps it cheaply
(Redis trims whole nodes, so the length hovers a little above the cap), so the trail can never
grow without bound. Reading is newest first (XREVRANGE), which is what `/assign history` shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

from pydantic import ValidationError
from redis.asyncio import Redis

from bot.core.audit import AuditRecord
from bot.store.errors import unavailable_on_connection_error

__all__ = ["DEFAULT_MAX_ENTRIES", "AuditStore"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES: Final = 10_000
_FIELD: Final = "record"


class AuditStore:
    """Append and read audit records; one stream per team, capped at `max_entries` (about)."""

    def __init__(
        self, redis: Redis, key: Callable[..., str], max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._redis = redis
        self._key = key
        self.max_entries = max_entries

    def key(self, team_id: str) -> str:
        """The Redis stream of one team's records (for tests and operators)."""
        if not team_id:
            raise ValueError("team_id must not be empty")
        return self._key("audit", team_id)

    async def append(self, record: AuditRecord) -> str:
        """Add a record; returns its stream id. Older entries beyond the cap are trimmed."""
        with unavailable_on_connection_error():
            entry_id = await self._redis.xadd(
                self.key(record.team_id),
                {_FIELD: record.model_dump_json()},
                maxlen=self.max_entries,
                approximate=True,
            )
        return str(entry_id)

    async def latest(self, team_id: str, count: int) -> list[AuditRecord]:
        """The newest `count` records of a team, newest first; unreadable entries are skipped."""
        if count < 1:
            return []
        with unavailable_on_connection_error():
            entries = await self._redis.xrevrange(self.key(team_id), count=count)
        records: list[AuditRecord] = []
        for entry_id, fields in entries or []:
            try:
                raw = (fields or {}).get(_FIELD, "")
                records.append(AuditRecord.model_validate_json(raw))
            except ValidationError:
                logger.warning("skipping unreadable audit entry %s", entry_id)
        return records
