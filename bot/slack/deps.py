"""What the listeners need, handed in by whoever builds the app (nothing global)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.metrics import Metrics
from bot.slack.after_ack import AfterAck
from bot.slack.responder import Responder
from bot.store.events import EventStore
from bot.usecases import UseCases


@dataclass(frozen=True)
class Deps:
    usecases: UseCases
    #: Events API deliveries seen, so a redelivery is answered once.
    events: EventStore
    max_task_ids: int = 10_000
    responder: Responder = field(default_factory=Responder)
    after_ack: AfterAck = field(default_factory=AfterAck)

    @property
    def metrics(self) -> Metrics:
        """The use cases': one set of counters per app, whoever counts."""
        return self.usecases.metrics
