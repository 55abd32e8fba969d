"""A Publisher that passes everything to the one it wraps: the base of the wrappers that each
add one duty to reporting a job (completing a workflow step, scheduling reminders)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.job import Job
from bot.core.outcome import Summary
from bot.usecases.ports import Publisher


class WrappingPublisher:
    def __init__(self, inner: Publisher) -> None:
        self.inner = inner

    def progress(self, job: Job) -> Callable[[int, int], Awaitable[None]]:
        return self.inner.progress(job)

    def waiting(self, job: Job) -> Callable[[float, str], Awaitable[None]]:
        return self.inner.waiting(job)

    async def publish(self, job: Job, summary: Summary, undo_id: str | None) -> str | None:
        return await self.inner.publish(job, summary, undo_id)

    async def nothing_assigned(self, job: Job, summary: Summary) -> None:
        await self.inner.nothing_assigned(job, summary)

    async def give_up(self, job: Job, reason: str) -> None:
        await self.inner.give_up(job, reason)
