"""What the listeners need, handed in by whoever builds the app (nothing global)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from bot.core.ids import DEFAULT_PLATFORM_HOSTS
from bot.metrics import Metrics
from bot.slack.after_ack import AfterAck
from bot.slack.reporting.workflow_step import WorkflowSteps
from bot.slack.responder import Responder
from bot.store.events import EventStore
from bot.usecases import UseCases
from bot.usecases.reminders import Reminding


@dataclass(frozen=True)
class Deps:
    usecases: UseCases
    #: Events API deliveries seen, so a redelivery is answered once.
    events: EventStore
    max_task_ids: int = 10_000
    #: Ids a query or an uploaded file may bring (ASSIGN_MAX_PICKED_TASKS).
    max_picked_tasks: int = 100_000
    #: The platform's hosts (ASSIGN_PLATFORM_HOSTS, `*` for any): only their evaluation links
    #: are read, in commands, the form, mentions, the Workflow step and notifications.
    hosts: Collection[str] = DEFAULT_PLATFORM_HOSTS
    responder: Responder = field(default_factory=Responder)
    after_ack: AfterAck = field(default_factory=AfterAck)
    #: Workflow Builder steps (`assign_tasks`): None leaves the step unregistered.
    steps: WorkflowSteps | None = None
    #: The Slack user a workflow run nobody started acts as (ASSIGN_WORKFLOW_RUNS_AS).
    workflow_runs_as: str | None = None
    #: Reminders and stalled work (`bot.usecases.reminders`): None leaves their buttons unanswered.
    reminders: Reminding | None = None

    @property
    def metrics(self) -> Metrics:
        """The use cases': one set of counters per app, whoever counts."""
        return self.usecases.metrics
