"""Reminders' pure rules, table-tested against a fixed clock: windows, quiet hours, stalling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core import reminders as core
from bot.core.reminders import Tracked
from bot.core.tasks import ListedTask

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def task(task_id: str, hours: float, evaluation: str = "ev1", user: str = "p1") -> Tracked:
    return Tracked(evaluation, task_id, user, NOW + timedelta(hours=hours))


@pytest.mark.parametrize(
    ("hours", "covered_hours", "due"),
    [
        (30, None, False),  # expires in 30 h: the 24 h window opens in 6 h
        (24, None, True),  # exactly 24 h ahead: due now
        (3, None, True),
        (3, 4, False),  # an earlier digest covered it already
        (-1, None, False),  # already expired: the lead's business, not a reminder
    ],
)
def test_an_evaluation_is_due_within_the_window_once(
    hours: float, covered_hours: float | None, due: bool
) -> None:
    covered = {} if covered_hours is None else {"ev1": NOW + timedelta(hours=covered_hours)}
    found = core.due_evaluations([task("t1", hours)], covered, NOW, DAY)
    assert ("ev1" in found) is due


def test_after_a_digest_the_next_waits_for_a_task_expiring_later_than_it_covered() -> None:
    tasks = [task("t1", 3), task("t2", 10), task("t3", 40)]
    covered = {"ev1": core.covers_until(NOW, DAY)}
    assert core.due_evaluations(tasks, covered, NOW, DAY) == {}
    assert core.next_due(tasks, covered, NOW, DAY) == NOW + timedelta(hours=40) - DAY


def test_next_due_is_the_earliest_window_of_all_evaluations() -> None:
    tasks = [task("a", 50, "ev1"), task("b", 30, "ev2")]
    assert core.next_due(tasks, {}, NOW, DAY) == NOW + timedelta(hours=6)
    assert core.next_due([task("a", -2)], {}, NOW, DAY) is None


@pytest.mark.parametrize(
    ("status", "assignee", "listed", "kept"),
    [
        ("PENDING", "p1", True, True),
        ("PENDING_REDO", "p1", True, True),
        ("SOMETHING_NEW", "p1", True, True),
        ("COMPLETED", "p1", True, False),
        ("FIXED", "p1", True, False),
        ("PENDING", "p2", True, False),  # reassigned
        ("PENDING", None, False, False),  # gone from the evaluation
    ],
)
def test_only_open_tasks_still_with_the_person_count(
    status: str, assignee: str | None, listed: bool, kept: bool
) -> None:
    listing = [ListedTask(id="t1", assignee_id=assignee, status=status)] if listed else []
    assert bool(core.still_open([task("t1", 5)], listing)) is kept


def test_the_listings_expiry_wins_over_the_one_remembered() -> None:
    renewed = NOW + timedelta(days=3)
    listing = [
        ListedTask(id="t1", assignee_id="p1", status="PENDING", assignment_expires_at=renewed)
    ]
    assert core.still_open([task("t1", 5)], listing)[0].expires_at == renewed


PARIS = ZoneInfo("Europe/Paris")  # UTC+1 in March before the 30th


@pytest.mark.parametrize(
    ("utc", "zone", "sent_at"),
    [
        (datetime(2025, 3, 10, 12, 0, tzinfo=UTC), PARIS, None),  # 13:00 local: now
        (datetime(2025, 3, 10, 19, 59, tzinfo=UTC), PARIS, None),  # 20:59 local: now
        (datetime(2025, 3, 10, 20, 0, tzinfo=UTC), PARIS, datetime(2025, 3, 11, 7, tzinfo=UTC)),
        (datetime(2025, 3, 11, 3, 0, tzinfo=UTC), PARIS, datetime(2025, 3, 11, 7, tzinfo=UTC)),
        (datetime(2025, 3, 11, 7, 0, tzinfo=UTC), PARIS, None),  # 08:00 local sharp
        # An offset only (no zone name known): 23:30 at UTC-5 waits for 08:00 at UTC-5.
        (
            datetime(2025, 3, 11, 4, 30, tzinfo=UTC),
            timezone(timedelta(hours=-5)),
            datetime(2025, 3, 11, 13, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_push_a_digest_to_eight_in_the_morning(
    utc: datetime, zone: timezone | ZoneInfo, sent_at: datetime | None
) -> None:
    assert core.in_quiet_hours(utc, zone) is (sent_at is not None)
    assert core.after_quiet_hours(utc, zone) == (sent_at or utc)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(hours=3, minutes=20), "3 h 20 min"),
        (timedelta(days=2, hours=4), "2 days 4 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(seconds=20), "1 min"),
        (-timedelta(hours=1), "overdue by 1 h"),
    ],
)
def test_time_left_reads_as_a_person_says_it(delta: timedelta, words: str) -> None:
    assert core.time_left(NOW + delta, NOW) == words


@pytest.mark.parametrize(
    ("permalink", "thread", "expected"),
    [
        ("https://x.slack.com/archives/C1/p1700000000000100", None, "1700000000.000100"),
        (
            "https://x.slack.com/archives/C1/p1700000000000100?thread_ts=1",
            None,
            "1700000000.000100",
        ),
        (
            "https://x.slack.com/archives/C1/p1700000000000100",
            "1690000000.000001",
            "1690000000.000001",
        ),
        (None, None, None),
        ("https://x.slack.com/archives/C1", None, None),
    ],
)
def test_the_summary_thread_comes_from_the_request_or_the_permalink(
    permalink: str | None, thread: str | None, expected: str | None
) -> None:
    assert core.summary_thread(permalink, thread) == expected


def test_stalled_work_is_what_passed_or_nears_its_expiry() -> None:
    tasks = [task("late", -1), task("soon", 2), task("later", 30)]
    assert [t.task_id for t in core.stalled(tasks, NOW, DAY)] == ["late", "soon"]
    assert [t.task_id for t in core.stalled(tasks, NOW, timedelta(0))] == ["late"]
