"""The use cases: request -> preview -> confirm -> run -> summary, and the user mapping.

Knows nothing of Slack: a listener turns a payload into these calls and renders the result.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.grammar import Assign, AssigneeRef, Me, PlatformUser, SlackUser
from bot.core.outcome import Summary, summarize
from bot.core.plan import split_evenly
from bot.sgp.client import SGPClient
from bot.sgp.models import ChunkResult
from bot.store.connection import Store

log = logging.getLogger(__name__)

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
        super().__init__(f"only {requester_id} may answer this confirmation")
        self.requester_id = requester_id


class NotAdmin(ServiceError):
    def __init__(self, admins: frozenset[str]) -> None:
        super().__init__("only admins may change user links")
        self.admins = admins


class AssignService:
    def __init__(
        self,
        *,
        store: Store,
        sgp: SGPClient,
        admins: frozenset[str],
        confirmation_ttl_seconds: int = 900,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.sgp = sgp
        self.admins = admins
        self.confirmation_ttl_seconds = confirmation_ttl_seconds
        self.clock = clock

    # -- assigning ---------------------------------------------------------------------------

    async def prepare(self, requester: Requester, command: Assign) -> Pending:
        """Resolve who gets what and park it until the requester confirms."""
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
            created_at=now,
            expires_at=now + timedelta(seconds=self.confirmation_ttl_seconds),
        )
        token = await self.store.confirmations.put(confirmation, self.confirmation_ttl_seconds)
        return Pending(token=token, confirmation=confirmation)

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
        if clicker_id != pending.requester_id:
            raise NotRequester(pending.requester_id)
        taken = await self.store.confirmations.take(token, ending)  # type: ignore[arg-type]
        if taken is None:  # another click or process won the race
            raise ConfirmationGone(await self.store.confirmations.ending(token))
        return taken

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

    # -- the Slack user -> platform user mapping ----------------------------------------------

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    async def link(
        self, team_id: str, actor_id: str, slack_user_id: str, platform_user_id: str
    ) -> str | None:
        self._require_admin(actor_id)
        return await self.store.identities.link(team_id, slack_user_id, platform_user_id)

    async def unlink(self, team_id: str, actor_id: str, slack_user_id: str) -> str | None:
        self._require_admin(actor_id)
        return await self.store.identities.unlink(team_id, slack_user_id)

    async def linked_platform_user(self, team_id: str, slack_user_id: str) -> str | None:
        return await self.store.identities.get(team_id, slack_user_id)

    async def links(self, team_id: str) -> dict[str, str]:
        return await self.store.identities.all(team_id)

    def _require_admin(self, actor_id: str) -> None:
        if not self.is_admin(actor_id):
            raise NotAdmin(self.admins)


def _slack_id(ref: AssigneeRef, requester: Requester) -> str | None:
    if isinstance(ref, Me):
        return requester.user_id
    if isinstance(ref, SlackUser):
        return ref.user_id
    return None
