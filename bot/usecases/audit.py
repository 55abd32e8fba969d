"""The audit trail: one JSON log line and one audit-stream entry per assignment or undo.

The log line comes first and a store failure is only logged: the assignment already happened
on the platform, and the line still tells an operator what it did.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from bot.core.audit import AuditRecord, audit_record
from bot.core.confirmation import Confirmation
from bot.core.outcome import Summary
from bot.store.audit import AuditStore
from bot.store.errors import StoreUnavailable
from bot.usecases.access import Access

log = logging.getLogger(__name__)
#: One JSON line per executed assignment, the same record as the audit stream's.
audit_log = logging.getLogger("bot.audit")


class Auditing:
    def __init__(self, store: AuditStore, access: Access, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.access = access
        self.clock = clock

    async def record(
        self, confirmation: Confirmation, summary: Summary, permalink: str | None
    ) -> AuditRecord:
        """Audit an executed assignment."""
        record = audit_record(confirmation, summary, permalink, self.clock())
        await self.append(record)
        return record

    async def append(self, record: AuditRecord) -> None:
        write_audit_line(record)
        try:
            await self.store.append(record)
        except StoreUnavailable:
            log.warning("could not append the %s of %s to the audit stream", record.kind, record.at)

    async def history(self, team_id: str, actor_id: str, count: int) -> list[AuditRecord]:
        """The team's last `count` executed assignments and undos, newest first (admins only)."""
        self.access.check_may_read_history(actor_id)
        return await self.store.latest(team_id, count)


def write_audit_line(record: AuditRecord) -> None:
    """The record as one JSON log line on `bot.audit` (the CLI writes only this)."""
    data = record.model_dump(mode="json")
    audit_log.info("%s", json.dumps({"event": record.kind, **data}), extra={"audit": data})
