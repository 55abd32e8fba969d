"""Completing Workflow Builder steps ("Assign evaluation tasks") with each step's own token.

A step is completed once: `functions.completeSuccess` with its outputs when its job reports,
or `functions.completeError` with the reason a person reads in the workflow's activity. The
token Slack gave the step (`bot_access_token`) is kept in the store apart from the job
(`bot.store.steps`), redacted from every log line while this process knows it, and taken
(deleted) by whoever completes the step. A completion Slack refuses (the run already ended,
timed out or was cancelled) is logged and not tried again.

`StepPublisher` wraps the jobs' Slack publisher: a job whose confirmation carries a step
completes it after reporting as usual, so `bot.slack.reporting.publisher` needs no change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.confirmation import Confirmation
from bot.core.job import Job
from bot.core.outcome import Summary
from bot.core.workflow import StepRef, outputs
from bot.logs import forget_redaction, install_redaction
from bot.slack.blocks.kit import problem_lines
from bot.slack.directories.failures import SLACK_FAILURES
from bot.slack.plain import plain_text
from bot.slack.reporting.wrapping import WrappingPublisher
from bot.store.errors import StoreUnavailable
from bot.store.steps import StepTokens
from bot.usecases.ports import Publisher

log = logging.getLogger(__name__)

SUCCESS: Final = "functions.completeSuccess"
ERROR: Final = "functions.completeError"
CANCELLED: Final = "cancelled"
EXPIRED: Final = (
    "The preview expired before anyone confirmed it: nothing was assigned. Run the workflow again."
)
#: Slack's limit on a completeError message is not documented; the activity log shows a line.
_MAX_REASON: Final = 1000


class WorkflowSteps:
    """Steps under way: their tokens, their completion (once), and unanswered previews."""

    def __init__(self, client: AsyncWebClient, tokens: StepTokens) -> None:
        self.client = client
        self.tokens = tokens
        self._timers: set[asyncio.Task[None]] = set()

    async def started(self, step: StepRef, token: str) -> None:
        """Keep the step's token (redacted from the logs) until the step is completed."""
        install_redaction([token])
        await self.tokens.put(step.execution_id, token)

    async def complete(self, step: StepRef, values: dict[str, Any]) -> bool:
        return await self._finish(step, SUCCESS, outputs=values)

    async def fail(self, step: StepRef, reason: str, token: str | None = None) -> bool:
        """`token`: for a step whose token could not be stored (the store is down)."""
        text = reason.strip()[:_MAX_REASON] or "The step failed."
        return await self._finish(step, ERROR, token, error=text)

    async def _finish(
        self, step: StepRef, method: str, token: str | None = None, **args: Any
    ) -> bool:
        """Call `method` (bolt's `complete` / `fail`) once, with the step's own token."""
        try:
            token = await self.tokens.take(step.execution_id) or token
        except StoreUnavailable:
            log.warning("step %s: the store is unavailable to read its token", step.execution_id)
        if token is None:
            log.info("step %s: already completed, or its token expired", step.execution_id)
            return False
        install_redaction([token])  # a worker process learns it here
        client = AsyncWebClient(
            token=token,
            base_url=self.client.base_url,
            timeout=self.client.timeout,
            retry_handlers=list(self.client.retry_handlers or []),
        )
        try:
            call = (
                client.functions_completeSuccess
                if method == SUCCESS
                else client.functions_completeError
            )
            await call(function_execution_id=step.execution_id, **args)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            log.warning(
                "step %s: Slack refused %s (%s); not retried", step.execution_id, method, error
            )
            return False
        except SLACK_FAILURES as exc:
            log.warning(
                "step %s: %s failed (%s); not retried",
                step.execution_id,
                method,
                type(exc).__name__,
            )
            return False
        finally:
            forget_redaction([token])
        log.info("step %s: %s", step.execution_id, method)
        return True

    def expire_later(
        self, step: StepRef, seconds: float, unanswered: Callable[[], Awaitable[bool]]
    ) -> None:
        """Fail the step if its preview is still unanswered once it has expired."""

        async def later() -> None:
            await asyncio.sleep(seconds)
            if await unanswered():
                await self.fail(step, EXPIRED)

        task = asyncio.create_task(later(), name=f"step {step.execution_id} expiry")
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def aclose(self) -> None:
        """Shutdown: drop the expiry timers (an unanswered step then ends at Slack's timeout)."""
        for task in list(self._timers):
            task.cancel()
        await asyncio.gather(*self._timers, return_exceptions=True)


async def cancelled(steps: WorkflowSteps | None, confirmation: Confirmation) -> None:
    """Cancel on a step's preview fails the step with "cancelled"."""
    if steps is not None and confirmation.step is not None:
        await steps.fail(confirmation.step, CANCELLED)


def nothing_assigned_reason(summary: Summary) -> str:
    """Why nothing was assigned, as plain text for the workflow's activity."""
    head = (
        f"Nothing was assigned: none of the {summary.requested:,} tasks of evaluation "
        f"{summary.evaluation_id} went through."
    )
    return plain_text(f"{head}\n{problem_lines(summary.problems)}")


class StepPublisher(WrappingPublisher):
    """A Publisher that also completes the job's workflow step, if it has one."""

    def __init__(self, inner: Publisher, steps: WorkflowSteps) -> None:
        super().__init__(inner)
        self.steps = steps

    async def publish(self, job: Job, summary: Summary, undo_id: str | None) -> str | None:
        permalink: str | None = None
        try:
            permalink = await self.inner.publish(job, summary, undo_id)
        finally:  # the tasks are assigned even when the summary could not be posted
            step = job.confirmation.step
            if step is not None:
                values = outputs(summary.assigned, summary.not_assigned, permalink)
                await self.steps.complete(step, values)
        return permalink

    async def nothing_assigned(self, job: Job, summary: Summary) -> None:
        try:
            await self.inner.nothing_assigned(job, summary)
        finally:
            if job.confirmation.step is not None:
                await self.steps.fail(job.confirmation.step, nothing_assigned_reason(summary))

    async def give_up(self, job: Job, reason: str) -> None:
        try:
            await self.inner.give_up(job, reason)
        finally:
            if job.confirmation.step is not None:
                await self.steps.fail(job.confirmation.step, reason)
