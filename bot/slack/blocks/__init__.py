"""Block Kit for every message and state the bot shows, built with `slack_sdk.models`.

Pure: data in, JSON-ready dicts out, each block validated by slack_sdk as it is rendered. One
module per message family; the modal's views are in `bot.slack.blocks.modals`.
"""

from __future__ import annotations

from bot.slack.blocks import reminders as reminders
from bot.slack.blocks.choose import choose_blocks, choose_view
from bot.slack.blocks.detail import (
    CSV_COLUMNS,
    csv_comment,
    detail_csv,
    detail_line,
    thread_detail_messages,
)
from bot.slack.blocks.history import ASSIGNEES_PER_RECORD, history_blocks, history_line
from bot.slack.blocks.home import home_view
from bot.slack.blocks.kit import (
    IDS_IN_PREVIEW,
    IDS_PER_PROBLEM,
    MESSAGE_BLOCK_LIMIT,
    SECTIONS_PER_MESSAGE,
    Blocks,
    assignee_label,
    button,
    context,
    header,
    note_text,
    pack_lines,
    section,
)
from bot.slack.blocks.notices import error_blocks, help_blocks, notice_blocks
from bot.slack.blocks.preview import (
    assigning_blocks,
    cancelled_blocks,
    checks_text,
    preview_blocks,
    preview_body,
)
from bot.slack.blocks.summary import (
    assignee_dm_blocks,
    failure_blocks,
    result_blocks,
    summary_blocks,
    summary_text,
)
from bot.slack.blocks.undo import undo_blocks, undo_report_blocks, undo_text, without_undo

__all__ = [
    "ASSIGNEES_PER_RECORD",
    "CSV_COLUMNS",
    "IDS_IN_PREVIEW",
    "IDS_PER_PROBLEM",
    "MESSAGE_BLOCK_LIMIT",
    "SECTIONS_PER_MESSAGE",
    "Blocks",
    "assignee_dm_blocks",
    "assignee_label",
    "assigning_blocks",
    "button",
    "cancelled_blocks",
    "checks_text",
    "choose_blocks",
    "choose_view",
    "context",
    "csv_comment",
    "detail_csv",
    "detail_line",
    "error_blocks",
    "failure_blocks",
    "header",
    "help_blocks",
    "history_blocks",
    "history_line",
    "home_view",
    "note_text",
    "notice_blocks",
    "pack_lines",
    "preview_blocks",
    "preview_body",
    "result_blocks",
    "section",
    "summary_blocks",
    "summary_text",
    "thread_detail_messages",
    "undo_blocks",
    "undo_report_blocks",
    "undo_text",
    "without_undo",
]
