"""The digest and the stalled-work message: valid Block Kit, capped, escaped, with their buttons."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.core.reminders import (
    Digest,
    EvaluationDigest,
    JobWatch,
    StalledWork,
    Tracked,
    WatchedTask,
)
from bot.slack.blocks import reminders
from bot.slack.ui_ids import Action
from tests.unit.slack.block_kit import assert_valid_message

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
HOST = "app.sgp.scale.com"


def test_a_digest_groups_by_evaluation_with_links_counts_and_time_left() -> None:
    parts = tuple(
        EvaluationDigest(
            f"ev{e}",
            tuple(
                Tracked(f"ev{e}", f"t{i}", "p1", NOW + timedelta(hours=3 + i)) for i in range(60)
            ),
        )
        for e in range(45)
    )
    blocks = reminders.digest_blocks(Digest("UALICE", parts, NOW), HOST)
    assert_valid_message(blocks)
    seen = json.dumps(blocks)
    assert "2,700 tasks" in seen and "60 open tasks" in seen
    assert "expires in 3 h" in seen and "and 40 more" in seen and "5 more evaluations" in seen
    assert f"<https://{HOST}/evaluations/ev0/tasks/t0|t0>" in seen
    assert reminders.digest_text(Digest("UALICE", parts[:1], NOW)).startswith(
        "Reminder: 60 tasks still open; the first expires in 3 h"
    )


def work(others: bool) -> StalledWork:
    alice = [
        WatchedTask(
            task_id=f"t{i}",
            platform_user_id="p-a",
            slack_user_id="UALICE",
            expires_at=NOW - timedelta(hours=1),
        )
        for i in range(3)
    ]
    bob = [WatchedTask(task_id="t9", platform_user_id="p-b", expires_at=NOW)] if others else []
    watch = JobWatch(
        job_id="job_abcdefghijklmnop",
        team_id="T1",
        requester_id="ULEAD",
        channel_id="C1",
        thread_ts="1.1",
        evaluation_id="ev<1>",
        tasks=tuple(alice + bob),
    )
    return StalledWork(watch=watch, stalled=tuple(alice))


def test_the_stalled_message_names_who_holds_what_and_offers_the_split_only_with_others() -> None:
    blocks = reminders.stalled_blocks(work(others=True), NOW, HOST)
    assert_valid_message(blocks)
    seen = json.dumps(blocks)
    assert "<@ULEAD>" in seen and "<@UALICE>" in seen and "overdue by 1 h" in seen
    assert "ev&lt;1&gt;" in seen, "ids are escaped"
    actions = [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]
    assert actions == [Action.STALLED_REMIND, Action.STALLED_REASSIGN, Action.STALLED_SPLIT]
    alone = reminders.stalled_blocks(work(others=False), NOW, HOST)
    assert Action.STALLED_SPLIT not in json.dumps(alone)
