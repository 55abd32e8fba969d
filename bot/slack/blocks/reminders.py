"""An annotator's reminder digest, and the lead's stalled-work message with its three buttons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from slack_sdk.models.blocks import Block

from bot.core.reminders import Digest, EvaluationDigest, StalledWork, WatchedTask, time_left
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import (
    Blocks,
    actions_block,
    button_element,
    context_block,
    render,
    section_block,
)
from bot.slack.ui_ids import Action
from bot.slack.ui_ids import Block as BlockId

#: Task links listed per evaluation or person; the rest are counted.
LINKS_SHOWN = 20
#: Evaluations (digest) or people (stalled work) listed one by one.
PARTS_SHOWN = 40


def task_url(app_host: str, evaluation_id: str, task_id: str) -> str:
    """The task on the platform's app (the shape the bot reads back in links)."""
    return f"https://{app_host}/evaluations/{quote(evaluation_id)}/tasks/{quote(task_id)}"


def _links(app_host: str, evaluation_id: str, task_ids: Sequence[str]) -> str:
    shown = [md.link(task_url(app_host, evaluation_id, t), t) for t in task_ids[:LINKS_SHOWN]]
    rest = len(task_ids) - LINKS_SHOWN
    return " · ".join(shown) + (f" and {rest:,} more" if rest > 0 else "")


def when(expiry: datetime, now: datetime) -> str:
    """`expires in 3 h` or `is overdue by 20 min`."""
    left = time_left(expiry, now)
    return f"is {left}" if expiry < now else f"expires in {left}"


def digest_text(digest: Digest) -> str:
    """The notification: how many tasks, and how soon the first expires."""
    earliest = min(part.earliest for part in digest.parts)
    return (
        f"Reminder: {md.plural(digest.count, 'task')} still open; the first "
        f"{when(earliest, digest.now)}"
    )


def digest_blocks(digest: Digest, app_host: str) -> Blocks:
    """One DM: per evaluation the count, the time left before the first expiry, the links."""
    models: list[Block] = [
        section_block(
            f":alarm_clock: You have {md.plural(digest.count, 'task')} assigned through "
            f"`/assign` that {'is' if digest.count == 1 else 'are'} still open."
        )
    ]
    for part in digest.parts[:PARTS_SHOWN]:
        models.append(section_block(_part_text(part, digest.now, app_host)))
    hidden = len(digest.parts) - PARTS_SHOWN
    if hidden > 0:
        models.append(context_block(f"…and {md.plural(hidden, 'more evaluation')}."))
    models.append(
        context_block(
            "Counted from the platform's task status just now: completed tasks are left out."
        )
    )
    return render(models)


def _part_text(part: EvaluationDigest, now: datetime, app_host: str) -> str:
    earliest = part.earliest
    return (
        f"*Evaluation {md.code(part.evaluation_id)}*: {md.plural(len(part.tasks), 'open task')}, "
        f"the first {when(earliest, now)} ({md.date(earliest)})\n"
        + _links(app_host, part.evaluation_id, [task.task_id for task in part.tasks])
    )


def stalled_text(work: StalledWork) -> str:
    return (
        f"{md.plural(len(work.stalled), 'task')} of this assignment "
        f"{'is' if len(work.stalled) == 1 else 'are'} still pending at expiry"
    )


def stalled_blocks(work: StalledWork, now: datetime, app_host: str) -> Blocks:
    """The lead's message in the summary's thread: who holds what, and what to do about it."""
    watch = work.watch
    models: list[Block] = [
        section_block(
            f":hourglass: {md.user(watch.requester_id)}, {md.plural(len(work.stalled), 'task')} "
            f"of evaluation {md.code(watch.evaluation_id)} "
            f"{'is' if len(work.stalled) == 1 else 'are'} still pending at or near expiry:"
        )
    ]
    holders: dict[str, list[WatchedTask]] = defaultdict(list)
    for task in work.stalled:
        holders[task.platform_user_id].append(task)
    for tasks in list(holders.values())[:PARTS_SHOWN]:
        models.append(section_block(_holder_text(tasks, watch.evaluation_id, now, app_host)))
    buttons = [
        button_element("Remind again", Action.STALLED_REMIND, watch.job_id),
        button_element("Reassign to...", Action.STALLED_REASSIGN, watch.job_id),
    ]
    if work.others:
        buttons.append(
            button_element("Give to the others in the split", Action.STALLED_SPLIT, watch.job_id)
        )
    models.append(actions_block(BlockId.STALLED_ACTIONS, *buttons))
    models.append(
        context_block(
            "From the platform's task status. Reassigning shows a preview first; "
            f"{md.user(watch.requester_id)} or an admin can use these buttons."
        )
    )
    return render(models)


def _holder_text(tasks: list[WatchedTask], evaluation_id: str, now: datetime, host: str) -> str:
    first = tasks[0]
    who = (
        f"{md.user(first.slack_user_id)} (platform user {md.code(first.platform_user_id)})"
        if first.slack_user_id
        else f"platform user {md.code(first.platform_user_id)}"
    )
    earliest = min(task.expires_at for task in tasks)
    return f"*{who}*: {md.plural(len(tasks), 'task')}, the first {when(earliest, now)}\n" + _links(
        host, evaluation_id, [task.task_id for task in tasks]
    )
