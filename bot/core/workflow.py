"""The Workflow Builder step "Assign evaluation tasks": its inputs -> an Assign, by /assign's rules.

Pure: the listener hands in the `inputs` of a `function_executed` event as Slack sends them.
The step's callback id and the names of its inputs and outputs are a contract (workflow
authors map them in Workflow Builder): change them only with the manifests and the docs.

Ids follow the same rules as `/assign` (`core.ids`), task ids are separated by spaces, commas,
semicolons or new lines, and `query` is `next <count>` or `unassigned`, as in the command.

A run nobody started (a scheduled trigger: no `interactivity`) has nobody to confirm a preview
and nobody to check against the allow lists: it needs `auto_confirm` and a `channel_id`, and it
acts as `ASSIGN_WORKFLOW_RUNS_AS` when that is set, else as the workflow itself
(`workflow:<function execution id>`), which only an `/assign` open to everyone lets through.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, ConfigDict

from bot.core import ids
from bot.core.authz import AccessPolicy
from bot.core.commands.assign import Assign
from bot.core.commands.types import AssigneeRef, PlatformUser, SlackUser, UsageError
from bot.core.plan import dedupe
from bot.core.query import NextTasks, UnassignedTasks

#: The step's callback id in both manifests (`functions:`), and its inputs and outputs.
CALLBACK_ID: Final = "assign_tasks"
INPUTS: Final = ("evaluation_id", "task_ids", "query", "assignees", "channel_id", "auto_confirm")
#: Not part of the contract's six: Slack's own interactivity input, which names the person who
#: ran the workflow (`interactor`), so the preview goes to them and the allow lists apply to them.
INTERACTIVITY: Final = "interactivity"
OUTPUTS: Final = ("assigned_count", "failed_count", "summary_permalink")
#: The requester of a run nobody started and no configured user acts for: audit, summary, DMs.
WORKFLOW_REQUESTER: Final = "workflow:"

NEEDS_AUTO_CONFIRM: Final = (
    "Nobody ran this workflow (a scheduled or automatic start), so nobody can confirm a "
    "preview: set the step's `auto_confirm` input to true, or map its `interactivity` input "
    "to the person who runs it."
)
NEEDS_CHANNEL: Final = (
    "Nobody ran this workflow (a scheduled or automatic start), so its summary needs a "
    "channel: set the step's `channel_id` input."
)

_SEPARATORS: Final = re.compile(r"[\s,;]+")
_SLACK_USER: Final = re.compile(r"[UW][A-Z0-9]{2,}")
_CHANNEL: Final = re.compile(r"[CDG][A-Z0-9]{2,}")
_TRUE: Final = frozenset({"true", "1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no", ""})


class StepRef(BaseModel):
    """The workflow step a confirmation or job belongs to: what completing it needs, but its
    token, which is short-lived and secret and kept apart in the store."""

    model_config = ConfigDict(frozen=True)

    execution_id: str
    workflow_execution_id: str | None = None


@dataclass(frozen=True)
class StepRequest:
    """What one run of the step asks for."""

    command: Assign
    auto_confirm: bool
    #: Where the preview and the summary go; None: the requester's direct messages with the bot.
    channel_id: str | None
    #: Who ran the workflow (Slack's interactivity input); None when nobody did (a schedule).
    requester_id: str | None


def step_request(
    inputs: Mapping[str, object],
    max_ids: int,
    hosts: Collection[str] = ids.DEFAULT_PLATFORM_HOSTS,
) -> StepRequest:
    """The step's inputs as a request, or a UsageError naming the input to fix.

    An evaluation link counts only on the platform's `hosts` (ASSIGN_PLATFORM_HOSTS).
    """
    evaluation_id = _evaluation(inputs.get("evaluation_id"), hosts)
    query = _query(_text(inputs.get("query"), "query"), max_ids)
    typed = _text(inputs.get("task_ids"), "task_ids")
    if query is not None and typed.strip():
        raise UsageError("Give either `task_ids` or a `query`, not both.")
    task_ids, dropped = ((), 0) if query is not None else _task_ids(typed, max_ids)
    command = Assign(
        evaluation_id=evaluation_id,
        task_ids=task_ids,
        duplicates_dropped=dropped,
        assignees=_assignees(inputs.get("assignees")),
        query=query,
    )
    request = StepRequest(
        command=command,
        auto_confirm=_flag(inputs.get("auto_confirm")),
        channel_id=_channel(inputs.get("channel_id")),
        requester_id=_interactor(inputs.get(INTERACTIVITY)),
    )
    if request.requester_id is None and not request.auto_confirm:
        raise UsageError(NEEDS_AUTO_CONFIRM)
    if request.requester_id is None and request.channel_id is None:
        raise UsageError(NEEDS_CHANNEL)
    return request


def acting_requester(
    request: StepRequest, execution_id: str, runs_as: str | None, policy: AccessPolicy
) -> str | None:
    """Whom a run acts as, for the allow lists, the audit and the summary; None: nobody may.

    The person who ran it; else (a schedule) the configured `runs_as` user, checked against
    the allow lists like a person; else the workflow itself, only where no allowed users or
    groups limit who may assign (allowed channels still apply, to the step's channel).
    """
    if request.requester_id is not None:
        return request.requester_id
    if runs_as:
        return runs_as
    if policy.users or policy.groups:
        return None
    return WORKFLOW_REQUESTER + execution_id


def outputs(assigned: int, failed: int, permalink: str | None) -> dict[str, object]:
    """The step's outputs, by their contract names."""
    return {
        "assigned_count": assigned,
        "failed_count": failed,
        "summary_permalink": permalink or "",
    }


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UsageError(f"The step's `{name}` input must be text.")
    return value


def _evaluation(value: object, hosts: Collection[str]) -> str:
    text = _text(value, "evaluation_id").strip()
    if not text:
        raise UsageError("The step's `evaluation_id` input is empty: map an evaluation id to it.")
    found = ids.evaluation_id_from(text, hosts)
    if found is None:
        problem = (
            ids.link_host_problem(text, hosts)
            or ids.id_problem(text)
            or "it is not an evaluation id or link"
        )
        raise UsageError(f"`evaluation_id` {text[:80]!r} is not an evaluation id: {problem}.")
    return found


def _query(text: str, max_ids: int) -> NextTasks | UnassignedTasks | None:
    words = text.lower().split()
    if not words:
        return None
    if words == ["unassigned"]:
        return UnassignedTasks()
    if words[0] == "next" and len(words) == 2 and words[1].isdigit():
        count = int(words[1])
        if 1 <= count <= max_ids:
            return NextTasks(count=count)
        raise UsageError(f"`query` `next` picks 1 to {max_ids:,} tasks, not {words[1]}.")
    raise UsageError(
        f"`query` {text.strip()[:80]!r} is not a query: use `next <count>` (like `next 20`) "
        "or `unassigned`."
    )


def _task_ids(text: str, max_ids: int) -> tuple[tuple[str, ...], int]:
    words = [word for word in _SEPARATORS.split(text) if word]
    if not words:
        raise UsageError(
            "Which tasks? Fill in `task_ids` (ids separated by spaces or commas) "
            "or a `query` (`next 20`, `unassigned`)."
        )
    for word in words:
        if not ids.is_valid_id(word):
            raise UsageError(
                f"`task_ids` holds {word[:80]!r}, which is not a task id: "
                f"{ids.id_problem(word) or ids.ID_RULE}."
            )
    task_ids, dropped = dedupe(words)
    if len(task_ids) > max_ids:
        raise UsageError(
            f"{len(task_ids):,} task ids is more than the {max_ids:,} a request may hold."
        )
    return task_ids, dropped


def _assignees(value: object) -> tuple[AssigneeRef, ...]:
    """An array of Slack user ids (Workflow Builder's); text with ids in it is taken too."""
    items: Sequence[object]
    if isinstance(value, str):
        items = [word for word in _SEPARATORS.split(value) if word]
    elif isinstance(value, list | tuple):
        items = value
    else:
        items = []
    people: list[AssigneeRef] = []
    for item in items:
        person = _person(item)
        if person is None:
            raise UsageError(
                f"`assignees` holds {str(item)[:80]!r}, which is not a Slack user or "
                "`sgp:<platform user id>`."
            )
        people.append(person)
    if not people:
        raise UsageError("Who should get the tasks? The step's `assignees` input is empty.")
    return tuple(dict.fromkeys(people))


def _person(item: object) -> AssigneeRef | None:
    if not isinstance(item, str):
        return None
    text = item.strip()
    if _SLACK_USER.fullmatch(text):
        return SlackUser(text)
    mentioned = ids.slack_user_from(text)
    if mentioned is not None:
        return SlackUser(mentioned)
    platform = ids.platform_user_from(text)
    return PlatformUser(platform) if platform is not None else None


def _channel(value: object) -> str | None:
    text = _text(value, "channel_id").strip()
    if not text:
        return None
    if not _CHANNEL.fullmatch(text):
        raise UsageError(f"`channel_id` {text[:80]!r} is not a Slack channel id.")
    return text


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UsageError(f"`auto_confirm` must be true or false, not {text[:40]!r}.")


def _interactor(value: object) -> str | None:
    """`{"interactor": {"id": "U123", ...}, "interactivity_pointer": ...}` -> `U123`."""
    if not isinstance(value, Mapping):
        return None
    interactor = value.get("interactor")
    user_id = interactor.get("id") if isinstance(interactor, Mapping) else None
    return user_id if isinstance(user_id, str) and _SLACK_USER.fullmatch(user_id) else None
