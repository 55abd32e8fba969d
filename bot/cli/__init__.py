"""`python -m bot assign`: the bot's assignment, run from a terminal with no Slack at all.

For bulk work and scripts: the same id rules, the same planner (contiguous even shares, chunks
of ASSIGN_CHUNK_SIZE, ASSIGN_CONCURRENCY at a time), the same client and retry policy, and the
same check of every requested id against what the platform returned. Only the platform's
settings (SGP_*, ASSIGN_CHUNK_SIZE, ASSIGN_CONCURRENCY, ASSIGN_MAX_TASK_IDS, LOG_*) are read.

Exit status: 0 every task assigned (or a dry run that found nothing wrong), 1 anything not
assigned, 2 a usage or configuration error (nothing was sent).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TextIO

from bot.core import form, idfile, ids
from bot.core.audit import audit_record
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.form import FieldProblem
from bot.core.outcome import Summary, summarize
from bot.core.plan import chunked, split_evenly
from bot.logs import configure_logging, install_redaction
from bot.platform import platform_client
from bot.settings import PlatformSettings, SettingsError, load_platform_settings
from bot.sgp.models import ChunkResult

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
#: Task ids shown per reason in the summary; the rest are counted.
IDS_SHOWN: Final = 20
BAR_WIDTH: Final = 30
REQUESTER: Final = "cli"

log = logging.getLogger(__name__)
audit_log = logging.getLogger("bot.audit")


class UsageProblem(Exception):
    """Arguments that cannot run; the message says what to change. Nothing has been sent."""


@dataclass(frozen=True)
class Request:
    """What the arguments ask for, validated: the evaluation, the ids (each once), who."""

    evaluation_id: str
    task_ids: tuple[str, ...]
    duplicates_dropped: int
    assignees: tuple[str, ...]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot assign",
        description=(
            "Assign an evaluation's tasks to platform users, as the Slack bot does after Confirm "
            "(no Slack needed: only the SGP_* variables)."
        ),
        epilog=(
            "Exit status: 0 all assigned, 1 anything not assigned, 2 usage or configuration "
            "error. Example: python -m bot assign eval_123 --ids-file ids.csv --to user_42"
        ),
    )
    parser.add_argument("evaluation", metavar="EVALUATION", help="evaluation id, or its link")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--ids-file",
        metavar="FILE",
        help="a .txt of ids (spaces, commas or new lines) or a .csv with a task_id or id column;"
        " - reads standard input",
    )
    source.add_argument(
        "--ids", nargs="+", metavar="TASK_ID", help="task ids (commas work as separators too)"
    )
    parser.add_argument(
        "--to",
        dest="assignees",
        action="append",
        required=True,
        metavar="SGP_USER_ID",
        help="platform user id (sgp: prefix optional); repeat it, or separate with commas, to "
        "split the tasks evenly, in order, like the bot",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything and show the plan; send nothing to the platform",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot assign ...`; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or argparse's own usage error (status 2)
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_USAGE
    try:
        settings = load_platform_settings()
    except SettingsError as exc:
        print(f"error: cannot run; fix these environment variables:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings)
    try:
        request = read_request(args, settings.max_task_ids)
    except UsageProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    confirmation = plan(request)
    if args.dry_run:
        print(describe_plan(confirmation, settings))
        return EXIT_OK
    try:
        summary = asyncio.run(run(confirmation, settings, sys.stderr))
    except KeyboardInterrupt:
        print(
            "\ninterrupted: some tasks may have been assigned; check the evaluation.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    _audit(confirmation, summary)
    print(summary_table(summary))
    return EXIT_OK if summary.fully_assigned else EXIT_FAILED


def _configure_logging(settings: PlatformSettings) -> None:
    """Warnings only, unless LOG_LEVEL asks for more (INFO adds the audit line)."""
    chosen = "log_level" in settings.model_fields_set
    configure_logging(settings.log_level if chosen else "WARNING", settings.log_format)
    install_redaction([settings.sgp_api_key.get_secret_value()])
    # httpx logs every request at INFO: noise on a terminal, unless debugging.
    root = logging.getLogger().getEffectiveLevel()
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root))


# --- arguments -> a request --------------------------------------------------------------------


def read_request(args: argparse.Namespace, max_ids: int) -> Request:
    """Validate every argument with the bot's own rules; all id problems are named."""
    evaluation_id = ids.evaluation_id_from(args.evaluation)
    if evaluation_id is None:
        reason = ids.id_problem(args.evaluation.strip()) or "a link needs an /evaluations/<id> part"
        raise UsageProblem(f"{args.evaluation!r} is not an evaluation id or link: {reason}")
    try:
        given = _ids_from_file(args.ids_file, max_ids) if args.ids_file else _typed(args.ids)
        if not given:
            raise FieldProblem("No task ids given: pass --ids or an --ids-file that holds some.")
        task_ids, dropped = form.combine([given], max_ids)
    except FieldProblem as problem:
        raise UsageProblem(problem.message.replace("\u201c", "'").replace("\u201d", "'")) from None
    return Request(evaluation_id, task_ids, dropped, _assignees(args.assignees))


def _typed(values: Sequence[str]) -> list[str]:
    return form.read_task_ids(" ".join(values))


def _ids_from_file(name: str, max_ids: int) -> list[str]:
    try:
        content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise FieldProblem(f"Cannot read {name}: {exc.strerror or exc}.") from None
    kind = idfile.kind_of(name) or "txt"
    return idfile.read_ids(content, kind=kind, max_ids=max_ids)


def _assignees(values: Iterable[str]) -> tuple[str, ...]:
    """Platform user ids, each once, in order; `sgp:` (the bot's prefix) is accepted."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            token = part.strip()
            if token[: len(ids.PLATFORM_USER_PREFIX)].lower() == ids.PLATFORM_USER_PREFIX:
                token = token[len(ids.PLATFORM_USER_PREFIX) :]
            if not token:
                continue
            problem = ids.id_problem(token)
            if problem is not None:
                raise UsageProblem(f"--to {part.strip()!r} is not a platform user id: {problem}")
            found.append(token)
    if not found:
        raise UsageProblem("--to needs a platform user id")
    return tuple(dict.fromkeys(found))


# --- the plan, shown or run --------------------------------------------------------------------


def plan(request: Request) -> Confirmation:
    """The bot's planner: contiguous, even shares in the order given."""
    shares = tuple(
        Share(assignee=Assignee(platform_user_id=user), task_ids=task_ids)
        for user, task_ids in zip(
            request.assignees,
            split_evenly(request.task_ids, len(request.assignees)),
            strict=True,
        )
    )
    now = datetime.now(UTC)
    return Confirmation(
        team_id=REQUESTER,
        requester_id=REQUESTER,
        channel_id=REQUESTER,
        evaluation_id=request.evaluation_id,
        shares=shares,
        duplicates_dropped=request.duplicates_dropped,
        created_at=now,
        expires_at=now,
    )


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


async def run(
    confirmation: Confirmation, settings: PlatformSettings, progress_to: TextIO
) -> Summary:
    """Every share through the bot's client (chunks, concurrency, retries), then judged."""
    bar = ProgressBar(confirmation.task_count, progress_to)
    async with platform_client(settings) as sgp:
        bar.draw()
        try:
            results = await asyncio.gather(
                *(
                    sgp.assign_chunked(
                        confirmation.evaluation_id,
                        share.task_ids,
                        share.assignee.platform_user_id,
                        on_chunk=bar.advance,
                    )
                    for share in confirmation.shares
                )
            )
        finally:
            bar.close()
    return summarize(confirmation, results)


def _audit(confirmation: Confirmation, summary: Summary) -> None:
    """The bot's audit line (`bot.audit`), so a terminal run leaves the same trace in logs."""
    record = audit_record(confirmation, summary, None, datetime.now(UTC))
    data = record.model_dump(mode="json")
    audit_log.info("%s", json.dumps({"event": "assignment", **data}), extra={"audit": data})


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


# --- the summary -------------------------------------------------------------------------------


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
