"""Undo: remember who had each task before a job ran, and put every task back, at most once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.core.audit import undo_record
from bot.core.confirmation import Confirmation
from bot.core.outcome import judge
from bot.core.query import before_of
from bot.core.undo import Snapshot, UndoResult, entries_from, plan_undo, restorable
from bot.metrics import Metrics
from bot.store.errors import StoreUnavailable
from bot.store.undo import UndoStore
from bot.usecases.access import Access
from bot.usecases.audit import Auditing
from bot.usecases.listing import kept_within
from bot.usecases.ports import Platform
from bot.usecases.refusals import UndoGone

log = logging.getLogger(__name__)


class Undoing:
    def __init__(
        self,
        *,
        snapshots: UndoStore,
        platform: Platform,
        access: Access,
        audit: Auditing,
        metrics: Metrics,
        clock: Callable[[], datetime],
        listing_seconds: float = 5.0,
    ) -> None:
        self.snapshots = snapshots
        self.platform = platform
        self.access = access
        self.audit = audit
        self.metrics = metrics
        self.clock = clock
        self.listing_seconds = listing_seconds

    async def snapshot(self, confirmation: Confirmation) -> str | None:
        """Remember who had each task before this request runs; the id for its Undo button.

        Call it right before the assignment runs. The preview's reading of the listing
        (`confirmation.before`) is used when there is one: it is the state the requester saw and
        confirmed, and listing a 50,000-task evaluation again would hold the job up by as many
        pages. A task someone else reassigned between the preview and the job is put back to
        whom the preview showed. Without it, the listing is read once, page by page, keeping
        only the requested tasks. None, meaning no Undo button, when that listing cannot be
        read in `listing_seconds`, when the store is down, or when no task had an assignee
        before: the API cannot unassign, so an undo could change nothing.
        """
        shares = [(s.assignee.platform_user_id, s.task_ids) for s in confirmation.shares]
        before = confirmation.before
        if before is None:
            requested = {task_id for _, task_ids in shares for task_id in task_ids}
            listed = await kept_within(
                self.platform,
                confirmation.evaluation_id,
                self.listing_seconds,
                lambda task: task.id in requested,
            )
            if listed is None:
                return None
            before = before_of(listed, shares)
        if not restorable(before, shares):
            return None
        entries = entries_from(before, shares)
        snapshot = Snapshot(
            team_id=confirmation.team_id,
            requester_id=confirmation.requester_id,
            evaluation_id=confirmation.evaluation_id,
            created_at=self.clock(),
            entries=entries,
        )
        try:
            return await self.snapshots.put(snapshot)
        except StoreUnavailable:
            log.warning("could not keep the undo snapshot of %s", confirmation.evaluation_id)
            return None

    async def take(self, snapshot_id: str, actor_id: str) -> Snapshot:
        """The snapshot, taken once, if `actor_id` is its requester or an admin.

        Raises UndoGone (expired or already undone) or NotRequester; nothing has changed then.
        """
        snapshot = await self.snapshots.peek(snapshot_id)
        if snapshot is None:
            raise UndoGone(already=await self.snapshots.undone(snapshot_id))
        self.access.check_may_answer(actor_id, snapshot.requester_id, action="undo this assignment")
        taken = await self.snapshots.take(snapshot_id)
        if taken is None:  # another click or process won the race
            raise UndoGone(already=await self.snapshots.undone(snapshot_id))
        return taken

    async def run(self, snapshot: Snapshot, actor_id: str, channel_id: str) -> UndoResult:
        """One batch-assign per previous assignee; the platform's answers judged per task.

        `actor_id` undid it from `channel_id`: the audit trail and the metrics say so.
        """
        plan = plan_undo(snapshot.entries)
        outcomes = {}
        for user_id, task_ids in plan.restore.items():
            results = await self.platform.assign_chunked(snapshot.evaluation_id, task_ids, user_id)
            outcomes[user_id] = judge(task_ids, user_id, results)
        result = UndoResult(snapshot=snapshot, plan=plan, outcomes=outcomes)
        log.info(
            "undo ran: evaluation=%s requester=%s to_restore=%d restored=%d no_previous=%d",
            snapshot.evaluation_id,
            snapshot.requester_id,
            result.attempted,
            result.restored,
            len(plan.no_previous),
        )
        self.metrics.undo_finished(result.restored, result.not_restored)
        await self.audit.append(undo_record(result, actor_id, channel_id, self.clock()))
        return result
