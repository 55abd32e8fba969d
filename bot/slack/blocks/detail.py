"""Every task's outcome for the summary's thread: as messages, and as a CSV file."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Final

from slack_sdk.models.blocks import Block

from bot.core.outcome import Summary, TaskOutcome
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import (
    SECTIONS_PER_MESSAGE,
    Blocks,
    assignee_label,
    pack_lines,
    render,
    section_block,
)


def detail_line(outcome: TaskOutcome) -> str:
    task = outcome.task
    if outcome.ok and task is not None:
        parts = [f"{md.code(outcome.task_id)} assigned", md.escape(str(task.status))]
        parts.append(md.escape(str(task.task_type)))
        if task.priority is not None:
            parts.append(f"priority {task.priority}")
        if task.assignment_expires_at is not None:
            parts.append(f"expires {md.date(task.assignment_expires_at)}")
        return " · ".join(parts)
    return f"{md.code(outcome.task_id)} *not assigned*: {md.escape(outcome.reason or '')}"


def thread_detail_messages(summary: Summary) -> list[Blocks]:
    """Every task's outcome, split into messages that respect Slack's block and text limits."""
    sections: list[Block] = []
    for share in summary.shares:
        lines = [f"*{assignee_label(share.assignee)}*"]
        lines.extend(detail_line(outcome) for outcome in share.outcomes)
        sections.extend(section_block(text) for text in pack_lines(lines, md.SECTION_TEXT_LIMIT))
    return [
        render(sections[i : i + SECTIONS_PER_MESSAGE])
        for i in range(0, len(sections), SECTIONS_PER_MESSAGE)
    ]


CSV_COLUMNS: Final = (
    "task_id",
    "outcome",
    "assignee_platform_user_id",
    "assignee_slack_user_id",
    "status",
    "task_type",
    "priority",
    "assignment_expires_at",
    "reason",
)


def detail_csv(summary: Summary) -> str:
    """The same detail as a file, for lists too long to read as messages."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for share in summary.shares:
        for outcome in share.outcomes:
            task = outcome.task
            row = [
                outcome.task_id,
                outcome.verdict.value,
                share.assignee.platform_user_id,
                share.assignee.slack_user_id or "",
                "" if task is None else str(task.status),
                "" if task is None else str(task.task_type),
                "" if task is None or task.priority is None else task.priority,
                ""
                if task is None or task.assignment_expires_at is None
                else _iso(task.assignment_expires_at),
                outcome.reason or "",
            ]
            writer.writerow([_inert(cell) for cell in row])
    return buffer.getvalue()


def _inert(cell: object) -> object:
    """Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is quoted as text.

    Statuses and reasons come from the platform; a CSV opened in a spreadsheet must not run them.
    """
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def csv_comment(summary: Summary) -> str:
    return f"All {md.plural(summary.requested, 'task')} with their outcome, as CSV."


def _iso(moment: datetime) -> str:
    return moment.isoformat()
