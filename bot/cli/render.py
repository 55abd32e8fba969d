"""What the command line prints: the plan of a dry run, a progress bar, the summary table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final, TextIO

from bot.core.confirmation import Confirmation
from bot.core.outcome import Summary
from bot.core.plan import chunked
from bot.core.tasks import ChunkResult
from bot.settings import PlatformSettings

#: Task ids shown per reason in the summary; the rest are counted.
IDS_SHOWN: Final = 20
BAR_WIDTH: Final = 30


def describe_plan(confirmation: Confirmation, settings: PlatformSettings) -> str:
    """What a run would send: per assignee, the ids and the requests; nothing is sent."""
    size = settings.chunk_size
    requests = sum(len(chunked(share.task_ids, size)) for share in confirmation.shares)
    rows = [
        (
            share.assignee.platform_user_id,
            f"{len(share.task_ids):,}",
            f"{len(chunked(share.task_ids, size)):,}",
            _span(share.task_ids),
        )
        for share in confirmation.shares
    ]
    lines = [
        "Dry run: nothing was sent to the platform.",
        f"Evaluation {confirmation.evaluation_id} at {settings.sgp_base_url}: "
        f"{_plural(confirmation.task_count, 'task')}{_dropped(confirmation.duplicates_dropped)}.",
        "",
        table(("assignee", "tasks", "requests", "ids"), rows, right=(1, 2)),
        "",
        f"{_plural(requests, 'batch-assign request')} of at most {size:,} ids, "
        f"{settings.concurrency} at a time, each retried up to {settings.sgp_max_retries} times.",
    ]
    return "\n".join(lines)


def _span(task_ids: Sequence[str]) -> str:
    if not task_ids:
        return "-"
    return task_ids[0] if len(task_ids) == 1 else f"{task_ids[0]} .. {task_ids[-1]}"


def _dropped(count: int) -> str:
    return f" ({_plural(count, 'duplicate id')} dropped)" if count else ""


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


class ProgressBar:
    """`[#####.....] 1,500/10,000 tasks` redrawn in place, only on a terminal.

    Redirected to a file or a pipe it draws nothing, so logs and CI output stay clean.
    """

    def __init__(self, total: int, stream: TextIO, *, enabled: bool | None = None) -> None:
        self.total = total
        self.stream = stream
        self.enabled = _is_tty(stream) if enabled is None else enabled
        self.done = 0
        self.failed_chunks = 0

    async def advance(self, result: ChunkResult) -> None:
        """The client's `on_chunk`: one chunk came back (assigned or not)."""
        self.done += len(result.task_ids)
        if result.error is not None:
            self.failed_chunks += 1
        self.draw()

    async def waiting(self, seconds: float, why: str) -> None:
        """The retry policy's wait notice: said on its own line, on a terminal or not."""
        if self.enabled:
            self.stream.write("\n")
        self.stream.write(
            f"The platform answered {why}: waiting {seconds:,.1f} s before retrying.\n"
        )
        self.stream.flush()
        self.draw()

    def line(self) -> str:
        share = self.done / self.total if self.total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        failed = f", {self.failed_chunks} request(s) failed" if self.failed_chunks else ""
        return f"Assigning [{bar}] {self.done:,}/{self.total:,} tasks{failed}"

    def draw(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def summary_table(summary: Summary) -> str:
    """What happened, for a person: per assignee, by status and type, and each failure reason."""
    verdict = "all assigned" if summary.fully_assigned else f"{summary.not_assigned:,} NOT assigned"
    lines = [
        f"Evaluation {summary.evaluation_id}: {summary.assigned:,} of {summary.requested:,} "
        f"tasks assigned, {verdict}{_dropped(summary.duplicates_dropped)}.",
        "",
    ]
    rows = [
        (
            share.assignee.platform_user_id,
            f"{share.requested:,}",
            f"{share.assigned:,}",
            f"{share.not_assigned:,}",
        )
        for share in summary.shares
    ]
    if len(rows) > 1:
        rows.append(
            (
                "total",
                f"{summary.requested:,}",
                f"{summary.assigned:,}",
                f"{summary.not_assigned:,}",
            )
        )
    lines.append(
        table(("assignee", "requested", "assigned", "not assigned"), rows, right=(1, 2, 3))
    )
    statuses: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for share in summary.shares:
        statuses.update(share.by_status)
        types.update(share.by_type)
    if statuses:
        lines += ["", f"Assigned by status: {_counts(statuses)}"]
        lines.append(f"Assigned by type:   {_counts(types)}")
    problems = summary.problems
    if problems:
        lines += ["", "Not assigned, by reason (tasks, reason, ids):"]
        width = max(len(f"{len(task_ids):,}") for task_ids in problems.values())
        for reason, task_ids in problems.items():
            lines.append(f"  {len(task_ids):>{width},}  {reason}")
            lines.append(f"  {'':>{width}}  {_some(task_ids)}")
    return "\n".join(lines)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())


def _some(task_ids: Sequence[str]) -> str:
    shown = " ".join(task_ids[:IDS_SHOWN])
    more = len(task_ids) - IDS_SHOWN
    return f"{shown} ... and {more:,} more" if more > 0 else shown


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Plain aligned columns (numbers right-aligned), readable in a terminal and in a log."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def render(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([render(headers), *(render(row) for row in rows)])
