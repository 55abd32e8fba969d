"""What the listeners need, handed in by whoever builds the app (nothing global)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.metrics import Metrics
from bot.service import AssignService


@dataclass(frozen=True)
class Deps:
    service: AssignService
    max_task_ids: int = 10_000
    csv_threshold: int = 200

    @property
    def metrics(self) -> Metrics:
        """The service's: one set of counters per app, whoever counts."""
        return self.service.metrics
