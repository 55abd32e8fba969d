"""The use cases: request -> preview -> confirm -> run -> summary, and the user mapping.

Knows nothing of Slack: a listener turns a payload into these calls and renders the result.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core.audit import AuditRecord, audit_record
from bot.core.authz import AccessPolicy, Refusal
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.form import Draft
from bot.core.grammar import Assign, AssigneeRef, Me, PlatformUser, SlackUser
from bot.core.outcome import Summary, summarize
from bot.core.plan import split_evenly
from bot.sgp.client import SGPClient
from bot.sgp.models import ChunkResult
from bot.store.connection import Store
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)
#: One JSON line per executed assignment, the same record as the audit stream's.
audit_log = logging.getLogger("bot.audit")

ProgressCallback = Callable[[int, int], Awaitable[None]]


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


class ServiceError(Exception):
    """A refusal the requester can act on; rendered by the Slack layer."""


class UnlinkedAssignees(ServiceError):
    def __init__(self, slack_user_ids: Sequence[str], admins: frozenset[str]) -> None:
        super().__init__(f"no platform account linked for {', '.join(slack_user_ids)}")
        self.slack_user_ids = tuple(slack_user_ids)
        self.admins = admins


class ConfirmationGone(ServiceError):
    """Expired, or already confirmed or cancelled: `ending` says which when known."""

    def __init__(self, ending: str | None) -> None:
        super().__init__(ending or "expired")
        self.ending = ending


class NotRequester(ServiceError):
    def __init__(self, requester_id: str) -> None:
        super().__init__(f"only {requester_id} or an admin may answer this confirmation")
        self.requester_id = requester_id


class NotAdmin(ServiceError):
    """An admin-only action; `self_link` says the actor could still link themself."""

    def __init__(
        self, admins: frozenset[str], action: str = "change user links", self_link: bool = False
    ) -> None:
        super().__init__(f"only admins may {action}")
        self.admins = admins
        self.action = action
        self.self_link = self_link


class NotAllowed(ServiceError):
    """The requester may not assign (from this channel); carries who may, to say so.

    `groups_unchecked`: the allowed user groups could not be read from Slack, so membership is
    unknown rather than refused.
    """

    def __init__(
        self, refusal: Refusal, policy: AccessPolicy, *, groups_unchecked: bool = False
    ) -> None:
        super().__init__(f"not allowed to assign ({refusal})")
        self.refusal = refusal
        self.policy = policy
        self.groups_unchecked = groups_unchecked


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
    ) -> None:
        """`policy` adds who may assign and self-linking; `admins` is the one list of admins."""
        self.store = store
        self.sgp = sgp
        self.admins = admins
        self.policy = replace(policy or AccessPolicy(), admins=admins)
        self.groups = groups
        self.confirmation_ttl_seconds = confirmation_ttl_seconds
        self.clock = clock

    # -- assigning ---------------------------------------------------------------------------

    async def prepare(
        self, requester: Requester, command: Assign, note: str | None = None
    ) -> Pending:
        """Resolve who gets what and park it until the requester confirms.

        The summary will go to `requester.channel_id` (in `requester.thread_ts` when set).
        """
        await self.check_may_assign(requester)
        assignees = await self.resolve(requester, command.assignees)
        shares = tuple(
            Share(assignee=assignee, task_ids=ids)
            for assignee, ids in zip(
                assignees, split_evenly(command.task_ids, len(assignees)), strict=True
            )
        )
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
            created_at=now,
            expires_at=now + timedelta(seconds=self.confirmation_ttl_seconds),
        )
        token = await self.store.confirmations.put(confirmation, self.confirmation_ttl_seconds)
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
        """Turn mentions into platform users; all unlinked ones are reported together."""
        slack_ids = [_slack_id(ref, requester) for ref in refs]
        wanted = [slack_id for slack_id in slack_ids if slack_id is not None]
        linked = await self.store.identities.get_many(requester.team_id, wanted) if wanted else {}
        missing = [slack_id for slack_id in dict.fromkeys(wanted) if slack_id not in linked]
        if missing:
            raise UnlinkedAssignees(missing, self.admins)
        assignees: list[Assignee] = []
        for ref, slack_id in zip(refs, slack_ids, strict=True):
            if isinstance(ref, PlatformUser):
                assignees.append(Assignee(platform_user_id=ref.user_id))
            elif slack_id is not None:
                assignees.append(
                    Assignee(platform_user_id=linked[slack_id], slack_user_id=slack_id)
                )
        return list(dict.fromkeys(assignees))

    async def confirm(self, token: str, clicker_id: str) -> Confirmation:
        return await self._take(token, clicker_id, "confirmed")

    async def cancel(self, token: str, clicker_id: str) -> Confirmation:
        return await self._take(token, clicker_id, "cancelled")

    async def _take(self, token: str, clicker_id: str, ending: str) -> Confirmation:
        pending = await self.store.confirmations.peek(token)
        if pending is None:
            raise ConfirmationGone(await self.store.confirmations.ending(token))
        self.check_may_answer(pending, clicker_id)
        taken = await self.store.confirmations.take(token, ending)  # type: ignore[arg-type]
        if taken is None:  # another click or process won the race
            raise ConfirmationGone(await self.store.confirmations.ending(token))
        return taken

    def check_may_answer(self, confirmation: Confirmation, clicker_id: str) -> None:
        """Confirm, cancel or retry: raise NotRequester unless the requester or an admin clicked.

        Checked on the server when the click arrives: hiding buttons proves nothing.
        """
        if not self.policy.may_answer(clicker_id, confirmation.requester_id):
            log.info("refused %s's click on %s's request", clicker_id, confirmation.requester_id)
            raise NotRequester(confirmation.requester_id)

    async def run(
        self, confirmation: Confirmation, on_progress: ProgressCallback | None = None
    ) -> Summary:
        """Call batch-assign for every share and judge what came back."""
        total = confirmation.task_count
        done = 0

        async def count(result: ChunkResult) -> None:
            nonlocal done
            done += len(result.task_ids)
            if on_progress is not None:
                await on_progress(done, total)

        results_per_share: list[list[ChunkResult]] = []
        for share in confirmation.shares:
            results = await self.sgp.assign_chunked(
                confirmation.evaluation_id,
                share.task_ids,
                share.assignee.platform_user_id,
                on_chunk=count,
            )
            results_per_share.append(results)
        summary = summarize(confirmation, results_per_share)
        log.info(
            "assignment ran: evaluation=%s requester=%s requested=%d assigned=%d",
            confirmation.evaluation_id,
            confirmation.requester_id,
            summary.requested,
            summary.assigned,
        )
        return summary

    # -- the audit trail ---------------------------------------------------------------------

    async def record(
        self, confirmation: Confirmation, summary: Summary, permalink: str | None
    ) -> AuditRecord:
        """Audit an executed assignment: one JSON log line, and an entry in the audit stream.

        The log line comes first and a store failure is only logged: the assignment already
        happened on the platform, and the line still tells an operator what it did.
        """
        record = audit_record(confirmation, summary, permalink, self.clock())
        data = record.model_dump(mode="json")
        audit_log.info("%s", json.dumps({"event": "assignment", **data}), extra={"audit": data})
        try:
            await self.store.audit.append(record)
        except StoreUnavailable:
            log.warning("could not append the assignment of %s to the audit stream", record.at)
        return record

    async def history(self, team_id: str, actor_id: str, count: int) -> list[AuditRecord]:
        """The team's last `count` executed assignments, newest first (admins only)."""
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
