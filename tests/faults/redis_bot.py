"""`python -m bot` against a Redis the test controls, with fake Slack and platform beside it.

A fault test queues one job, does something to Redis mid-job, and reads what a user would
see: ids assigned or not, ids sent twice, summaries posted, /healthz's answers meanwhile.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.core.readback import read_metadata
from bot.fakes.slack_requests import SlackSender
from bot.fakes.slack_server import FakeSlack
from bot.slack.ui_ids import Action
from tests.e2e.conftest import SIGNING_SECRET
from tests.e2e.processes import BotProcess, Fakes, bot_process
from tests.e2e.test_assign_command import button, text_of

LEAD = "ULEAD"
EVALUATION = "eval_1"
ASSIGNEE = "user-alice"
#: A small job that still spans a fault: chunks of 20, one at a time, 0.1 s each on the platform.
JOB_SETTINGS = {
    "ASSIGN_CHUNK_SIZE": "20",
    "ASSIGN_CONCURRENCY": "1",
    "ASSIGN_WORKER_LEASE_SECONDS": "5",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Outcome:
    """One row of the issue's table."""

    lost: int
    resent: int
    summaries: int

    def row(self, fault: str, recovered: float | None, healthz: str) -> str:
        after = f"{recovered:.1f}" if recovered is not None else "-"
        return f"{fault} | {self.lost} | {self.resent} | {self.summaries} | {after} | {healthz}"


@dataclass
class HealthWatch:
    """/healthz polled every 0.25 s from a thread: the statuses seen and the slowest answer."""

    url: str
    seen: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                status = str(httpx.get(f"{self.url}/healthz", timeout=10).status_code)
            except httpx.TransportError as exc:
                status = type(exc).__name__
            self.slowest = max(self.slowest, time.monotonic() - began)
            self.seen[status] += 1
            self._stop.wait(0.25)

    def summary(self) -> str:
        statuses = ", ".join(f"{status} x{count}" for status, count in sorted(self.seen.items()))
        return f"{statuses} (slowest {self.slowest:.1f} s)"


@dataclass
class FaultBot:
    process: BotProcess
    fakes: Fakes
    sender: SlackSender
    ids: list[str] = field(default_factory=list)
    #: Slack calls and platform requests before this job: not counted in its outcome.
    slack_seen: int = 0
    sgp_seen: int = 0

    def queue_job(self, count: int, first: int = 0) -> str:
        """Preview and confirm `count` ids; returns the confirmation's response_url key.

        Only this job counts from here on (its summary, its chunks).
        """
        self.slack_seen = len(self.fakes.slack.calls)
        self.sgp_seen = len(self.fakes.sgp.requests)
        self.ids = [f"t{i}" for i in range(first, first + count)]
        self.fakes.sgp.add_tasks(EVALUATION, self.ids)
        response, key = self.sender.command(f"{EVALUATION} {' '.join(self.ids)} to sgp:{ASSIGNEE}")
        assert response.status_code == 200
        preview = self.fakes.slack.wait_for(
            lambda: self.fakes.slack.posts_to(key), timeout=15, what="the preview"
        )[-1]
        _, confirmed = self.sender.click(Action.CONFIRM, button(preview, Action.CONFIRM)["value"])
        return confirmed

    def batch_calls(self) -> list[Any]:
        own = {id(request) for request in self.fakes.sgp.requests[self.sgp_seen :]}
        return [call for call in self.fakes.sgp.batch_assign_calls() if id(call) in own]

    def sent_chunks(self) -> int:
        return len(self.batch_calls())

    def wait_for_chunks(self, count: int) -> None:
        self.fakes.slack.wait_for(
            lambda: self.sent_chunks() >= count, timeout=30, what=f"{count} chunks sent"
        )

    def summaries(self) -> list[dict[str, Any]]:
        return [
            call.args
            for call in self.fakes.slack.calls[self.slack_seen :]
            if call.method == "chat.postMessage"
            and call.args.get("channel") == "CCHAN"
            and f"<@{LEAD}> assigned" in text_of(call.args)
        ]

    def moving_again(self, timeout: float = 60) -> float:
        """Seconds until a chunk is sent after this moment: the job goes on (or has finished)."""
        began, sent = time.monotonic(), self.sent_chunks()
        self.fakes.slack.wait_for(
            lambda: self.sent_chunks() > sent or self.summaries(),
            timeout=timeout,
            what="the job to go on",
        )
        return time.monotonic() - began

    def wait_for_summary(self, timeout: float) -> float:
        """Seconds until the first summary was posted."""
        began = time.monotonic()
        self.fakes.slack.wait_for(self.summaries, timeout=timeout, what="the job's summary")
        return time.monotonic() - began

    def outcome(self) -> Outcome:
        sent = Counter(task for call in self.batch_calls() for task in call.json["task_ids"])
        lost = [
            task
            for task in self.ids
            if (self.fakes.sgp.task(EVALUATION, task) or {}).get("assigned_to") != ASSIGNEE
        ]
        return Outcome(len(lost), sum(sent.values()) - len(sent), len(self.summaries()))

    @contextmanager
    def watching_health(self) -> Iterator[HealthWatch]:
        watch = HealthWatch(self.process.url)
        thread = threading.Thread(target=watch.run, daemon=True)
        thread.start()
        try:
            yield watch
        finally:
            watch._stop.set()
            thread.join(timeout=15)


@contextmanager
def fault_bot(fakes: Fakes, cwd: Path, **env: str) -> Iterator[FaultBot]:
    """The whole bot (web + worker) as a process, at the Redis named in `env`."""
    settings = JOB_SETTINGS | {"REDIS_KEY_PREFIX": "faults:"} | env
    with bot_process(cwd, fakes.environment(**settings)) as process:
        sender = SlackSender(process.url, SIGNING_SECRET, fakes.slack.base_url)
        yield FaultBot(process, fakes, sender)


def timed(call: Callable[[], httpx.Response]) -> tuple[int, float]:
    began = time.monotonic()
    response = call()
    return response.status_code, time.monotonic() - began


def report(row: str) -> None:
    """One row of the fault table: printed (seen with `-s`), and appended to the file named by
    FAULTS_TABLE when set (xdist workers' output is not shown)."""
    print(f"\nFAULT ROW: {row}")
    table = os.environ.get("FAULTS_TABLE")
    if table:
        with open(table, "a", encoding="utf-8") as out:
            out.write(row + "\n")


def summary_counts(slack: FakeSlack) -> dict[str, int]:
    """How many channel summaries each job posted (by the job id in their metadata)."""
    found: dict[str, int] = {}
    for message in list(slack.messages.values()):
        meta = read_metadata(message)
        if meta is not None and meta.part == "summary":
            found[meta.job_id] = found.get(meta.job_id, 0) + 1
    return found
