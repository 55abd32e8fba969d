"""The App Home's pure parts: time left, open tasks, the summary's thread, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.home import PAGE_BLOCKS, open_tasks, paginate, summary_ts, time_left
from bot.core.tasks import ListedTask

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        (timedelta(minutes=40), "40 min left"),
        (timedelta(hours=5, minutes=59), "5 h left"),
        (timedelta(days=3, hours=2), "3 d left"),
        (timedelta(minutes=-90), "lapsed 1 h ago"),
        (timedelta(seconds=10), "1 min left"),
    ],
)
def test_time_left(delta: timedelta, said: str) -> None:
    assert time_left(NOW + delta, NOW) == said


def test_no_expiry_is_said() -> None:
    assert time_left(None, NOW) == "no expiry"


def test_open_tasks_are_the_given_ones_still_held_and_pending_soonest_first() -> None:
    soon, later = NOW + timedelta(hours=1), NOW + timedelta(hours=9)
    listed = [
        ListedTask(id="a", assignee_id="p1", status="PENDING", assignment_expires_at=later),
        ListedTask(id="b", assignee_id="p1", status="PENDING", assignment_expires_at=soon),
        ListedTask(id="c", assignee_id="p1", status="COMPLETED"),
        ListedTask(id="d", assignee_id="p2", status="PENDING"),  # reassigned to someone else
        ListedTask(id="e", assignee_id="p1", status="PENDING"),  # not given by the bot
        ListedTask(id="f", assignee_id="p1", status="PENDING_REDO"),
    ]
    found = open_tasks(listed, {"p1"}, {"a", "b", "c", "d", "f"})
    assert [task.id for task in found] == ["b", "a", "f"]


@pytest.mark.parametrize(
    ("permalink", "ts"),
    [
        ("https://x.slack.com/archives/C1/p1700000000000123", "1700000000.000123"),
        ("https://x.slack.com/archives/C1/p1700000000000123?thread_ts=1.2", "1700000000.000123"),
        ("https://x.slack.com/archives/C1", None),
        (None, None),
    ],
)
def test_summary_ts(permalink: str | None, ts: str | None) -> None:
    assert summary_ts(permalink) == ts


def test_pages_never_split_an_item_nor_pass_the_limit() -> None:
    sizes = [1, 2, 2, 1, 2, 2]
    assert paginate(sizes, limit=4) == [(0, 2), (2, 4), (4, 6)]
    assert paginate([], limit=4) == [(0, 0)]
    pages = paginate([2] * 200)
    assert all(sum([2] * (end - start)) <= PAGE_BLOCKS for start, end in pages)
    assert pages[0][0] == 0 and pages[-1][1] == 200
