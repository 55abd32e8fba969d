"""Summaries of runs for the Block Kit tests: a mixed one, and one where everything went."""

from __future__ import annotations

from bot.core.outcome import Summary, summarize
from bot.core.tasks import ChunkError, ChunkResult
from tests.unit.factories import confirmation, task


def full_summary(count: int = 3) -> Summary:
    """`count` tasks for one assignee: all but the last two assigned, one missing, one refused."""
    ids = [f"t{i}" for i in range(count)]
    request = confirmation(("user-a", "UA", ids))
    error = ChunkError("the platform rejected the request (422): bad", status=422)
    results = [
        ChunkResult(tuple(ids[:-1]), tasks=tuple(task(i) for i in ids[:-2])),
        ChunkResult((ids[-1],), error=error),
    ]
    return summarize(request, [results])


def summary_of(ids: list[str]) -> Summary:
    """Every one of `ids` assigned to user-a."""
    request = confirmation(("user-a", "UA", ids))
    return summarize(request, [[ChunkResult(tuple(ids), tasks=tuple(task(i) for i in ids))]])
