"""A request that waits for its requester's Confirm click, as stored between the two."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.core.plan import SplitNote, split_evenly
from bot.core.query import Before, TaskChecks, TaskQuery
from bot.core.workflow import StepRef


class Assignee(BaseModel):
    """A person tasks go to: the platform user, and the Slack user when there is one.

    `matched_by_email`: the Slack user has no explicit link and was found among the platform's
    users by email, which the preview says so the requester can spot a wrong match.
    """

    model_config = ConfigDict(frozen=True)

    platform_user_id: str
    slack_user_id: str | None = None
    matched_by_email: bool = False


class Share(BaseModel):
    """The task ids one assignee gets."""

    model_config = ConfigDict(frozen=True)

    assignee: Assignee
    task_ids: tuple[str, ...]


class Confirmation(BaseModel):
    """Everything needed to run the request later, in any process, without asking Slack again."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    requester_id: str
    channel_id: str
    thread_ts: str | None = None
    response_url: str | None = None
    evaluation_id: str
    shares: tuple[Share, ...]
    duplicates_dropped: int = 0
    #: The requester's note for the summary and the assignees (the modal form's; plain text).
    note: str | None = None
    #: The query that picked the tasks (`next 50`, `unassigned`); None for typed ids.
    query: TaskQuery | None = None
    #: What the task listing said about the tasks before the preview; None: not looked up.
    checks: TaskChecks | None = None
    #: How the shares were sized when not the even default (`split by load`, `max N each`).
    split: SplitNote | None = None
    #: Who had the tasks when the preview read the listing: the job's undo snapshot, so the
    #: job does not list the evaluation again. None: the preview could not read it.
    before: Before | None = None
    #: The Workflow Builder step that asked (its outcome completes the step); None otherwise.
    step: StepRef | None = None
    created_at: datetime
    expires_at: datetime

    @property
    def task_count(self) -> int:
        return sum(len(share.task_ids) for share in self.shares)


def even_shares(assignees: Sequence[Assignee], task_ids: Sequence[str]) -> tuple[Share, ...]:
    """The bot's one planner: contiguous, even shares in the order the assignees were given."""
    parts = split_evenly(task_ids, len(assignees))
    return tuple(
        Share(assignee=assignee, task_ids=ids)
        for assignee, ids in zip(assignees, parts, strict=True)
    )
