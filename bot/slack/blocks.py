"""Block Kit for every message and state the bot shows. Pure: data in, JSON-ready dicts out."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.audit import AuditRecord
from bot.core.confirmation import Assignee, Confirmation
from bot.core.outcome import ShareSummary, Summary, TaskOutcome
from bot.core.query import NextTasks, TaskChecks
from bot.core.query import describe as describe_query
from bot.core.undo import UndoResult
from bot.slack import mrkdwn as md
from bot.slack.publication import Publication
from bot.slack.ui_ids import COMMAND, Action
from bot.slack.ui_ids import Block as BlockId

Blocks = list[dict[str, Any]]

IDS_IN_PREVIEW = 10
IDS_PER_PROBLEM = 20
SECTIONS_PER_MESSAGE = 40
MESSAGE_BLOCK_LIMIT = 50


def section(text: str) -> dict[str, Any]:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": md.truncate(text, md.SECTION_TEXT_LIMIT)},
    }


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": md.truncate(text, 3000)}]}


def header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": md.truncate(text, md.HEADER_TEXT_LIMIT)},
    }


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": md.truncate(text, md.BUTTON_TEXT_LIMIT)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def assignee_label(assignee: Assignee) -> str:
    """A Slack mention with the platform id behind it, or the platform id alone."""
    platform = f"platform user {md.code(assignee.platform_user_id)}"
    if assignee.slack_user_id:
        return f"{md.user(assignee.slack_user_id)} ({platform})"
    return platform


# -- answers to a command ------------------------------------------------------------------------


def help_blocks(examples: Sequence[tuple[str, str]]) -> Blocks:
    lines = [f"`{COMMAND} {md.escape(text)}`\n{md.escape(meaning)}" for text, meaning in examples]
    return [
        section(f"*{COMMAND}* hands out an evaluation's tasks to annotators."),
        *[section(line) for line in lines],
        context(
            "Ids may be separated by spaces, commas or new lines. The evaluation may be a link "
            "to it. Nothing is assigned until you press *Confirm*."
        ),
    ]


def error_blocks(text: str) -> Blocks:
    """`text` is mrkdwn the caller built (user text inside it already escaped)."""
    return [section(f":warning: {text}")]


def notice_blocks(text: str) -> Blocks:
    return [section(text)]


def preview_blocks(confirmation: Confirmation, token: str) -> Blocks:
    blocks = preview_body(confirmation)
    blocks.append(
        {
            "type": "actions",
            "block_id": BlockId.PREVIEW_ACTIONS,
            "elements": [
                button("Confirm", Action.CONFIRM, token, style="primary"),
                button("Cancel", Action.CANCEL, token),
            ],
        }
    )
    return blocks


def preview_body(confirmation: Confirmation) -> Blocks:
    """What will happen, without the buttons: a modal brings its own submit and close."""
    count = confirmation.task_count
    lines = [
        f"*Evaluation:* {md.code(confirmation.evaluation_id)}",
        f"*Tasks:* {count:,}",
    ]
    if confirmation.duplicates_dropped:
        dropped = md.plural(confirmation.duplicates_dropped, "duplicate id")
        lines.append(f"*Dropped:* {dropped} (each task is assigned once)")
    if confirmation.query is not None:
        picked = f"*Picked:* {describe_query(confirmation.query)}"
        query = confirmation.query
        if isinstance(query, NextTasks) and count < query.count:
            picked += f" (only {count:,} found)"
        lines.append(picked + ", as the platform lists them now")
    blocks: Blocks = [header(f"Assign {md.plural(count, 'task')}?"), section("\n".join(lines))]
    if confirmation.checks is not None:
        warning = checks_text(confirmation.checks, count)
        if warning:
            blocks.append(section(warning) if confirmation.checks.checked else context(warning))
    for share in confirmation.shares[:40]:
        label = assignee_label(share.assignee)
        if share.assignee.matched_by_email:
            label += " _matched by email_"
        blocks.append(
            section(
                f"{label} gets {md.plural(len(share.task_ids), 'task')}: "
                f"{md.id_list(share.task_ids, IDS_IN_PREVIEW)}"
            )
        )
    if confirmation.note:
        blocks.append(section(note_text(confirmation.note)))
    blocks.append(context(f"This confirmation expires {md.date(confirmation.expires_at)}."))
    return blocks


def checks_text(checks: TaskChecks, count: int) -> str | None:
    """What the task listing said about the requested tasks; None when there is nothing to say.

    Confirming assigns these tasks anyway: the lead decides, the bot only points them out.
    """
    if not checks.checked:
        return (
            ":grey_question: I could not read the evaluation's task list, so I could not check "
            "for tasks that are completed or already assigned."
        )
    if not checks.any:
        return None
    found = [
        (number, what)
        for number, what in (
            (checks.assigned_elsewhere, "already assigned to someone else"),
            (checks.completed, "completed"),
        )
        if number
    ]
    if count == 1:
        said = f"This task is {found[0][1]}"
    else:
        parts = [
            f"{number:,}{' of these' if index == 0 else ''} {'is' if number == 1 else 'are'} {what}"
            for index, (number, what) in enumerate(found)
        ]
        said = "; ".join(parts)
    lines = [f":warning: {said}. *Confirm* assigns {'it' if count == 1 else 'them'} anyway."]
    if checks.assigned_elsewhere:
        shown = _some_ids(checks.assigned_elsewhere_ids, checks.assigned_elsewhere)
        lines.append(f"• Assigned to someone else: {shown}")
    if checks.completed:
        lines.append(f"• Completed: {_some_ids(checks.completed_ids, checks.completed)}")
    return "\n".join(lines)


def _some_ids(kept: Sequence[str], total: int) -> str:
    """The first few of `kept` and how many more of `total` there are (not all were kept)."""
    shown = list(kept[:IDS_IN_PREVIEW])
    head = ", ".join(md.code(task_id) for task_id in shown)
    rest = total - len(shown)
    return f"{head} and {rest:,} more" if rest > 0 else head


def note_text(note: str, author_id: str | None = None) -> str:
    """The requester's note, escaped and quoted, so it reads as theirs and can never ping."""
    quoted = "\n".join(f"> {md.escape(line)}" for line in note.splitlines() or [""])
    title = f"*Note from {md.user(author_id)}:*" if author_id else "*Note:*"
    return f"{title}\n{quoted}"


def assigning_blocks(confirmation: Confirmation, done: int | None = None) -> Blocks:
    """ "Assigning..." and, once known, how far: "Assigning... 3,000 / 8,000"."""
    tasks = md.plural(confirmation.task_count, "task")
    count = tasks if done is None else f"{done:,} / {tasks}"
    return [
        section(
            f":hourglass_flowing_sand: Assigning... {count} "
            f"of evaluation {md.code(confirmation.evaluation_id)}."
        )
    ]


def cancelled_blocks(confirmation: Confirmation) -> Blocks:
    return [
        section(
            f"Cancelled: nothing was assigned ({md.plural(confirmation.task_count, 'task')} "
            f"of evaluation {md.code(confirmation.evaluation_id)})."
        )
    ]


def result_blocks(summary: Summary, publication: Publication) -> Blocks:
    """What the requester's preview turns into once the assignment ran."""
    icon = ":white_check_mark:" if summary.fully_assigned else ":warning:"
    text = (
        f"{icon} Assigned {summary.assigned:,} of {md.plural(summary.requested, 'task')} "
        f"of evaluation {md.code(summary.evaluation_id)}."
    )
    if publication.permalink:
        text += f" {md.link(publication.permalink, 'See the summary')}."
    result: Blocks = [section(text)]
    if not publication.summary_posted:
        # The channel never saw it: keep the whole summary here so nothing is lost.
        result.append(
            section(
                f":warning: I could not post the summary in this channel "
                f"({md.escape(publication.post_error or 'unknown error')}). "
                "Invite me to the channel (`/invite` and my name) to get summaries there."
            )
        )
        result.extend(summary_blocks(summary)[1:])
    if publication.undelivered_dms:
        who = ", ".join(md.user(user_id) for user_id in publication.undelivered_dms)
        result.append(context(f"I could not send a direct message to {who}."))
    return result


def failure_blocks(summary: Summary) -> Blocks:
    """Nothing was assigned: the reasons, for the requester alone."""
    return [
        section(
            f":x: Nothing was assigned: none of the {md.plural(summary.requested, 'task')} of "
            f"evaluation {md.code(summary.evaluation_id)} went through."
        ),
        section(_problem_lines(summary.problems)),
    ]


# -- the channel summary and its thread ----------------------------------------------------------


def summary_text(summary: Summary) -> str:
    """Notification and screen-reader fallback for the summary message (mrkdwn, so escaped)."""
    return (
        f"Assigned {summary.assigned:,} of {summary.requested:,} tasks of evaluation "
        f"{md.escape(summary.evaluation_id)}"
    )


def summary_blocks(
    summary: Summary, *, retry_job_id: str | None = None, undo_id: str | None = None
) -> Blocks:
    """The channel's summary; with `retry_job_id`, a "Retry failed" button for failed tasks;
    with `undo_id` (from `AssignService.snapshot`), an "Undo" button, in a block of its own."""
    icon = ":white_check_mark:" if summary.fully_assigned else ":warning:"
    blocks: Blocks = [
        section(
            f"{icon} {md.user(summary.requester_id)} assigned {summary.assigned:,} of "
            f"{md.plural(summary.requested, 'task')} of evaluation "
            f"{md.code(summary.evaluation_id)}."
        )
    ]
    if summary.note:
        blocks.append(section(note_text(summary.note, summary.requester_id)))
    for share in summary.shares[:20]:
        blocks.append(section(_share_lines(share)))
    problems = summary.problems
    if problems:
        blocks.append(section(_problem_lines(problems)))
    blocks.append(context("Every task is listed in this message's thread."))
    failed = sum(len(share.failed_ids) for share in summary.shares)
    if retry_job_id and failed:
        label = f"Retry {md.plural(failed, 'failed task')}"
        blocks.append(
            {
                "type": "actions",
                "block_id": BlockId.SUMMARY_ACTIONS,
                "elements": [button(label, Action.RETRY_FAILED, retry_job_id)],
            }
        )
    if undo_id and summary.assigned:
        blocks.extend(undo_blocks(summary, undo_id))
    return blocks


def undo_blocks(summary: Summary, undo_id: str) -> Blocks:
    """The summary's Undo button, with Slack's own "are you sure?" in front of it."""
    undo = button("Undo", Action.UNDO, undo_id, style="danger")
    undo["confirm"] = {
        "title": {"type": "plain_text", "text": "Undo this assignment?"},
        "text": {
            "type": "plain_text",
            "text": (
                "Every task goes back to the person who had it before. Tasks that had nobody "
                "stay assigned: the platform cannot unassign them."
            ),
        },
        "confirm": {"type": "plain_text", "text": "Undo"},
        "deny": {"type": "plain_text", "text": "Keep"},
        "style": "danger",
    }
    return [
        {"type": "actions", "block_id": BlockId.SUMMARY_UNDO, "elements": [undo]},
        context(
            f"*Undo* puts every task back to who had it before; {md.user(summary.requester_id)} "
            "or an admin can use it for 24 hours."
        ),
    ]


def without_undo(message_blocks: Any, note: str) -> Blocks:
    """The summary as it was, its Undo button (and the line about it) replaced by `note`."""
    if not isinstance(message_blocks, list):
        return [context(note)]
    kept: Blocks = []
    skip_next_context = False
    for block in message_blocks:
        if not isinstance(block, dict):
            continue
        if block.get("block_id") == BlockId.SUMMARY_UNDO:
            skip_next_context = True
            continue
        if skip_next_context and block.get("type") == "context":
            skip_next_context = False
            continue
        skip_next_context = False
        kept.append(block)
    return [*kept[: MESSAGE_BLOCK_LIMIT - 1], context(note)]


def undo_text(result: UndoResult) -> str:
    """Notification fallback of the undo's report (mrkdwn, so escaped)."""
    return (
        f"Undo: put back {result.restored:,} of {result.attempted:,} tasks of evaluation "
        f"{md.escape(result.evaluation_id)}"
    )


def undo_report_blocks(result: UndoResult, actor_id: str) -> Blocks:
    """What an undo did, for the summary's thread: who got what back, and what could not."""
    total = len(result.snapshot.entries)
    if result.attempted:
        icon = ":leftwards_arrow_with_hook:" if result.restored == result.attempted else ":warning:"
        head = (
            f"{icon} {md.user(actor_id)} undid the assignment of evaluation "
            f"{md.code(result.evaluation_id)}: {result.restored:,} of "
            f"{md.plural(result.attempted, 'task')} went back to who had them before."
        )
    else:
        head = (
            f":leftwards_arrow_with_hook: {md.user(actor_id)} asked to undo the assignment of "
            f"evaluation {md.code(result.evaluation_id)}, but none of its "
            f"{md.plural(total, 'task')} could be given back."
        )
    blocks: Blocks = [section(head)]
    lines = [
        f"• platform user {md.code(user)}: {md.plural(count, 'task')}"
        for user, count in result.restored_to().items()
        if count
    ]
    for text in pack_lines(lines, md.SECTION_TEXT_LIMIT)[:10]:
        blocks.append(section(text))
    problems = result.problems
    if problems:
        heading = "*Not put back:*"
        blocks.append(section(_problem_lines(problems).replace("*Not assigned:*", heading, 1)))
    if result.plan.unchanged:
        blocks.append(
            context(
                f"{md.plural(len(result.plan.unchanged), 'task')} already belonged to the person "
                "they were given to, so nothing changed for them."
            )
        )
    return blocks[:MESSAGE_BLOCK_LIMIT]


def _share_lines(share: ShareSummary) -> str:
    lines = [
        f"*{assignee_label(share.assignee)}*: {share.assigned:,} of "
        f"{md.plural(share.requested, 'task')} assigned"
    ]
    if share.by_status:
        lines.append(f"• Status: {_counts(share.by_status)}")
    if share.by_type:
        lines.append(f"• Type: {_counts(share.by_type)}")
    if share.priority_range is not None:
        low, high = share.priority_range
        lines.append(f"• Priority: {low}" if low == high else f"• Priority: {low} to {high}")
    if share.earliest_expiry is not None:
        lines.append(f"• Earliest assignment expiry: {md.date(share.earliest_expiry)}")
    return "\n".join(lines)


def _problem_lines(problems: dict[str, list[str]]) -> str:
    lines = ["*Not assigned:*"]
    for reason, ids in problems.items():
        lines.append(f"• {md.plural(len(ids), 'task')}: {md.escape(reason)}")
        lines.append(f"   {md.id_list(ids, IDS_PER_PROBLEM)}")
    return "\n".join(lines)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{md.escape(name)} {count:,}" for name, count in counts.items())


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
    sections: Blocks = []
    for share in summary.shares:
        lines = [f"*{assignee_label(share.assignee)}*"]
        lines.extend(detail_line(outcome) for outcome in share.outcomes)
        sections.extend(section(text) for text in pack_lines(lines, md.SECTION_TEXT_LIMIT))
    return [
        sections[i : i + SECTIONS_PER_MESSAGE]
        for i in range(0, len(sections), SECTIONS_PER_MESSAGE)
    ]


def pack_lines(lines: Sequence[str], limit: int) -> list[str]:
    """Join lines into as few texts of at most `limit` characters as possible, never cutting one.

    A line longer than the limit on its own is truncated (only reasons can be that long).
    """
    texts: list[str] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = md.truncate(raw, limit)
        if current and size + 1 + len(line) > limit:
            texts.append("\n".join(current))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        texts.append("\n".join(current))
    return texts


CSV_COLUMNS = (
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


def assignee_dm_blocks(summary: Summary, share: ShareSummary, permalink: str | None) -> Blocks:
    text = (
        f"{md.user(summary.requester_id)} assigned you {md.plural(share.assigned, 'task')} "
        f"of evaluation {md.code(summary.evaluation_id)}."
    )
    if permalink:
        text += f" {md.link(permalink, 'See the summary')}."
    blocks = [section(text)]
    if summary.note:
        blocks.append(section(note_text(summary.note, summary.requester_id)))
    if share.earliest_expiry is not None:
        blocks.append(context(f"The earliest assignment expires {md.date(share.earliest_expiry)}."))
    return blocks


# -- the audit trail -----------------------------------------------------------------------------

ASSIGNEES_PER_RECORD = 5


def history_blocks(records: Sequence[AuditRecord], asked: int) -> Blocks:
    """`/assign history`: one line per executed assignment, newest first."""
    if not records:
        return notice_blocks("No assignments have been recorded yet.")
    shown = md.plural(len(records), "assignment")
    title = f"*The last {shown}*, newest first" + (
        f" (only {len(records):,} recorded):" if len(records) < asked else ":"
    )
    lines = [history_line(record) for record in records]
    texts = pack_lines(lines, md.SECTION_TEXT_LIMIT)[: MESSAGE_BLOCK_LIMIT - 1]
    return [section(title), *(section(text) for text in texts)]


def history_line(record: AuditRecord) -> str:
    people = [
        md.user(share.slack_user_id)
        if share.slack_user_id
        else f"platform user {md.code(share.platform_user_id)}"
        for share in record.assignees
    ]
    if len(people) > ASSIGNEES_PER_RECORD:
        rest = len(people) - ASSIGNEES_PER_RECORD
        people = [*people[:ASSIGNEES_PER_RECORD], f"{rest:,} more"]
    head = f"• {md.date(record.at)}: {md.user(record.requester_id)}"
    counted = f"{record.assigned:,} of {md.plural(record.requested, 'task')}"
    evaluation, to = md.code(record.evaluation_id), ", ".join(people) or "nobody"
    if record.kind == "undo":
        line = f"{head} undid an assignment of {evaluation}: {counted} went back to {to}"
        missed = "not put back"
    else:
        line = f"{head} assigned {counted} of {evaluation} to {to}"
        missed = "not assigned"
    if record.failed:
        line += f" ({record.failed:,} {missed})"
    if record.permalink:
        line += f" · {md.link(record.permalink, 'summary')}"
    return line
