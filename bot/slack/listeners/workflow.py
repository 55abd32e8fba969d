"""The Workflow Builder step "Assign evaluation tasks" (`function_executed`, callback id
`assign_tasks`).

Bolt acks the event; after the ack the step's inputs become an Assign (`bot.core.workflow`)
and go through the same use case as `/assign` (`Assigning.prepare` and `submit`: allow lists,
audit, metrics). Without `auto_confirm` the person who ran the workflow gets the usual preview,
ephemeral, in the step's channel; its Confirm queues the job, its Cancel fails the step. With
`auto_confirm` the job is queued at once. The job completes the step when it reports
(`bot.slack.reporting.workflow_step.StepPublisher`). Anything refused fails the step at once, with
the words `/assign` would have said, as plain text.

A run nobody started (a schedule) acts as `ASSIGN_WORKFLOW_RUNS_AS` or, where `/assign` is
open to everyone, as the workflow (`bot.core.workflow.acting_requester`); its summary goes to
the step's `channel_id` and it is queued at once (`step_request` insists on both).

The global shortcut shares the callback id `assign_tasks`: Slack keeps shortcuts and
functions apart (separate manifest sections, `type: shortcut` payloads versus
`function_executed` events) and so does Bolt's routing.

Slack redelivers an event it thinks was lost: each delivery claims its `event_id` first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Final

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.authz import Refusal
from bot.core.commands import UsageError
from bot.core.job import SurfaceRef
from bot.core.requester import Requester
from bot.core.workflow import CALLBACK_ID, StepRef, StepRequest, acting_requester, step_request
from bot.logs import forget_redaction
from bot.metrics import RequestOutcome
from bot.slack import blocks, payload
from bot.slack import mrkdwn as md
from bot.slack.deps import Deps
from bot.slack.listener import ANSWERED, org_wide_enterprise, outcome_of
from bot.slack.plain import plain_text, unlinked
from bot.slack.reporting.workflow_step import WorkflowSteps
from bot.slack.wording import describe
from bot.usecases.refusals import NotAllowed, ServiceError, UnlinkedAssignees

log = logging.getLogger(__name__)

#: Refused unattended runs, as the workflow's activity shows them (plain text follows).
NOBODY_ALLOWED: Final = (
    "Nobody ran this workflow (a scheduled or automatic start) and `/assign` is limited to "
    "allowed people (ASSIGN_ALLOWED_USERS, ASSIGN_ALLOWED_GROUPS), so it was refused: map the "
    "step's `interactivity` input to the person who runs it, or ask the bot's admins to set "
    "ASSIGN_WORKFLOW_RUNS_AS to an allowed Slack user such runs act as. Nothing was assigned."
)
RUNS_AS_NOT_ALLOWED: Final = (
    "Nobody ran this workflow (a scheduled or automatic start), and {user}, whom such runs act "
    "as (ASSIGN_WORKFLOW_RUNS_AS), may not assign tasks here: ask the bot's admins to add them "
    "to ASSIGN_ALLOWED_USERS or an allowed group. Nothing was assigned."
)


class UnattendedRefused(ServiceError):
    """A run nobody started, refused by the allow lists; `runs_as`: the user it acted as."""

    def __init__(self, runs_as: str | None) -> None:
        super().__init__(f"an unattended workflow run acting as {runs_as or 'the workflow'}")
        self.runs_as = runs_as


def register(app: AsyncApp, deps: Deps) -> None:
    if deps.steps is None:
        log.info("no workflow steps wired: the %s step is not served", CALLBACK_ID)
        return
    app.function(CALLBACK_ID)(_on_step(deps, deps.steps, app.client))


def _on_step(
    deps: Deps, steps: WorkflowSteps, client: AsyncWebClient
) -> Callable[..., Coroutine[Any, Any, None]]:
    async def on_step(body: dict[str, Any]) -> None:
        """Bolt has acked already (`auto_acknowledge`); the work runs after the ack."""
        deps.after_ack.start(_step(body, deps, steps, client), f"{CALLBACK_ID} step")

    return on_step


async def _step(
    body: Mapping[str, Any], deps: Deps, steps: WorkflowSteps, client: AsyncWebClient
) -> None:
    await handle_step(body, deps, steps, client)


async def handle_step(
    body: Mapping[str, Any], deps: Deps, steps: WorkflowSteps, client: AsyncWebClient
) -> RequestOutcome | None:
    """One run of the step, from its event to a queued job, a preview, or a failed step.

    `client` is the bot's own (its token posts the preview); the step's token only completes
    the step.
    """
    event = payload.mapping(body, "event")
    step = StepRef(
        execution_id=payload.text(event, "function_execution_id"),
        workflow_execution_id=payload.text(event, "workflow_execution_id") or None,
    )
    token = payload.text(event, "bot_access_token")
    if not (step.execution_id and token):
        log.warning("a %s step without its execution id or token: ignored", CALLBACK_ID)
        return None
    event_id = payload.text(body, "event_id")
    if event_id and not await deps.events.first_delivery(event_id):
        log.info("ignoring a repeated delivery of %s (step %s)", event_id, step.execution_id)
        return None
    try:
        await steps.started(step, token)
        outcome = await _run(body, step, deps, steps, client)
    except ANSWERED as exc:
        outcome = outcome_of(exc)
        await steps.fail(step, await _reason(client, exc), token)
    except Exception as exc:
        log.exception("the %s step failed", CALLBACK_ID)
        outcome = "error"
        await steps.fail(step, plain_text(describe(exc)), token)
    finally:  # whoever completes the step later reads the token from the store again
        forget_redaction([token])
    deps.metrics.request("workflow_step", outcome)
    return outcome


async def _run(
    body: Mapping[str, Any],
    step: StepRef,
    deps: Deps,
    steps: WorkflowSteps,
    client: AsyncWebClient,
) -> RequestOutcome:
    request = step_request(payload.mapping(body, "event", "inputs"), deps.max_task_ids, deps.hosts)
    requester = await _requester(body, step, request, deps, client)
    assigning = deps.usecases.assigning
    try:
        pending = await assigning.prepare(requester, request.command, step=step)
    except NotAllowed as exc:
        if request.requester_id is None and _about_who(exc):
            raise UnattendedRefused(requester.user_id) from exc
        raise
    if request.auto_confirm:
        confirmation = await assigning.confirm(pending.token, requester.user_id)
        await assigning.submit(confirmation, SurfaceRef())
        return "ok"
    preview = blocks.preview_blocks(pending.confirmation, pending.token)
    await deps.responder.ephemeral(
        client,
        requester.channel_id,
        requester.user_id,
        None,
        blocks=preview,
        text="Assign evaluation tasks: confirm or cancel",
    )
    confirmations = assigning.confirmations

    async def unanswered() -> bool:
        if await confirmations.ending(pending.token) or await confirmations.peek(pending.token):
            return False
        deps.metrics.confirmation("expired")
        return True

    steps.expire_later(step, assigning.config.confirmation_ttl_seconds + 1, unanswered)
    return "ok"


async def _requester(
    body: Mapping[str, Any],
    step: StepRef,
    request: StepRequest,
    deps: Deps,
    client: AsyncWebClient,
) -> Requester:
    """Who the run acts as, and where: the person, the configured user, or the workflow."""
    policy = deps.usecases.access.policy
    user_id = acting_requester(request, step.execution_id, deps.workflow_runs_as, policy)
    if user_id is None:
        log.info("refused an unattended %s run (step %s)", CALLBACK_ID, step.execution_id)
        raise UnattendedRefused(None)
    if request.requester_id is None:
        log.info("step %s: nobody ran it; it acts as %s", step.execution_id, user_id)
    return Requester(
        team_id=payload.text(body, "team_id"),
        user_id=user_id,
        channel_id=await _channel(client, request, user_id),
        enterprise_id=org_wide_enterprise(body),
    )


def _about_who(error: NotAllowed) -> bool:
    """Refused for who asked (not where, not a group read Slack did not answer)."""
    return error.refusal is Refusal.USER and not error.groups_unchecked


async def _channel(client: AsyncWebClient, request: StepRequest, user_id: str) -> str:
    """The step's channel, else the requester's direct messages with the bot (a run nobody
    started always has a channel: `step_request` insists)."""
    if request.channel_id is not None:
        return request.channel_id
    opened = await client.conversations_open(users=user_id)
    return payload.text(opened.data, "channel", "id")


async def _reason(client: AsyncWebClient, error: Exception) -> str:
    """What `/assign` would have said, as the plain text a workflow's activity shows."""
    if isinstance(error, UnlinkedAssignees):
        return await unlinked(client, error)
    if isinstance(error, UnattendedRefused):
        if error.runs_as is None:
            return plain_text(NOBODY_ALLOWED)
        return plain_text(RUNS_AS_NOT_ALLOWED.format(user=md.user(error.runs_as)))
    if isinstance(error, UsageError):  # without /assign's "type /assign help"
        return plain_text(error.message)
    return plain_text(describe(error))
