"""The use cases: request -> preview -> confirm -> run -> summary, and the user mapping.

Knows nothing of Slack: a listener turns a payload into these calls and renders the result.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core import query as task_query
from bot.core.audit import AuditRecord, audit_record, undo_record
from bot.core.authz import AccessPolicy, Refusal
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.form import Draft
from bot.core.grammar import Assign, AssigneeRef, Me, PlatformUser, SlackUser
from bot.core.job import Job, SurfaceRef
from bot.core.outcome import Summary, judge
from bot.core.plan import split_evenly
from bot.core.query import TaskChecks
from bot.core.undo import Snapshot, UndoResult, plan_undo, take_snapshot
from bot.matching import DEFAULT_TTL_SECONDS as MATCH_TTL_SECONDS
from bot.matching import EmailDirectory, EmailMatcher
from bot.metrics import Metrics, shared_default
from bot.refusals import (
    ConfirmationGone,
    NotAdmin,
    NotAllowed,
    NothingToPick,
    NotRequester,
    RetryGone,
    UndoGone,
    UnlinkedAssignees,
)
from bot.runner import decode_chunk
from bot.sgp.client import SGPClient
from bot.sgp.errors import SGPError
from bot.sgp.models import ListedTask
from bot.store.confirmations import is_token_shaped
from bot.store.connection import Store
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)
#: One JSON line per executed assignment, the same record as the audit stream's.
audit_log = logging.getLogger("bot.audit")


@dataclass(frozen=True)
class Requester:
    """Who asked, and where: enough to answer them and to post the summary."""

    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str | None = None
    response_url: str | None = None


@dataclass(frozen=True)
class Pending:
    token: str
    confirmation: Confirmation


class GroupsUnavailable(Exception):
    """A GroupDirectory could not answer (Slack down, scope missing): membership is unknown."""


class GroupDirectory(Protocol):
    """Members of a Slack user group, named by handle or id (implemented with Slack's API)."""

    async def members(self, group: str) -> frozenset[str]: ...


class AssignService:
    def __init__(
        self,
        *,
        store: Store,
        sgp: SGPClient,
        admins: frozenset[str],
        confirmation_ttl_seconds: int = 900,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        policy: AccessPolicy | None = None,
        groups: GroupDirectory | None = None,
        metrics: Metrics | None = None,
        emails: EmailDirectory | None = None,
        listing_seconds: float = 5.0,
    ) -> None:
        """`policy` adds who may assign and self-linking; `admins` is the one list of admins.

        `emails` turns on matching unlinked Slack users by email (see `bot.matching`);
        `listing_seconds` bounds the task listing read for a preview's warnings and an undo's
        snapshot, which must never hold a request up for long.
        """
        self.metrics = metrics or shared_default()
        self.store = store
        self.sgp = sgp
        self.admins = admins
        self.policy = replace(policy or AccessPolicy(), admins=admins)
        self.groups = groups
        self.listing_seconds = listing_seconds
        self.matcher: EmailMatcher | None = None
        if emails is not None:
            self.use_emails(emails)
        self.confirmation_ttl_seconds = confirmation_ttl_seconds
        self.clock = clock

    # -- assigning ---------------------------------------------------------------------------

    async def prepare(
        self,
        requester: Requester,
        command: Assign,
        note: str | None = None,
        *,
        check_seconds: float | None = None,
    ) -> Pending:
        """Resolve who gets what and park it until the requester confirms.

        The summary will go to `requester.channel_id` (in `requester.thread_ts` when set).
        A query (`next 50`, `unassigned`) is run here, so the confirmation holds exactly the ids
        the preview shows. Typed ids are looked up in the task listing for the preview's
        warnings, within `check_seconds` (default `listing_seconds`); a listing that is slow
        or fails leaves the preview without warnings, saying it could not check.
        """
        await self.check_may_assign(requester)
        assignees = await self.resolve(requester, command.assignees)
        task_ids = command.task_ids
        if command.query is not None:
            listed: list[ListedTask] | None = await self.sgp.list_evaluation_tasks(
                command.evaluation_id
            )
            task_ids = task_query.select(listed or [], command.query)
            if not task_ids:
                raise NothingToPick(command.evaluation_id, command.query)
        else:
            listed = await self._listing(command.evaluation_id, check_seconds)
        pairs = list(zip(assignees, split_evenly(task_ids, len(assignees)), strict=True))
        checks: TaskChecks = task_query.UNCHECKED
        if listed is not None:
            checks = task_query.check(
                listed, [(assignee.platform_user_id, ids) for assignee, ids in pairs]
            )
        shares = tuple(Share(assignee=assignee, task_ids=ids) for assignee, ids in pairs)
        now = self.clock()
        confirmation = Confirmation(
            team_id=requester.team_id,
            requester_id=requester.user_id,
            channel_id=requester.channel_id,
            thread_ts=requester.thread_ts,
            response_url=requester.response_url,
            evaluation_id=command.evaluation_id,
            shares=shares,
            duplicates_dropped=command.duplicates_dropped,
            note=note,
            query=command.query,
            checks=checks,
            created_at=now,
            expires_at=now + timedelta(seconds=self.confirmation_ttl_seconds),
        )
        token = await self.store.confirmations.put(confirmation, self.confirmation_ttl_seconds)
        self.metrics.confirmation("created")
        return Pending(token=token, confirmation=confirmation)

    async def check_may_assign(self, requester: Requester) -> None:
        """Raise NotAllowed unless the requester may assign from their channel.

        Every surface comes through `prepare`, which calls this first; a surface may also call
        it early (before opening a form) to refuse before any typing.
        """
        policy = self.policy
        member_of: frozenset[str] = frozenset()
        if policy.needs_groups(requester.user_id, requester.channel_id):
            try:
                member_of = await self._allowed_groups_of(requester.user_id)
            except GroupsUnavailable:
                log.warning("could not read the allowed user groups; refusing for now")
                raise NotAllowed(Refusal.USER, policy, groups_unchecked=True) from None
        refusal = policy.assign_refusal(requester.user_id, requester.channel_id, member_of)
        if refusal is not None:
            log.info(
                "refused to let %s assign in %s: %s",
                requester.user_id,
                requester.channel_id,
                refusal.value,
            )
            raise NotAllowed(refusal, policy)

    async def _allowed_groups_of(self, user_id: str) -> frozenset[str]:
        """The allowed groups `user_id` belongs to (members are cached by the directory)."""
        if self.groups is None:
            raise GroupsUnavailable("no group directory is configured")
        found: set[str] = set()
        for group in sorted(self.policy.groups):
            if user_id in await self.groups.members(group):
                found.add(group)
        return frozenset(found)

    async def save_draft(self, key: str, draft: Draft) -> None:
        """Remember where a modal form was opened (its private_metadata carries `key`)."""
        await self.store.drafts.put(key, draft)

    async def draft(self, key: str) -> Draft | None:
        return await self.store.drafts.get(key)

    async def resolve(self, requester: Requester, refs: Sequence[AssigneeRef]) -> list[Assignee]:
        """Turn mentions into platform users; all unlinked ones are reported together.

        An explicit link always wins; a Slack user without one is matched by email when an
        email directory is configured (see `bot.matching`); whoever is still unknown is named
        in UnlinkedAssignees.
        """
        slack_ids = [_slack_id(ref, requester) for ref in refs]
        wanted = [slack_id for slack_id in slack_ids if slack_id is not None]
        linked = await self.store.identities.get_many(requester.team_id, wanted) if wanted else {}
        missing = [slack_id for slack_id in dict.fromkeys(wanted) if slack_id not in linked]
        matched: dict[str, str] = {}
        if missing and self.matcher is not None:
            matched = await self.matcher.match(requester.team_id, missing)
        unknown = [slack_id for slack_id in missing if slack_id not in matched]
        if unknown:
            raise UnlinkedAssignees(unknown, self.admins)
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

    def use_emails(self, emails: EmailDirectory, ttl_seconds: int = MATCH_TTL_SECONDS) -> None:
        """Match Slack users without a link by email, through `emails` (e.g. Slack's API)."""
        self.matcher = EmailMatcher(
            emails=emails,
            sgp=self.sgp,
            cache=self.store.cache,
            ttl_seconds=ttl_seconds,
            listing_seconds=self.listing_seconds,
        )

    async def _listing(self, evaluation_id: str, seconds: float | None) -> list[ListedTask] | None:
        """The evaluation's tasks, or None when the listing fails or takes over `seconds`."""
        try:
            async with asyncio.timeout(self.listing_seconds if seconds is None else seconds):
                return await self.sgp.list_evaluation_tasks(evaluation_id)
        except (SGPError, TimeoutError) as exc:
            log.warning("could not list the tasks of %s: %s", evaluation_id, str(exc) or "too slow")
            return None

    async def confirm(self, token: str, clicker_id: str) -> Confirmation:
        return await self._take(token, clicker_id, "confirmed")

    async def cancel(self, token: str, clicker_id: str) -> Confirmation:
        return await self._take(token, clicker_id, "cancelled")

    async def _take(self, token: str, clicker_id: str, ending: str) -> Confirmation:
        pending = await self.store.confirmations.peek(token)
        if pending is None:
            raise await self._gone(token)
        self.check_may_answer(pending, clicker_id)
        taken = await self.store.confirmations.take(token, ending)  # type: ignore[arg-type]
        if taken is None:  # another click or process won the race
            raise await self._gone(token)
        self.metrics.confirmation("confirmed" if ending == "confirmed" else "cancelled")
        return taken

    async def _gone(self, token: str) -> ConfirmationGone:
        """Why a confirmation cannot be taken; no known ending means it expired (counted)."""
        ending = await self.store.confirmations.ending(token)
        if ending is None:
            self.metrics.confirmation("expired")
        return ConfirmationGone(ending)

    def check_may_answer(self, confirmation: Confirmation, clicker_id: str) -> None:
        """Confirm, cancel or retry: raise NotRequester unless the requester or an admin clicked.

        Checked on the server when the click arrives: hiding buttons proves nothing.
        """
        if not self.policy.may_answer(clicker_id, confirmation.requester_id):
            log.info("refused %s's click on %s's request", clicker_id, confirmation.requester_id)
            raise NotRequester(confirmation.requester_id)

    async def submit(
        self, confirmation: Confirmation, surface: SurfaceRef, retry_of: str | None = None
    ) -> Job:
        """Hand a confirmed request to the workers; whichever claims it runs it."""
        job = Job(
            id=self.store.jobs.new_id(),
            confirmation=confirmation,
            surface=surface,
            created_at=self.clock(),
            retry_of=retry_of,
        )
        await self.store.jobs.enqueue(job)
        self.metrics.job_enqueued()
        log.info(
            "job %s queued: evaluation=%s requester=%s tasks=%d",
            job.id,
            confirmation.evaluation_id,
            confirmation.requester_id,
            confirmation.task_count,
        )
        return job

    async def retry_failed(
        self, job_id: str, actor_id: str, channel_id: str, thread_ts: str
    ) -> Job:
        """A new job for the tasks whose requests failed, reporting into the summary's thread."""
        job = await self.store.jobs.job(job_id) if is_token_shaped(job_id) else None
        if job is None:
            raise RetryGone(already=False)
        self.check_may_answer(job.confirmation, actor_id)
        failed: set[str] = set()
        for record in (await self.store.jobs.recorded_chunks(job_id)).values():
            chunk = decode_chunk(record)
            if chunk.error is not None:
                failed.update(chunk.task_ids)
        shares = tuple(
            Share(assignee=share.assignee, task_ids=ids)
            for share in job.confirmation.shares
            if (ids := tuple(i for i in share.task_ids if i in failed))
        )
        if not shares:
            raise RetryGone(already=False)
        if not await self.store.jobs.claim_retry(job_id):
            raise RetryGone(already=True)
        now = self.clock()
        retry = job.confirmation.model_copy(
            update={
                "requester_id": actor_id,
                "channel_id": channel_id,
                "thread_ts": thread_ts,
                "response_url": None,
                "shares": shares,
                "duplicates_dropped": 0,
                "created_at": now,
                "expires_at": now,
            }
        )
        return await self.submit(retry, SurfaceRef(), retry_of=job_id)

    # -- undo --------------------------------------------------------------------------------

    async def snapshot(self, confirmation: Confirmation) -> str | None:
        """Remember who had each task before this request runs; the id for its Undo button.

        Call it right before the assignment runs (the listing is the state it changes). None,
        meaning no Undo button, when the listing cannot be read in `listing_seconds`, when the
        store is down, or when no task had an assignee before: the API cannot unassign, so an
        undo could change nothing.
        """
        shares = [(s.assignee.platform_user_id, s.task_ids) for s in confirmation.shares]
        listed = await self._listing(confirmation.evaluation_id, None)
        if listed is None:
            return None
        entries = take_snapshot(listed, shares)
        if not plan_undo(entries).restore:
            return None
        snapshot = Snapshot(
            team_id=confirmation.team_id,
            requester_id=confirmation.requester_id,
            evaluation_id=confirmation.evaluation_id,
            created_at=self.clock(),
            entries=entries,
        )
        try:
            return await self.store.undo.put(snapshot)
        except StoreUnavailable:
            log.warning("could not keep the undo snapshot of %s", confirmation.evaluation_id)
            return None

    async def undo(self, snapshot_id: str, actor_id: str, channel_id: str = "") -> UndoResult:
        """Put every task of an assignment back to its previous assignee, at most once."""
        snapshot = await self.take_undo(snapshot_id, actor_id)
        return await self.run_undo(snapshot, actor_id, channel_id)

    async def take_undo(self, snapshot_id: str, actor_id: str) -> Snapshot:
        """The snapshot, taken once, if `actor_id` is its requester or an admin.

        Raises UndoGone (expired or already undone) or NotRequester; nothing has changed then.
        """
        snapshot = await self.store.undo.peek(snapshot_id)
        if snapshot is None:
            raise UndoGone(already=await self.store.undo.undone(snapshot_id))
        if not self.policy.may_answer(actor_id, snapshot.requester_id):
            log.info("refused %s's undo of %s's request", actor_id, snapshot.requester_id)
            raise NotRequester(snapshot.requester_id, action="undo this assignment")
        taken = await self.store.undo.take(snapshot_id)
        if taken is None:  # another click or process won the race
            raise UndoGone(already=await self.store.undo.undone(snapshot_id))
        return taken

    async def run_undo(self, snapshot: Snapshot, actor_id: str, channel_id: str) -> UndoResult:
        """One batch-assign per previous assignee; the platform's answers judged per task.

        `actor_id` undid it from `channel_id`: the audit trail and the metrics say so.
        """
        plan = plan_undo(snapshot.entries)
        outcomes = {}
        for user_id, task_ids in plan.restore.items():
            results = await self.sgp.assign_chunked(snapshot.evaluation_id, task_ids, user_id)
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
        await self._audit(undo_record(result, actor_id, channel_id, self.clock()))
        return result

    # -- the audit trail ---------------------------------------------------------------------

    async def record(
        self, confirmation: Confirmation, summary: Summary, permalink: str | None
    ) -> AuditRecord:
        """Audit an executed assignment: one JSON log line, and an entry in the audit stream.

        The log line comes first and a store failure is only logged: the assignment already
        happened on the platform, and the line still tells an operator what it did.
        """
        record = audit_record(confirmation, summary, permalink, self.clock())
        await self._audit(record)
        return record

    async def _audit(self, record: AuditRecord) -> None:
        data = record.model_dump(mode="json")
        audit_log.info("%s", json.dumps({"event": record.kind, **data}), extra={"audit": data})
        try:
            await self.store.audit.append(record)
        except StoreUnavailable:
            log.warning("could not append the %s of %s to the audit stream", record.kind, record.at)

    async def history(self, team_id: str, actor_id: str, count: int) -> list[AuditRecord]:
        """The team's last `count` executed assignments and undos, newest first (admins only)."""
        if not self.policy.may_read_history(actor_id):
            raise NotAdmin(self.admins, action="see the assignment history")
        return await self.store.audit.latest(team_id, count)

    # -- the Slack user -> platform user mapping ----------------------------------------------

    def is_admin(self, user_id: str) -> bool:
        return self.policy.is_admin(user_id)

    async def link(
        self, team_id: str, actor_id: str, slack_user_id: str, platform_user_id: str
    ) -> str | None:
        self._require_may_link(actor_id, slack_user_id)
        return await self.store.identities.link(team_id, slack_user_id, platform_user_id)

    async def unlink(self, team_id: str, actor_id: str, slack_user_id: str) -> str | None:
        self._require_may_link(actor_id, slack_user_id)
        return await self.store.identities.unlink(team_id, slack_user_id)

    async def linked_platform_user(self, team_id: str, slack_user_id: str) -> str | None:
        return await self.store.identities.get(team_id, slack_user_id)

    async def links(self, team_id: str) -> dict[str, str]:
        return await self.store.identities.all(team_id)

    def _require_may_link(self, actor_id: str, slack_user_id: str) -> None:
        if not self.policy.may_link(actor_id, slack_user_id):
            raise NotAdmin(self.admins, self_link=self.policy.allow_self_link)


def _slack_id(ref: AssigneeRef, requester: Requester) -> str | None:
    if isinstance(ref, Me):
        return requester.user_id
    if isinstance(ref, SlackUser):
        return ref.user_id
    return None
