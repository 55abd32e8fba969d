"""The modal's submissions: a form checked into its preview, and the preview run.

A view_submission is answered in the ack itself (`response_action`), within Slack's 3 seconds.
Every check runs under one budget; whatever is slow or fails turns into an error under the
input being checked, so the person never sees Slack's generic "trouble connecting".
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import form
from bot.core.authz import Refusal
from bot.core.commands import Assign, SlackUser
from bot.core.confirmation import Confirmation
from bot.core.form import Draft, FieldProblem
from bot.core.job import SurfaceRef
from bot.core.plan import SplitRule, split_rule
from bot.core.query import NextTasks, UnassignedTasks
from bot.core.requester import Requester
from bot.metrics import RequestOutcome
from bot.sgp.errors import SGPError
from bot.slack import payload
from bot.slack.blocks import modals
from bot.slack.deps import Deps
from bot.slack.forms.files import TOO_SLOW, ids_from_file
from bot.slack.listener import org_wide_enterprise, outcome_of
from bot.slack.plain import plain_text, unlinked
from bot.slack.ui_ids import Block, Callback, Field
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable
from bot.usecases.refusals import NotAllowed, NothingToPick, ServiceError, UnlinkedAssignees

log = logging.getLogger(__name__)

#: The whole check of a submission; Slack gives up on the ack after 3 seconds.
BUDGET_SECONDS: Final = 2.5
FILE_SECONDS: Final = 1.5
#: The task listing behind the preview's warnings; slower, and the preview says it could not check.
CHECK_SECONDS: Final = 0.75
ERROR_LENGTH: Final = 1000
SLOW: Final = {
    Field.FILE: TOO_SLOW,
    Field.ASSIGNEES: "I could not check the assignees in time: please submit again.",
    Field.PICK: "The platform took too long to list the evaluation's tasks: please submit again.",
}
SLOW_DEFAULT: Final = "The bot did not answer in time: please submit again."
SLOW_STORE: Final = "The bot's store did not answer in time. Open the form and try again."

Answer = dict[str, Any]
T = TypeVar("T")


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        step = _Step()
        try:
            answer = await asyncio.wait_for(_check(deps, client, body, step), BUDGET_SECONDS)
        except TimeoutError:
            answer = _errors({step.field: SLOW.get(step.field, SLOW_DEFAULT)})
            step.outcome = "error"
        except (ServiceError, StoreUnavailable) as exc:
            answer = _errors({step.field: plain_text(describe(exc))})
            step.outcome = outcome_of(exc)
        except Exception:
            log.exception("checking the form failed")
            answer = _errors({step.field: plain_text(describe(RuntimeError()))})
            step.outcome = "error"
        await ack(**answer)
        deps.metrics.request("view_submission", step.outcome)

    async def on_preview(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = payload.mapping(body, "view")
        token = payload.text(view, "private_metadata")
        clicker = payload.text(body, "user", "id")
        try:
            confirmation = await asyncio.wait_for(
                deps.usecases.assigning.confirm(token, clicker), BUDGET_SECONDS
            )
        except (ServiceError, StoreUnavailable) as exc:
            await ack(response_action="update", view=modals.error_view(describe(exc)))
            deps.metrics.request("view_submission", outcome_of(exc))
            return
        except TimeoutError:
            await ack(response_action="update", view=modals.error_view(SLOW_STORE))
            deps.metrics.request("view_submission", "error")
            return
        except Exception:
            log.exception("confirming from the modal failed")
            await ack(response_action="update", view=modals.error_view(describe(RuntimeError())))
            deps.metrics.request("view_submission", "error")
            return
        surface = SurfaceRef(kind="view", view_id=payload.text(view, "id"))
        failed = await _submit(deps, confirmation, surface)  # queued before Slack is answered
        if failed is not None:
            await ack(response_action="update", view=modals.error_view(failed))
            return
        await ack(response_action="update", view=modals.assigning_view(confirmation))

    app.view(Callback.FORM.value)(on_form)
    app.view(Callback.FORM_PREVIEW.value)(on_preview)


async def _submit(deps: Deps, confirmation: Confirmation, surface: SurfaceRef) -> str | None:
    """Queue the confirmed job; what to show instead of "Assigning..." if that failed."""
    try:
        submitting = deps.usecases.assigning.submit(confirmation, surface)
        await asyncio.wait_for(submitting, BUDGET_SECONDS)
    except Exception as exc:
        deps.metrics.request("view_submission", "error")
        log.exception("queueing the modal's request failed")
        return describe(exc)
    deps.metrics.request("view_submission", "ok")
    return None


@dataclass
class _Step:
    """The input being checked, so a timeout or failure lands under it."""

    field: Field = Field.EVALUATION
    #: How the submission ends, for the requests metric.
    outcome: RequestOutcome = "ok"


class _Refused(Exception):
    """Inputs that cannot be used as given, each with what is wrong (plain text)."""

    def __init__(self, problems: Mapping[Field, str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = dict(problems)


async def _check(
    deps: Deps, client: AsyncWebClient, body: Mapping[str, Any], step: _Step
) -> Answer:
    """The form's values -> errors on the inputs that are wrong, or the preview."""
    view = payload.mapping(body, "view")
    values = payload.mapping(view, "state", "values")
    user_id = payload.text(body, "user", "id")
    try:
        fields = _fields(values, deps.max_task_ids, deps.hosts)
        evaluation_id, typed, note, users, destination, query = fields
        split = _split(values, deps.max_task_ids)
        step.field = Field.TASK_IDS
        draft = await deps.usecases.assigning.draft(payload.text(view, "private_metadata"))
        if draft is not None and draft.requester_id != user_id:
            draft = None  # someone else's form context is no context of this one
        if draft is None and _has_block(view, Block.FORM_CARRIED):
            raise _Refused(
                {Field.TASK_IDS: "This form has expired: open it again from the message."}
            )
        if query is not None:
            _no_ids_with_a_pick(values, typed, draft)
            task_ids: tuple[str, ...] = ()
            dropped = 0
        else:
            task_ids, dropped = await _task_ids(deps, client, values, typed, draft, step)
    except _Refused as refused:
        step.outcome = "usage_error"
        return _errors(refused.problems)

    step.field = Field.ASSIGNEES
    thread_ts = draft.thread_ts if draft and draft.channel_id == destination else None
    team_id = payload.text(body, "team", "id") or (draft.team_id if draft else "")
    requester = Requester(
        team_id=team_id,
        user_id=user_id,
        channel_id=destination,
        thread_ts=thread_ts,
        enterprise_id=org_wide_enterprise(body),
    )
    command = Assign(
        evaluation_id=evaluation_id,
        task_ids=task_ids,
        duplicates_dropped=dropped,
        assignees=tuple(SlackUser(user) for user in dict.fromkeys(users)),
        query=query,
        split=split,
    )
    return await _preview(deps, client, requester, command, note, step)


async def _preview(
    deps: Deps,
    client: AsyncWebClient,
    requester: Requester,
    command: Assign,
    note: str | None,
    step: _Step,
) -> Answer:
    """The preview view, or errors under the input that the refusal is about."""
    if command.query is not None:
        step.field = Field.PICK
    try:
        pending = await deps.usecases.assigning.prepare(
            requester, command, note=note, check_seconds=CHECK_SECONDS
        )
    except (NothingToPick, SGPError) as exc:  # only a pick asks the platform before Assign
        step.outcome = "refused"
        return _errors({Field.PICK: plain_text(describe(exc))})
    except UnlinkedAssignees as exc:
        step.outcome = "refused"
        return _errors({Field.ASSIGNEES: await unlinked(client, exc)})
    except NotAllowed as exc:
        step.outcome = "refused"
        # The form's "channel" is where the summary goes; a refused person has no input of
        # their own, so their refusal goes at the top.
        where = Field.DESTINATION if exc.refusal is Refusal.CHANNEL else Field.EVALUATION
        return _errors({where: plain_text(describe(exc))})
    return {
        "response_action": "update",
        "view": modals.preview_view(pending.confirmation, pending.token),
    }


def _fields(
    values: Mapping[str, Any], max_ids: int, hosts: Collection[str]
) -> tuple[str, list[str], str | None, list[str], str, NextTasks | UnassignedTasks | None]:
    """Every input that needs no I/O, all checked at once so all their errors show together."""
    problems: dict[Field, str] = {}
    text = _text(values)
    evaluation = functools.partial(form.read_evaluation, hosts=hosts)  # ASSIGN_PLATFORM_HOSTS
    evaluation_id = _read(problems, Field.EVALUATION, evaluation, text)
    typed = _read(problems, Field.TASK_IDS, form.read_task_ids, text)
    note = _read(problems, Field.NOTE, form.read_note, text)
    query = None
    try:
        query = form.read_pick(
            payload.text(_value(values, Field.PICK), "selected_option", "value") or None,
            payload.text(_value(values, Field.PICK_COUNT), "value") or None,
            max_ids,
        )
    except form.PickProblem as problem:
        problems[Field.PICK_COUNT if problem.on_count else Field.PICK] = problem.message
    selected = _value(values, Field.ASSIGNEES).get("selected_users")
    users = [u for u in selected if isinstance(u, str) and u] if isinstance(selected, list) else []
    if not users:
        problems[Field.ASSIGNEES] = "Pick at least one person to assign the tasks to."
    destination = payload.text(_value(values, Field.DESTINATION), "selected_conversation")
    if not destination:
        problems[Field.DESTINATION] = "Pick the channel for the summary."
    if problems or evaluation_id is None or typed is None:
        raise _Refused(problems)
    return evaluation_id, typed, note, users, destination, query


def _split(values: Mapping[str, Any], max_ids: int) -> SplitRule:
    """The split option and its cap (the cap checked alone, after the other inputs)."""
    try:
        return split_rule(
            payload.text(_value(values, Field.SPLIT), "selected_option", "value") or None,
            payload.text(_value(values, Field.SPLIT_CAP), "value") or None,
            max_ids,
        )
    except ValueError as problem:
        raise _Refused({Field.SPLIT_CAP: str(problem)}) from None


def _no_ids_with_a_pick(values: Mapping[str, Any], typed: list[str], draft: Draft | None) -> None:
    """Picked tasks and listed ids together would be two requests in one: ask for one."""
    files = _value(values, Field.FILE).get("files")
    if typed or (isinstance(files, list) and files) or (draft and draft.task_ids):
        raise _Refused(
            {
                Field.PICK: "Either pick tasks here or give task ids (typed, in a file or from "
                "the message), not both: clear one of them."
            }
        )


async def _task_ids(
    deps: Deps,
    client: AsyncWebClient,
    values: Mapping[str, Any],
    typed: list[str],
    draft: Draft | None,
    step: _Step,
) -> tuple[tuple[str, ...], int]:
    """Ids carried from a message, typed, and in the file: in that order, each once."""
    from_file: list[str] = []
    files = _value(values, Field.FILE).get("files")
    if isinstance(files, list) and files and isinstance(files[0], Mapping):
        step.field = Field.FILE
        try:
            from_file = await ids_from_file(
                client, files[0], max_ids=deps.max_picked_tasks, seconds=FILE_SECONDS
            )
        except FieldProblem as problem:
            raise _Refused({Field.FILE: problem.message}) from None
    carried = draft.task_ids if draft else ()
    try:
        most = deps.max_picked_tasks if from_file else deps.max_task_ids
        return form.combine([carried, typed, from_file], most)
    except FieldProblem as problem:
        # With ids from the file there are ids, so the problem is too many: mostly the file's.
        raise _Refused({Field.FILE if from_file else Field.TASK_IDS: problem.message}) from None


def _errors(problems: Mapping[Field, str]) -> Answer:
    shown = {field.value: _cut(text) for field, text in problems.items()}
    return {"response_action": "errors", "errors": shown}


def _cut(text: str) -> str:
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "\u2026"


def _value(values: Mapping[str, Any], field: Field) -> Mapping[str, Any]:
    """One input's state: `state.values[block_id][action_id]` (the same id for our inputs)."""
    return payload.mapping(values, field.value, field.value)


def _text(values: Mapping[str, Any]) -> Callable[[Field], str | None]:
    def read(field: Field) -> str | None:
        value = _value(values, field).get("value")
        return value if isinstance(value, str) else None

    return read


def _read(
    problems: dict[Field, str],
    field: Field,
    reader: Callable[[str | None], T],
    text: Callable[[Field], str | None],
) -> T | None:
    try:
        return reader(text(field))
    except FieldProblem as problem:
        problems[field] = problem.message
        return None


def _has_block(view: Mapping[str, Any], block_id: str) -> bool:
    found = view.get("blocks")
    return isinstance(found, list) and any(payload.dig(b, "block_id") == block_id for b in found)
