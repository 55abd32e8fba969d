"""What the bot counts, for Prometheus: one registry per app, filled by one-line calls.

Nothing global by design: `Metrics()` owns its own `CollectorRegistry`, so two bots in one
process (tests) count apart, and the composition root hands the one it built to every part
that counts. `shared_default()` exists only for parts built without one.

Label values are small closed sets (surfaces, outcomes, HTTP statuses, Slack method and error
names), never ids or user input, so the number of series stays bounded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final, Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)

#: What kind of Slack request a listener answered (the `surface` label of the requests metric).
RequestKind = Literal[
    "command",
    "action",
    "view_submission",
    "shortcut",
    "message_action",
    "app_mention",
    "link_shared",
    "app_home",
    "workflow_step",
]
RequestOutcome = Literal["ok", "usage_error", "refused", "error"]
ConfirmationEvent = Literal["created", "confirmed", "cancelled", "expired"]

CONTENT_TYPE: Final = CONTENT_TYPE_LATEST
PREFIX: Final = "assignbot"
#: Slack wants an answer within 3 s; the buckets are dense below that.
ACK_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
#: A batch-assign of 500 ids may take seconds; the client gives up after 60 s.
PLATFORM_BUCKETS: Final = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """The bot's counters and histograms, registered in one registry (its own by default)."""

    def __init__(self, registry: CollectorRegistry | None = None, *, process: bool = True) -> None:
        """`process`: also export the process's CPU, memory and GC, as the default registry does."""
        self.registry = registry or CollectorRegistry()
        if process:
            process_collector.ProcessCollector(registry=self.registry)
            platform_collector.PlatformCollector(registry=self.registry)
            gc_collector.GCCollector(registry=self.registry)
        self._register_slack()
        self._register_jobs()
        self._register_platform()

    def _register_slack(self) -> None:
        """What Slack asks of the bot, and what the bot asks of Slack."""
        r = self.registry
        self.requests = Counter(
            f"{PREFIX}_requests",
            "Slack requests handled, by surface and outcome.",
            ["surface", "outcome"],
            registry=r,
        )
        self.confirmations = Counter(
            f"{PREFIX}_confirmations",
            "Confirmations (previews) created, confirmed, cancelled, or clicked after expiry.",
            ["event"],
            registry=r,
        )
        self.slack_api_errors = Counter(
            f"{PREFIX}_slack_api_errors",
            "Slack Web API calls that failed: ok=false with Slack's error, or connection_error.",
            ["method", "error"],
            registry=r,
        )
        self.slack_rate_limited = Counter(
            f"{PREFIX}_slack_rate_limited",
            "Slack Web API answers with 429 (each is retried after Retry-After).",
            ["method"],
            registry=r,
        )
        self.ack_latency = Histogram(
            f"{PREFIX}_slack_ack_seconds",
            "Time to answer Slack's POST /slack/events (the ack); Slack gives up after 3 s.",
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self._answers_source: Callable[[], int] = lambda: 0
        Gauge(
            f"{PREFIX}_answers_in_progress",
            "Requests acked and still being answered (previews, mention replies); a number "
            "that keeps growing means the process cannot keep up.",
            registry=r,
        ).set_function(lambda: self._answers_source())

    def _register_jobs(self) -> None:
        """Jobs and the tasks and undos they carry."""
        r = self.registry
        self.jobs_enqueued = Counter(
            f"{PREFIX}_jobs_enqueued", "Confirmed requests queued as jobs.", registry=r
        )
        self.jobs = Counter(
            f"{PREFIX}_jobs",
            "Jobs that ended: assigned (every task), partial, failed (no task), error (crashed,"
            " retried), given_up (too many deliveries).",
            ["outcome"],
            registry=r,
        )
        self.tasks = Counter(
            f"{PREFIX}_tasks",
            "Requested tasks by what happened: assigned, or failed (not assigned).",
            ["outcome"],
            registry=r,
        )
        self.undos = Counter(
            f"{PREFIX}_undos",
            "Undos that ran: restored (every task back), partial, failed (none back).",
            ["outcome"],
            registry=r,
        )

    def _register_platform(self) -> None:
        self.platform_latency = Histogram(
            f"{PREFIX}_platform_request_seconds",
            "Platform API attempts, by HTTP status (or connection_error / timeout).",
            ["status"],
            buckets=PLATFORM_BUCKETS,
            registry=self.registry,
        )

    # -- one-line calls for the code that counts ------------------------------------------------

    def request(self, surface: RequestKind, outcome: RequestOutcome) -> None:
        self.requests.labels(surface=surface, outcome=outcome).inc()

    def confirmation(self, event: ConfirmationEvent) -> None:
        self.confirmations.labels(event=event).inc()

    def job_enqueued(self) -> None:
        self.jobs_enqueued.inc()

    def job_finished(self, assigned: int, failed: int) -> None:
        """A job ran to its summary: `assigned` tasks were, `failed` were not."""
        outcome = "assigned" if failed == 0 else "partial" if assigned > 0 else "failed"
        self.jobs.labels(outcome=outcome).inc()
        self.tasks.labels(outcome="assigned").inc(max(assigned, 0))
        self.tasks.labels(outcome="failed").inc(max(failed, 0))

    def job_errored(self) -> None:
        """A job crashed before its summary; the worker will deliver it again."""
        self.jobs.labels(outcome="error").inc()

    def job_given_up(self) -> None:
        self.jobs.labels(outcome="given_up").inc()

    def undo_finished(self, restored: int, failed: int) -> None:
        """An undo ran: `restored` tasks went back, `failed` did not."""
        outcome = "restored" if failed == 0 else "partial" if restored > 0 else "failed"
        self.undos.labels(outcome=outcome).inc()

    def platform_request(self, status: str, seconds: float) -> None:
        """One attempt at the platform API; the SGP client's `observer`."""
        self.platform_latency.labels(status=status).observe(seconds)

    def slack_api_error(self, method: str, error: str) -> None:
        self.slack_api_errors.labels(method=method, error=error).inc()

    def slack_rate_limit(self, method: str) -> None:
        self.slack_rate_limited.labels(method=method).inc()

    def ack(self, seconds: float) -> None:
        self.ack_latency.observe(seconds)

    def watch_answers(self, in_progress: Callable[[], int]) -> None:
        """Read the answers under way from `in_progress` at each scrape (AfterAck.running)."""
        self._answers_source = in_progress

    # -- exposition -----------------------------------------------------------------------------

    def render(self) -> bytes:
        """The registry in Prometheus' text format, for GET /metrics."""
        return generate_latest(self.registry)


_default: Metrics | None = None
_default_lock = threading.Lock()


def shared_default() -> Metrics:
    """The process's fallback `Metrics`, for parts built without one (one per process, lazily).

    The composition root should build one `Metrics` and hand it to everything; this keeps the
    parts usable (and consistent with each other) where it does not.
    """
    global _default
    with _default_lock:
        if _default is None:
            _default = Metrics()
        return _default
