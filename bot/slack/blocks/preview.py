"""The preview a requester confirms, and the states it turns into: assigning, cancelled."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.models.blocks import Block

from bot.core.confirmation import Confirmation
from bot.core.plan import SplitNote
from bot.core.query import NextTasks, TaskChecks
from bot.core.query import describe as describe_query
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import (
    IDS_IN_PREVIEW,
    Blocks,
    actions_block,
    assignee_label,
    button_element,
    context_block,
    header_block,
    note_text,
    render,
    section_block,
)
from bot.slack.ui_ids import Action
from bot.slack.ui_ids import Block as BlockId

#: Most shares the preview lists one by one (a modal allows 40 assignees).
SHARES_SHOWN = 40


def preview_blocks(confirmation: Confirmation, token: str) -> Blocks:
    buttons = actions_block(
        BlockId.PREVIEW_ACTIONS,
        button_element("Confirm", Action.CONFIRM, token, style="primary"),
        button_element("Cancel", Action.CANCEL, token),
    )
    return render([*preview_models(confirmation), buttons])


def preview_body(confirmation: Confirmation) -> Blocks:
    """What will happen, without the buttons: a modal brings its own submit and close."""
    return render(preview_models(confirmation))


def preview_models(confirmation: Confirmation) -> list[Block]:
    """The preview's blocks as models, for a message or a modal to add their own to."""
    count = confirmation.task_count
    blocks: list[Block] = [
        header_block(f"Assign {md.plural(count, 'task')}?"),
        section_block(_request_text(confirmation)),
    ]
    if confirmation.checks is not None:
        warning = checks_text(confirmation.checks, count)
        if warning:
            checked = confirmation.checks.checked
            blocks.append(section_block(warning) if checked else context_block(warning))
    if confirmation.split is not None:
        blocks.append(context_block(split_text(confirmation.split)))
    for index, share in enumerate(confirmation.shares[:SHARES_SHOWN]):
        label = assignee_label(share.assignee)
        if share.assignee.matched_by_email:
            label += " _matched by email_"
        blocks.append(
            section_block(
                f"{label} gets {md.plural(len(share.task_ids), 'task')}"
                f"{_why(confirmation.split, index, len(share.task_ids))}: "
                f"{md.id_list(share.task_ids, IDS_IN_PREVIEW)}"
            )
        )
    if confirmation.note:
        blocks.append(section_block(note_text(confirmation.note)))
    blocks.append(context_block(f"This confirmation expires {md.date(confirmation.expires_at)}."))
    return blocks


def split_text(split: SplitNote) -> str:
    """How the shares were sized, and what the cap left unassigned."""
    rule = split.rule
    if rule.by_load and split.loads is not None:
        said = "Split by load: more to whoever has fewer pending tasks in this evaluation"
    elif rule.by_load:
        said = (
            ":grey_question: I could not read the evaluation's task list, so I could not "
            "weigh the loads: split evenly"
        )
    else:
        said = "Split evenly"
    if rule.cap is not None:
        said += f", at most {rule.cap:,} each"
    said += "."
    if split.left:
        shown = _some_ids(split.left_ids, split.left)
        said += (
            f"\n:warning: {md.plural(split.left, 'task')} {'stays' if split.left == 1 else 'stay'}"
            f" unassigned (the cap): {shown}"
        )
    return said


def _why(split: SplitNote | None, index: int, size: int) -> str:
    """Why this share has its size: the person's pending tasks before, and the cap if it bit."""
    if split is None:
        return ""
    reasons = []
    if split.loads is not None and index < len(split.loads):
        reasons.append(f"has {md.plural(split.loads[index], 'pending task')} here now")
    if split.rule.cap is not None and size >= split.rule.cap:
        reasons.append(f"capped at {split.rule.cap:,}")
    return f" ({'; '.join(reasons)})" if reasons else ""


def _request_text(confirmation: Confirmation) -> str:
    """Which evaluation, how many tasks, what was dropped and how they were picked."""
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
    return "\n".join(lines)


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


def assigning_blocks(
    confirmation: Confirmation, done: int | None = None, wait: PlatformWait | None = None
) -> Blocks:
    """ "Assigning..." and, once known, how far: "Assigning... 3,000 / 8,000"; with `wait`,
    how long the platform asked the bot to wait, and when it goes on."""
    tasks = md.plural(confirmation.task_count, "task")
    count = tasks if done is None else f"{done:,} / {tasks}"
    said = (
        f":hourglass_flowing_sand: Assigning... {count} "
        f"of evaluation {md.code(confirmation.evaluation_id)}."
    )
    if wait is not None:
        said += f"\n:double_vertical_bar: {wait_text(wait, local=True)}."
    return render([section_block(said)])


@dataclass(frozen=True)
class PlatformWait:
    """A wait the platform asked for (Retry-After): its length, and when the bot goes on."""

    seconds: float
    until: datetime


def wait_text(wait: PlatformWait, *, local: bool = False) -> str:
    """ "the platform asked to wait 2 min; going on at 14:05 UTC" (`local`: each reader's
    own time, with UTC for clients that cannot show it)."""
    short = wait.seconds < 60
    utc = wait.until.astimezone(UTC).strftime("%H:%M:%S UTC" if short else "%H:%M UTC")
    at = utc
    if local:
        token = "{time_secs}" if short else "{time}"
        at = f"<!date^{int(wait.until.timestamp())}^{token}|{utc}>"
    return f"the platform asked to wait {duration_text(wait.seconds)}; going on at {at}"


def duration_text(seconds: float) -> str:
    """A wait as a person says it: "3 s", "2 min", "1 h 5 min" (rounded up)."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes = math.ceil(whole / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def cancelled_blocks(confirmation: Confirmation) -> Blocks:
    return render(
        [
            section_block(
                f"Cancelled: nothing was assigned ({md.plural(confirmation.task_count, 'task')} "
                f"of evaluation {md.code(confirmation.evaluation_id)})."
            )
        ]
    )
