"""What the bot writes into its own messages so it can read them back exactly, and which links
are the platform's: pure values and rules, no Slack and no I/O.

Every message the bot posts for an assignment carries Slack message metadata of type
`sgp_tasks_assigned`: the evaluation, the job, the assignees and the counts. A shortcut or a
mention on one of those messages reads the metadata instead of parsing the text. Slack's
payload allows strings, numbers, booleans, objects of those and lists of such objects (no list
of strings), and keeps metadata small: the payload here stays under `MAX_PAYLOAD_CHARS`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from bot.core.ids import DEFAULT_PLATFORM_HOSTS, is_valid_id
from bot.core.notices.links import platform_ids
from bot.core.outcome import Summary

EVENT_TYPE: Final = "sgp_tasks_assigned"
#: Bumped when the payload's meaning changes; a reader refuses versions it does not know.
VERSION: Final = 1
#: Assignees listed one by one; a larger request lists these and counts the rest.
MAX_ASSIGNEES: Final = 40
#: The serialized payload stays under this (Slack documents no figure; 4 KB is safe).
MAX_PAYLOAD_CHARS: Final = 4000
#: The platform's web app by default (ASSIGN_PLATFORM_HOSTS; the manifests' `unfurl_domains`).
DEFAULT_APP_HOST: Final = DEFAULT_PLATFORM_HOSTS[0]
#: Statuses of a task that is done: a reassignment leaves these out.
DONE_STATUSES: Final = frozenset({"COMPLETED", "FIXED"})

Part = Literal["summary", "detail", "dm", "result"]
PARTS: Final = frozenset({"summary", "detail", "dm", "result"})


@dataclass(frozen=True)
class AssigneeCount:
    """One assignee of an assignment: who, and how many of their tasks were assigned."""

    platform_user_id: str
    slack_user_id: str | None
    requested: int
    assigned: int


@dataclass(frozen=True)
class Assignment:
    """What a message of the bot says about an assignment, read back from its metadata."""

    evaluation_id: str
    job_id: str
    requester_id: str
    part: Part
    requested: int
    assigned: int
    assignees: tuple[AssigneeCount, ...]
    #: Assignees beyond MAX_ASSIGNEES, counted but not listed.
    assignees_omitted: int = 0

    @property
    def not_assigned(self) -> int:
        return self.requested - self.assigned


def assignment_of(summary: Summary, job_id: str, part: Part) -> Assignment:
    """The assignment a job's summary reports, as each of its messages carries it."""
    assignees = tuple(
        AssigneeCount(
            platform_user_id=share.assignee.platform_user_id,
            slack_user_id=share.assignee.slack_user_id,
            requested=share.requested,
            assigned=share.assigned,
        )
        for share in summary.shares
    )
    return Assignment(
        evaluation_id=summary.evaluation_id,
        job_id=job_id,
        requester_id=summary.requester_id,
        part=part,
        requested=summary.requested,
        assigned=summary.assigned,
        assignees=assignees[:MAX_ASSIGNEES],
        assignees_omitted=max(0, len(assignees) - MAX_ASSIGNEES),
    )


def build_metadata(assignment: Assignment) -> dict[str, Any]:
    """Slack's `metadata` argument: `{"event_type": ..., "event_payload": {...}}`.

    Assignees are dropped from the end (and counted as omitted) until the payload fits.
    """
    listed = list(assignment.assignees)
    omitted = assignment.assignees_omitted
    while True:
        payload = _payload(assignment, listed, omitted)
        if len(json.dumps(payload)) <= MAX_PAYLOAD_CHARS or not listed:
            return {"event_type": EVENT_TYPE, "event_payload": payload}
        listed.pop()
        omitted += 1


def _payload(
    assignment: Assignment, listed: Sequence[AssigneeCount], omitted: int
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "version": VERSION,
        "part": assignment.part,
        "evaluation_id": assignment.evaluation_id,
        "job_id": assignment.job_id,
        "requester_id": assignment.requester_id,
        "requested": assignment.requested,
        "assigned": assignment.assigned,
        "not_assigned": assignment.not_assigned,
        "assignees": [_assignee(a) for a in listed],
    }
    if omitted:
        payload["assignees_omitted"] = omitted
    return payload


def _assignee(count: AssigneeCount) -> dict[str, Any]:
    item: dict[str, Any] = {
        "platform_user_id": count.platform_user_id,
        "requested": count.requested,
        "assigned": count.assigned,
    }
    if count.slack_user_id:
        item["slack_user_id"] = count.slack_user_id
    return item


def read_metadata(message: Mapping[str, Any]) -> Assignment | None:
    """The assignment in a message's metadata; None when there is none or it is not ours.

    Strict: a payload of another type or version, or with a malformed id or count, is not
    read at all (the caller falls back to what it does for any other message).
    """
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    if not isinstance(payload, Mapping) or payload.get("version") != VERSION:
        return None
    try:
        return _assignment(payload)
    except (TypeError, ValueError):
        return None


def _assignment(payload: Mapping[str, Any]) -> Assignment:
    part = payload.get("part")
    if part not in PARTS:
        raise ValueError("unknown part")
    raw_assignees = payload.get("assignees")
    if not isinstance(raw_assignees, list):
        raise TypeError("assignees is not a list")
    return Assignment(
        evaluation_id=_id(payload.get("evaluation_id")),
        job_id=_id(payload.get("job_id")),
        requester_id=_id(payload.get("requester_id")),
        part=part,
        requested=_count(payload.get("requested")),
        assigned=_count(payload.get("assigned")),
        assignees=tuple(_read_assignee(item) for item in raw_assignees),
        assignees_omitted=_count(payload.get("assignees_omitted", 0)),
    )


def _read_assignee(item: Any) -> AssigneeCount:
    if not isinstance(item, Mapping):
        raise TypeError("an assignee is not an object")
    slack_user = item.get("slack_user_id")
    return AssigneeCount(
        platform_user_id=_id(item.get("platform_user_id")),
        slack_user_id=_id(slack_user) if slack_user is not None else None,
        requested=_count(item.get("requested")),
        assigned=_count(item.get("assigned")),
    )


def _id(value: Any) -> str:
    if not isinstance(value, str) or not is_valid_id(value):
        raise ValueError("not an id")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not a count")
    return value


def is_own_message(message: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Posted by this bot: only its own messages' metadata is trusted (any app can post some)."""
    return bool(bot_user_id) and message.get("user") == bot_user_id


def open_task_ids(
    job_task_ids: Sequence[str], statuses: Mapping[str, str | None]
) -> tuple[str, ...]:
    """The job's tasks that are not done, in the job's order.

    `statuses` is the platform's listing (task id -> status); a task the listing does not have
    any more is left out, and one with an unknown or missing status is kept.
    """
    kept = (
        task_id
        for task_id in dict.fromkeys(job_task_ids)
        if task_id in statuses and str(statuses[task_id] or "") not in DONE_STATUSES
    )
    return tuple(kept)


# --- links to the platform, for unfurls ---------------------------------------------------


def _none_if_unreadable(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


_Shown = WrapValidator(_none_if_unreadable)


class EvaluationOverview(BaseModel):
    """What an unfurl shows of an evaluation (`GET /v4/evaluations/{id}`): nothing of its tasks.

    Field names are the platform's; only `id` is read strictly, the rest is shown and so never
    fails the answer (an unreadable count is None).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: Annotated[str | None, _Shown] = None
    status: Annotated[str | None, _Shown] = None
    completed_test_case_result_count: Annotated[int | None, _Shown] = None
    total_test_case_result_count: Annotated[int | None, _Shown] = None


@dataclass(frozen=True)
class PlatformLink:
    """An evaluation (and maybe one of its tasks) that a link on the platform's app points at."""

    url: str
    evaluation_id: str
    task_id: str | None = None


def platform_link(url: str, hosts: Collection[str]) -> PlatformLink | None:
    """The evaluation a link to one of `hosts` names (`.../evaluations/<id>[/tasks/<task>]`).

    Only the platform's links (ASSIGN_PLATFORM_HOSTS, `*` for any) are read: any other link is
    none of the bot's business. None when the link names no evaluation there.
    """
    found = platform_ids(url, frozenset(host.lower() for host in hosts))
    if found is None:
        return None
    evaluation_id, task_id = found
    return PlatformLink(url=url, evaluation_id=evaluation_id, task_id=task_id)
