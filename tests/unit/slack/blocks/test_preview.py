"""The preview a requester confirms, and the states it turns into."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.core.confirmation import Assignee, Share
from bot.core.query import UNCHECKED, NextTasks, TaskChecks, UnassignedTasks
from bot.slack import blocks
from bot.slack.blocks import modals
from bot.slack.ui_ids import Action
from tests.unit.factories import NOW, confirmation
from tests.unit.slack.block_kit import assert_valid_message, assert_valid_view


def dump(built: object) -> str:
    return json.dumps(built)


def test_preview_has_primary_confirm_and_cancel() -> None:
    request = confirmation(("user-a", "UA", [f"t{i}" for i in range(30)]), dropped=2)
    built = blocks.preview_blocks(request, "tok123")
    assert_valid_message(built)
    [actions] = [b for b in built if b["type"] == "actions"]
    confirm, cancel = actions["elements"]
    assert (confirm["action_id"], confirm["style"], confirm["value"]) == (
        Action.CONFIRM,
        "primary",
        "tok123",
    )
    assert (cancel["action_id"], cancel["text"]["text"]) == (Action.CANCEL, "Cancel")
    text = dump(built)
    assert "30 tasks" in text and "2 duplicate ids" in text and "and 20 more" in text
    assert "<@UA>" in text and "`user-a`" in text and "<!date^" in text


def test_preview_for_many_assignees_stays_within_limits() -> None:
    shares = [(f"user-{i}", f"U{i}", [f"t{i}"]) for i in range(60)]
    assert_valid_message(blocks.preview_blocks(confirmation(*shares), "tok"))


def test_dates_render_in_the_readers_time_zone() -> None:
    request = confirmation(("user-a", None, ["t1"]))
    stamp = int((NOW + timedelta(minutes=15)).timestamp())
    assert f"<!date^{stamp}^" in dump(blocks.preview_blocks(request, "tok"))


def test_assigning_and_cancelled_are_valid() -> None:
    request = confirmation(("user-a", None, ["t1"]))
    for built in (blocks.assigning_blocks(request), blocks.cancelled_blocks(request)):
        assert_valid_message(built)
    assert "3,000 / 1 task" in dump(blocks.assigning_blocks(request, done=3000))


def test_preview_names_the_query_and_how_many_it_found() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2"])).model_copy(
        update={"query": NextTasks(count=5), "checks": TaskChecks()}
    )
    built = blocks.preview_blocks(request, "tok")
    assert_valid_message(built)
    text = dump(built)
    assert "the next 5 pending, unassigned tasks (only 2 found)" in text
    assert ":warning:" not in text and "could not" not in text

    every = request.model_copy(update={"query": UnassignedTasks()})
    assert "every pending, unassigned task" in dump(blocks.preview_body(every))


def test_preview_warns_about_completed_and_already_assigned_tasks() -> None:
    checks = TaskChecks(
        completed=3,
        completed_ids=("c1", "c2", "c3"),
        assigned_elsewhere=12,
        assigned_elsewhere_ids=tuple(f"a{i}" for i in range(12)),
    )
    request = confirmation(("user-a", "UA", [f"t{i}" for i in range(40)])).model_copy(
        update={"checks": checks}
    )
    built = blocks.preview_blocks(request, "tok")
    assert_valid_message(built)
    text = dump(built)
    assert "12 of these are already assigned to someone else; 3 are completed" in text
    assert "`a9` and 2 more" in text and "`c3`" in text
    view = modals.preview_view(request, "tok")
    assert_valid_view(view)
    assert "12 of these are already assigned" in dump(view)


def test_preview_says_when_it_could_not_check() -> None:
    request = confirmation(("user-a", "UA", ["t1"])).model_copy(update={"checks": UNCHECKED})
    built = blocks.preview_blocks(request, "tok")
    assert_valid_message(built)
    assert "could not read the evaluation's task list" in dump(built)
    unasked = confirmation(("user-a", "UA", ["t1"]))  # checks None: an older confirmation
    assert "task list" not in dump(blocks.preview_blocks(unasked, "tok"))


def test_preview_says_who_was_matched_by_email() -> None:
    request = confirmation(("user-a", "UA", ["t1"]), ("user-b", "UB", ["t2"]))
    shares = (
        request.shares[0],
        Share(
            assignee=Assignee(platform_user_id="user-b", slack_user_id="UB", matched_by_email=True),
            task_ids=("t2",),
        ),
    )
    built = blocks.preview_blocks(request.model_copy(update={"shares": shares}), "tok")
    assert_valid_message(built)
    lines = [b["text"]["text"] for b in built if b["type"] == "section"]
    [alice] = [line for line in lines if "<@UA>" in line]
    [bob] = [line for line in lines if "<@UB>" in line]
    assert "matched by email" not in alice and "matched by email" in bob
