"""The App Home tab: a person's open tasks, and for a lead their jobs, waiting previews and
evaluations. At most 100 blocks a view, so the content is cut into pages between items, with
Previous / Next buttons that publish the neighbouring page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import quote

from slack_sdk.models.blocks import Block, ButtonElement
from slack_sdk.models.views import View as SlackView

from bot.core.home import (
    EvaluationProgress,
    EvaluationTasks,
    HomeData,
    JobView,
    OpenTask,
    PendingView,
    paginate,
    time_left,
)
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import (
    actions_block,
    button_element,
    context_block,
    header_block,
    pack_lines,
    section_block,
)

HOME_PAGE: Final = "assign_home_page"
HOME_RETRY: Final = "assign_home_retry"
HOME_UNDO: Final = "assign_home_undo"
HOME_CONFIRM: Final = "assign_home_confirm"
HOME_CANCEL: Final = "assign_home_cancel"
#: Task lines per section: short enough that a page break falls between a few dozen tasks.
TASKS_PER_SECTION: Final = 25
_STATES: Final = {
    "queued": ":hourglass_flowing_sand: queued",
    "given_up": ":x: given up",
    "assigned": ":white_check_mark: assigned",
    "partial": ":warning: partly assigned",
    "failed": ":x: nothing assigned",
}

Item = list[Block]


def home_view(data: HomeData, page: int = 0, notice: str | None = None) -> dict[str, Any]:
    """The Home as `views.publish` takes it: page `page` (clamped) of the content."""
    items = _items(data)
    pages = paginate([len(item) for item in items])
    page = min(max(page, 0), len(pages) - 1)
    first, end = pages[page]
    content: list[Block] = []
    if notice:
        content.append(section_block(notice))
    for item in items[first:end]:
        content.extend(item)
    if len(pages) > 1:
        content.extend(_paging(page, len(pages)))
    content.append(context_block(f"Updated {md.date(data.now)}. Open this tab again to refresh."))
    view = SlackView(type="home", blocks=content, private_metadata=str(page))
    return view.to_dict()


def _items(data: HomeData) -> list[Item]:
    items: list[Item] = [[header_block("Your tasks")]]
    items.extend(_task_items(data))
    if data.is_lead:
        if data.pending:
            items.append([header_block("Waiting for your Confirm")])
            items.extend(_pending_item(view, index) for index, view in enumerate(data.pending))
        if data.jobs:
            items.append([header_block("Your recent assignments")])
            items.extend(_job_item(view, index) for index, view in enumerate(data.jobs))
        if data.evaluations:
            items.append([header_block("Evaluations you assigned in")])
            items.extend(_progress_item(progress, data.app_host) for progress in data.evaluations)
    return items


def _task_items(data: HomeData) -> list[Item]:
    if not data.tasks:
        return [[section_block("No open tasks from the bot right now.")]]
    items: list[Item] = []
    for group in data.tasks:
        items.extend(_group_items(group, data))
    return items


def _group_items(group: EvaluationTasks, data: HomeData) -> list[Item]:
    """One evaluation's open tasks: its title, then the tasks a few dozen to a section."""
    name = md.link(_evaluation_url(data.app_host, group.evaluation_id), group.evaluation_id)
    if not group.read:
        text = f"*{name}*: :grey_question: I could not read its tasks from the platform just now."
        return [[section_block(text)]]
    title = f"*{name}*: {md.plural(len(group.tasks), 'open task')}"
    lines = [_task_line(data, group.evaluation_id, task) for task in group.tasks]
    sections = [
        section_block(text)
        for start in range(0, len(lines), TASKS_PER_SECTION)
        for text in pack_lines(lines[start : start + TASKS_PER_SECTION], md.SECTION_TEXT_LIMIT)
    ]
    first: Item = [section_block(title), *sections[:1]]
    rest: list[Item] = [[section] for section in sections[1:]]
    return [first, *rest]


def _task_line(data: HomeData, evaluation_id: str, task: OpenTask) -> str:
    url = _evaluation_url(data.app_host, evaluation_id) + "/tasks/" + quote(task.id, safe="")
    status = f" · {md.escape(str(task.status))}" if task.status else ""
    return f"• {md.link(url, task.id)} · {time_left(task.expires_at, data.now)}{status}"


def _pending_item(view: PendingView, index: int) -> Item:
    confirmation = view.confirmation
    text = (
        f"{md.plural(confirmation.task_count, 'task')} of {md.code(confirmation.evaluation_id)} "
        f"to {md.plural(len(confirmation.shares), 'person', 'people')}; "
        f"expires {md.date(confirmation.expires_at)}."
    )
    buttons = actions_block(
        f"assign_home_pending_{index}",
        button_element("Confirm", HOME_CONFIRM, view.token, style="primary"),
        button_element("Cancel", HOME_CANCEL, view.token),
    )
    return [section_block(text), buttons]


def _job_item(view: JobView, index: int) -> Item:
    entry = view.entry
    where = md.link(entry.permalink, "summary") if entry.permalink else "no summary posted"
    if entry.phase == "done":
        counted = f"{entry.assigned:,} of {md.plural(entry.requested, 'task')}"
        when = f"{md.date(entry.finished_at)} · {where}"
    else:
        counted = md.plural(entry.requested, "task")
        when = f"submitted {md.date(entry.finished_at)}"
    state = _STATES[entry.state]
    if view.done is not None:
        state = f":arrows_counterclockwise: assigning {view.done:,} / {entry.requested:,}"
    text = (
        f"{state}: {counted} of {md.code(entry.evaluation_id)} to "
        f"{md.plural(len(entry.assignees), 'person', 'people')} · {when}"
    )
    buttons: list[ButtonElement] = []
    if view.retry_available:
        buttons.append(button_element("Retry failed", HOME_RETRY, entry.job_id))
    if view.undo_available and entry.undo_id:
        buttons.append(button_element("Undo", HOME_UNDO, entry.job_id))
    if not buttons:
        return [section_block(text)]
    return [section_block(text), actions_block(f"assign_home_job_{index}", *buttons)]


def _progress_item(progress: EvaluationProgress, app_host: str) -> Item:
    evaluation_id = progress.evaluation_id
    name = md.link(_evaluation_url(app_host, evaluation_id), evaluation_id)
    overview = progress.overview
    if overview is None:
        return [section_block(f"*{name}*: progress unknown (the platform did not answer).")]
    facts = []
    if overview.name:
        facts.append(md.escape(md.truncate(overview.name, 150)))
    if overview.status:
        facts.append(f"status *{md.escape(overview.status)}*")
    done, total = overview.completed_test_case_result_count, overview.total_test_case_result_count
    if done is not None and total:
        facts.append(f"{done:,} of {total:,} results completed ({100 * done // total}%)")
    return [section_block(f"*{name}*: " + (" · ".join(facts) or "no figures yet"))]


def _paging(page: int, pages: int) -> Sequence[Block]:
    buttons = []
    if page > 0:
        buttons.append(button_element("Previous", HOME_PAGE, str(page - 1)))
    if page < pages - 1:
        buttons.append(button_element("Next", HOME_PAGE + "_next", str(page + 1)))
    return [
        context_block(f"Page {page + 1} of {pages}"),
        actions_block("assign_home_pages", *buttons),
    ]


def _evaluation_url(app_host: str, evaluation_id: str) -> str:
    return f"https://{app_host}/evaluations/{quote(evaluation_id, safe='')}"
