"""The summary's Undo button, the summary once undone, and the undo's report in the thread."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ConfirmObject

from bot.core.outcome import Summary
from bot.core.undo import UndoResult
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import (
    MESSAGE_BLOCK_LIMIT,
    Blocks,
    actions_block,
    button_element,
    context,
    context_block,
    pack_lines,
    plain,
    problem_lines,
    render,
    section_block,
)
from bot.slack.ui_ids import Action
from bot.slack.ui_ids import Block as BlockId

#: Most "platform user: N tasks" sections an undo report lists.
RESTORED_SECTIONS = 10


def undo_blocks(summary: Summary, undo_id: str) -> Blocks:
    """The summary's Undo button, with Slack's own "are you sure?" in front of it."""
    return render(undo_models(summary, undo_id))


def undo_models(summary: Summary, undo_id: str) -> list[Block]:
    """The button and the line under it, as models for the summary to end with."""
    sure = ConfirmObject(
        title=plain("Undo this assignment?"),
        text=plain(
            "Every task goes back to the person who had it before. Tasks that had nobody "
            "stay assigned: the platform cannot unassign them."
        ),
        confirm=plain("Undo"),
        deny=plain("Keep"),
        style="danger",
    )
    undo = button_element("Undo", Action.UNDO, undo_id, style="danger", confirm=sure)
    return [
        actions_block(BlockId.SUMMARY_UNDO, undo),
        context_block(
            f"*Undo* puts every task back to who had it before; {md.user(summary.requester_id)} "
            "or an admin can use it for 24 hours."
        ),
    ]


def without_undo(message_blocks: Any, note: str) -> Blocks:
    """The summary as it was, its Undo button (and the line about it) replaced by `note`.

    The other blocks are Slack's copy of what was posted, so they are passed on untouched.
    """
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
    blocks: list[Block] = [section_block(_report_head(result, actor_id))]
    lines = [
        f"• platform user {md.code(user)}: {md.plural(count, 'task')}"
        for user, count in result.restored_to().items()
        if count
    ]
    for text in pack_lines(lines, md.SECTION_TEXT_LIMIT)[:RESTORED_SECTIONS]:
        blocks.append(section_block(text))
    problems = result.problems
    if problems:
        heading = "*Not put back:*"
        blocks.append(section_block(problem_lines(problems).replace("*Not assigned:*", heading, 1)))
    if result.plan.unchanged:
        blocks.append(
            context_block(
                f"{md.plural(len(result.plan.unchanged), 'task')} already belonged to the person "
                "they were given to, so nothing changed for them."
            )
        )
    return render(blocks[:MESSAGE_BLOCK_LIMIT])


def _report_head(result: UndoResult, actor_id: str) -> str:
    if result.attempted:
        icon = ":leftwards_arrow_with_hook:" if result.restored == result.attempted else ":warning:"
        return (
            f"{icon} {md.user(actor_id)} undid the assignment of evaluation "
            f"{md.code(result.evaluation_id)}: {result.restored:,} of "
            f"{md.plural(result.attempted, 'task')} went back to who had them before."
        )
    total = len(result.snapshot.entries)
    return (
        f":leftwards_arrow_with_hook: {md.user(actor_id)} asked to undo the assignment of "
        f"evaluation {md.code(result.evaluation_id)}, but none of its "
        f"{md.plural(total, 'task')} could be given back."
    )
