"""`/assign history`: the audit trail, one line per executed assignment or undo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.core.audit import AuditRecord
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import MESSAGE_BLOCK_LIMIT, Blocks, pack_lines, render, section_block
from bot.slack.blocks.notices import notice_blocks

ASSIGNEES_PER_RECORD: Final = 5


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
    return render([section_block(title), *(section_block(text) for text in texts)])


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
