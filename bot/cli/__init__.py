"""`python -m bot assign`: the bot's assignment, run from a terminal with no Slack at all.

For bulk work and scripts: the same id rules, the same planner (contiguous even shares, chunks
of ASSIGN_CHUNK_SIZE, ASSIGN_CONCURRENCY at a time), the same client and retry policy, and the
same check of every requested id against what the platform returned. Only the platform's
settings (SGP_*, ASSIGN_CHUNK_SIZE, ASSIGN_CONCURRENCY, ASSIGN_MAX_TASK_IDS, LOG_*) are read.

A 401 or 403 stops the run at once (nothing more is sent); `--dry-run` needs no SGP_API_KEY.
The platform's waits (Retry-After, up to 60 s as in the SDK) are announced on standard error.

Exit status: 0 every task assigned (or a dry run that found nothing wrong), 1 anything not
assigned, 2 a usage or configuration error (nothing was sent).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final, TextIO

from bot.cli.render import ProgressBar, describe_plan, summary_table
from bot.cli.request import Request, UsageProblem, build_parser, read_request
from bot.core.audit import audit_record
from bot.core.confirmation import Assignee, Confirmation, even_shares
from bot.core.outcome import Summary, summarize
from bot.jobs.runner import assign_all
from bot.logs import configure_logging, install_redaction
from bot.platform import platform_client
from bot.settings import PlatformSettings, SettingsError, load_platform_settings
from bot.sgp.retry import MAX_RETRY_AFTER, patience
from bot.usecases.audit import write_audit_line

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
REQUESTER: Final = "cli"

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot assign ...`; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or argparse's own usage error (status 2)
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_USAGE
    try:
        settings = load_platform_settings(key_required=not args.dry_run)
    except SettingsError as exc:
        print(f"error: cannot run; fix these environment variables:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings)
    try:
        request = read_request(args, settings.max_task_ids, settings.platform_hosts)
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


def plan(request: Request) -> Confirmation:
    """The bot's planner (`even_shares`): contiguous, even shares in the order given."""
    assignees = [Assignee(platform_user_id=user) for user in request.assignees]
    now = datetime.now(UTC)
    return Confirmation(
        team_id=REQUESTER,
        requester_id=REQUESTER,
        channel_id=REQUESTER,
        evaluation_id=request.evaluation_id,
        shares=even_shares(assignees, request.task_ids),
        duplicates_dropped=request.duplicates_dropped,
        created_at=now,
        expires_at=now,
    )


async def run(
    confirmation: Confirmation, settings: PlatformSettings, progress_to: TextIO
) -> Summary:
    """Every share through the bot's client and the jobs' rules (chunks, concurrency, retries,
    a stop at the first 401 or 403, lost answers read back), then judged."""
    bar = ProgressBar(confirmation.task_count, progress_to)
    async with platform_client(settings) as sgp:
        bar.draw()
        try:
            with patience(MAX_RETRY_AFTER, on_wait=bar.waiting):
                results = await assign_all(sgp, confirmation, on_chunk=bar.advance)
        finally:
            bar.close()
    return summarize(confirmation, results)


def _audit(confirmation: Confirmation, summary: Summary) -> None:
    """The bot's audit line (`bot.audit`), so a terminal run leaves the same trace in logs."""
    write_audit_line(audit_record(confirmation, summary, None, datetime.now(UTC)))


__all__ = ["ProgressBar", "Request", "UsageProblem", "main", "plan", "run", "summary_table"]
