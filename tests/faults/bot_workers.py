"""Worker runtimes in this process, at a real Redis the test started, and a worker's death.

A worker "killed" here raises `Killed` (a BaseException nothing in the bot catches) from inside
the call it dies at: its leases stop being renewed and nothing it would do afterwards happens,
as with SIGKILL, while the test stays in one process (cheap) and picks the exact moment.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.job import Job, SurfaceRef
from bot.core.readback import read_metadata
from bot.jobs.execute import JobExecution
from bot.runtime import Runtime, build_runtime
from bot.slack.reporting.publisher import SlackPublisher
from tests.e2e.conftest import bot_settings
from tests.e2e.processes import Fakes

EVALUATION = "eval_1"
ASSIGNEE = "user-alice"
ASSIGNEE_SLACK = "UALICE"
LEAD = "ULEAD"
CHANNEL = "CFAULT"
#: Short leases so a takeover after the lease costs about a second.
LEASE_MS = 1000


class Killed(BaseException):
    """The worker died where it stood."""


@dataclass
class Worker:
    runtime: Runtime
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    @property
    def execution(self) -> JobExecution:
        process = self.runtime.worker.process
        assert isinstance(process, JobExecution)
        return process

    @property
    def publisher(self) -> SlackPublisher:
        inner: Any = self.execution.publisher
        while not isinstance(inner, SlackPublisher):  # wrapped by the step and reminder hooks
            inner = inner.inner
        return inner

    def start(self) -> None:
        self.task = asyncio.create_task(self.runtime.worker.run(self.stop, grace_seconds=5))

    async def halt(self) -> None:
        """Stop the loop (a killed worker's loop must not claim its job again)."""
        self.stop.set()
        if self.task is not None:
            with suppress(BaseException):
                await self.task


def build_worker_runtime(fakes: Fakes, redis_url: str, prefix: str, **extra: Any) -> Worker:
    settings = bot_settings(
        fakes.slack,
        fakes.sgp_url,
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=prefix,
        ASSIGN_CHUNK_SIZE=extra.pop("chunk_size", 20),
        ASSIGN_CONCURRENCY=1,
        **extra,
    )
    runtime = build_runtime(settings)
    runtime.worker.lease_ms = LEASE_MS
    runtime.worker.block_ms = 50
    execution = runtime.worker.process
    assert isinstance(execution, JobExecution)
    execution.lease_ms = LEASE_MS
    execution.runner.lease_ms = LEASE_MS
    return Worker(runtime)


@asynccontextmanager
async def workers(
    fakes: Fakes, redis_url: str, count: int, **extra: Any
) -> AsyncIterator[list[Worker]]:
    built = [build_worker_runtime(fakes, redis_url, "faults:", **dict(extra)) for _ in range(count)]
    try:
        yield built
    finally:
        for worker in built:
            await worker.halt()
            await worker.runtime.aclose()


def a_job(fakes: Fakes, count: int, response_key: str = "job") -> Job:
    ids = [f"t{i}" for i in range(count)]
    fakes.sgp.add_tasks(EVALUATION, ids)
    now = datetime.now(UTC)
    confirmation = Confirmation(
        team_id="T1",
        requester_id=LEAD,
        channel_id=CHANNEL,
        evaluation_id=EVALUATION,
        shares=(
            Share(
                assignee=Assignee(platform_user_id=ASSIGNEE, slack_user_id=ASSIGNEE_SLACK),
                task_ids=tuple(ids),
            ),
        ),
        created_at=now,
        expires_at=now,
    )
    surface = SurfaceRef(kind="response_url", response_url=fakes.slack.response_url(response_key))
    return Job(id=f"job-{response_key}", confirmation=confirmation, surface=surface, created_at=now)


def kill_after(
    worker: Worker, nth: int, methods: tuple[str, ...] = ("chat.postMessage", "chat.getPermalink")
) -> None:
    """The worker dies right after Slack answered its `nth` call among `methods`."""
    client = worker.runtime.bolt_app.client
    real = client.api_call
    seen = 0

    async def api_call(api_method: str, **kwargs: Any) -> Any:
        nonlocal seen
        answer = await real(api_method, **kwargs)
        if api_method in methods:
            seen += 1
            if seen == nth:
                raise Killed(f"after {api_method} #{nth}")
        return answer

    client.api_call = api_call  # type: ignore[method-assign]


def kill_around(
    target: Any, name: str, *, before: bool = False, when: Callable[..., bool] | None = None
) -> None:
    """The worker dies just before or after `target.name(...)` (the first call `when` accepts)."""
    real: Callable[..., Awaitable[Any]] = getattr(target, name)
    done = False

    async def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal done
        hit = not done and (when is None or when(*args, **kwargs))
        if hit and before:
            done = True
            raise Killed(f"before {name}")
        answer = await real(*args, **kwargs)
        if hit:
            done = True
            raise Killed(f"after {name}")
        return answer

    setattr(target, name, wrapped)


@dataclass
class Seen:
    """What Slack and the platform saw of one job."""

    parts: Counter[str]
    lost: int
    resent: int
    final_text: str
    audit: int


async def seen(fakes: Fakes, job: Job, worker: Worker, response_key: str = "job") -> Seen:
    parts: Counter[str] = Counter()
    for message in list(fakes.slack.messages.values()):  # what Slack kept (not the 429s)
        found = read_metadata(message)
        if found is not None and found.job_id == job.id:
            parts[found.part] += 1
    posts = fakes.slack.posts_to(response_key)
    parts["result"] = sum(1 for post in posts if "metadata" in post)
    sent = Counter(
        task for call in fakes.sgp.batch_assign_calls() for task in call.json["task_ids"]
    )
    ids = [i for share in job.confirmation.shares for i in share.task_ids]
    lost = sum(
        1 for i in ids if (fakes.sgp.task(EVALUATION, i) or {}).get("assigned_to") != ASSIGNEE
    )
    audit = await worker.runtime.store.audit.latest("T1", 100)
    final = str(posts[-1].get("text", "")) if posts else ""
    return Seen(parts, lost, sum(sent.values()) - len(sent), final, len(audit))


async def until(
    predicate: Callable[[], Awaitable[bool]], what: str, at_most: float = 20.0
) -> float:
    """Seconds until `predicate()` held; fails after `at_most` seconds."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    while not await predicate():
        if loop.time() - began > at_most:
            raise AssertionError(f"timed out after {at_most} s waiting for {what}")
        await asyncio.sleep(0.05)
    return loop.time() - began
