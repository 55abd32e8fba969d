"""The channel's summary of a run, what the requester's preview turns into, and assignee DMs."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.outcome import ShareSummary, Summary
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import (
    Blocks,
    actions_block,
    assignee_label,
    button_element,
    context_block,
    note_text,
    problem_lines,
    render,
    section_block,
)
from bot.slack.blocks.undo import undo_models
from bot.slack.reporting.publication import Publication
from bot.slack.ui_ids import Action
from bot.slack.ui_ids import Block as BlockId

#: Most assignees the summary lists one by one; the thread lists every task.
SHARES_SHOWN = 20


def result_blocks(
    summary: Summary, publication: Publication, *, retry_job_id: str | None = None
) -> Blocks:
    """What the requester's preview turns into once the assignment ran; when the channel
    never saw the summary, the whole of it, with its "Retry failed" button (`retry_job_id`)."""
    icon = ":white_check_mark:" if summary.fully_assigned else ":warning:"
    text = (
        f"{icon} Assigned {summary.assigned:,} of {md.plural(summary.requested, 'task')} "
        f"of evaluation {md.code(summary.evaluation_id)}."
    )
    if publication.permalink:
        text += f" {md.link(publication.permalink, 'See the summary')}."
    result: list[Block] = [section_block(text)]
    if not publication.summary_posted:
        # The channel never saw it: keep the whole summary here so nothing is lost.
        result.append(section_block(not_posted_text(publication.post_error)))
        result.extend(summary_models(summary, retry_job_id=retry_job_id)[1:])
    if publication.undelivered_dms:
        who = ", ".join(md.user(user_id) for user_id in publication.undelivered_dms)
        result.append(context_block(f"I could not send a direct message to {who}."))
    return render(result)


#: What the requester can do about a summary Slack would not take, by Slack's error.
_NOT_POSTED_HELP = {
    "not_in_channel": "Invite me to the channel (`/invite` and my name) to get summaries there.",
    "channel_not_found": "Invite me to the channel (`/invite` and my name) to get summaries there.",
    "is_archived": "The channel is archived: run the command in another channel.",
}


def not_posted_text(error: str | None) -> str:
    """Why the channel has no summary and, where the requester can act, what to do."""
    said = (
        ":warning: I could not post the summary in the channel "
        f"({md.escape(error or 'unknown error')})."
    )
    help_text = _NOT_POSTED_HELP.get(error or "")
    return f"{said} {help_text}" if help_text else said


def failure_blocks(summary: Summary) -> Blocks:
    """Nothing was assigned: the reasons, for the requester alone."""
    return render(
        [
            section_block(
                f":x: Nothing was assigned: none of the {md.plural(summary.requested, 'task')} "
                f"of evaluation {md.code(summary.evaluation_id)} went through."
            ),
            section_block(problem_lines(summary.problems)),
        ]
    )


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
    with `undo_id` (the undo snapshot's id), an "Undo" button, in a block of its own."""
    return render(summary_models(summary, retry_job_id=retry_job_id, undo_id=undo_id))


def summary_models(
    summary: Summary, *, retry_job_id: str | None = None, undo_id: str | None = None
) -> list[Block]:
    """The summary as models, so the requester's result can reuse all but its first line."""
    icon = ":white_check_mark:" if summary.fully_assigned else ":warning:"
    blocks: list[Block] = [
        section_block(
            f"{icon} {md.user(summary.requester_id)} assigned {summary.assigned:,} of "
            f"{md.plural(summary.requested, 'task')} of evaluation "
            f"{md.code(summary.evaluation_id)}."
        )
    ]
    if summary.note:
        blocks.append(section_block(note_text(summary.note, summary.requester_id)))
    blocks.extend(section_block(share_lines(share)) for share in summary.shares[:SHARES_SHOWN])
    if summary.problems:
        blocks.append(section_block(problem_lines(summary.problems)))
    blocks.append(context_block("Every task is listed in this message's thread."))
    failed = sum(len(share.failed_ids) for share in summary.shares)
    if retry_job_id and failed:
        label = f"Retry {md.plural(failed, 'failed task')}"
        retry = button_element(label, Action.RETRY_FAILED, retry_job_id)
        blocks.append(actions_block(BlockId.SUMMARY_ACTIONS, retry))
    if undo_id and summary.assigned:
        blocks.extend(undo_models(summary, undo_id))
    return blocks


def share_lines(share: ShareSummary) -> str:
    """One assignee's part of the summary: counts, statuses, types, priorities, expiry."""
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


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{md.escape(name)} {count:,}" for name, count in counts.items())


def assignee_dm_blocks(summary: Summary, share: ShareSummary, permalink: str | None) -> Blocks:
    text = (
        f"{md.user(summary.requester_id)} assigned you {md.plural(share.assigned, 'task')} "
        f"of evaluation {md.code(summary.evaluation_id)}."
    )
    if permalink:
        text += f" {md.link(permalink, 'See the summary')}."
    blocks: list[Block] = [section_block(text)]
    if summary.note:
        blocks.append(section_block(note_text(summary.note, summary.requester_id)))
    if share.earliest_expiry is not None:
        expires = md.date(share.earliest_expiry)
        blocks.append(context_block(f"The earliest assignment expires {expires}."))
    return render(blocks)
