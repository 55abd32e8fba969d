"""What the service refuses, and why: errors the person can act on.

Each carries what the Slack layer needs to say so (who may, what ended it, which users are
unlinked); `bot.slack.wording` turns them into messages.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.authz import AccessPolicy, Refusal
from bot.core.query import NextTasks, UnassignedTasks

__all__ = [
    "ConfirmationGone",
    "NotAdmin",
    "NotAllowed",
    "NotRequester",
    "NothingToPick",
    "RetryGone",
    "ServiceError",
    "TooManyToPick",
    "UndoGone",
    "UnlinkedAssignees",
]


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


class RetryGone(ServiceError):
    """Nothing to retry: already retried, nothing failed, or the job is no longer known."""

    def __init__(self, *, already: bool) -> None:
        super().__init__("already retried" if already else "nothing to retry")
        self.already = already


class NotRequester(ServiceError):
    """Someone other than the requester (or an admin) clicked; `action` is what they tried."""

    def __init__(self, requester_id: str, action: str = "answer this confirmation") -> None:
        super().__init__(f"only {requester_id} or an admin may {action}")
        self.requester_id = requester_id
        self.action = action


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


class TooManyToPick(ServiceError):
    """`unassigned` found more tasks than one request may take (ASSIGN_MAX_PICKED_TASKS)."""

    def __init__(self, evaluation_id: str, found: int, most: int) -> None:
        super().__init__(f"{found} pending, unassigned tasks in {evaluation_id}; at most {most}")
        self.evaluation_id = evaluation_id
        self.found = found
        self.most = most


class NothingToPick(ServiceError):
    """A query (`next 50`, `unassigned`) found no pending, unassigned task in the evaluation."""

    def __init__(self, evaluation_id: str, query: NextTasks | UnassignedTasks) -> None:
        super().__init__(f"no pending, unassigned tasks in {evaluation_id}")
        self.evaluation_id = evaluation_id
        self.query = query


class UndoGone(ServiceError):
    """The Undo cannot run: `already` undone, or expired (24 hours) / never known."""

    def __init__(self, *, already: bool) -> None:
        super().__init__("already undone" if already else "no longer available")
        self.already = already
