"""The App Home through signed requests: an annotator's open tasks, a lead's jobs, previews and
evaluations, the buttons on it, and paging past 100 blocks."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from bot.slack.blocks import home as home_blocks
from bot.slack.blocks.home import HOME_CONFIRM, HOME_PAGE, HOME_RETRY, HOME_UNDO
from bot.slack.ui_ids import Action
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.test_assign_command import ALICE, BOB, preview_for, text_of


def home_of(bot: Bot, user: str, seen: int = 0, expect: str = "") -> dict[str, Any]:
    """The first Home published for `user` after `seen` earlier publications to them that
    shows `expect` (a job's own refresh may be published in between)."""

    def published() -> list[dict[str, Any]]:
        return [
            dict(call.args["view"])
            for call in bot.slack.calls_to("views.publish")
            if call.args.get("user_id") == user
        ]

    views = bot.slack.wait_for(
        lambda: [v for v in published()[seen:] if expect in shown(v)],
        what=f"the App Home of {user} showing {expect!r}",
    )
    view: dict[str, Any] = views[0]
    assert view["type"] == "home"
    assert 0 < len(view["blocks"]) <= 100
    return view


def publications(bot: Bot, user: str) -> int:
    return len([c for c in bot.slack.calls_to("views.publish") if c.args.get("user_id") == user])


def open_home(bot: Bot, user: str, expect: str = "") -> dict[str, Any]:
    seen = publications(bot, user)
    event = {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home"}
    response, _ = bot.sender.event(event)
    assert response.status_code == 200
    return home_of(bot, user, seen, expect)


def click_home(
    bot: Bot, user: str, action_id: str, value: str, page: int = 0, expect: str = ""
) -> dict[str, Any]:
    seen = publications(bot, user)
    payload = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": "1.2.3",
        "view": {"id": "VHOME", "type": "home", "private_metadata": str(page), "blocks": []},
        "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}],
    }
    assert bot.sender.interaction(payload).status_code == 200
    return home_of(bot, user, seen, expect)


def shown(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def buttons(view: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in view["blocks"]
        for element in block.get("elements", [])
        if element.get("type") == "button"
    }


def assign(bot: Bot, text: str) -> None:
    """Preview and confirm as the lead; return once the result is on their message."""
    _, token = preview_for(bot, text)
    _, key = bot.sender.click(Action.CONFIRM, token)
    bot.slack.wait_for(
        lambda: (found := bot.slack.posts_to(key)) and "Assigned" in text_of(found[-1]),
        what="the result",
    )


def test_an_annotator_sees_their_open_tasks_with_time_left_and_links(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_1", ["t1", "t2", "t3", "t4"])
    bot.link(ALICE, "user-alice")
    assign(bot, f"eval_1 t1 t2 t3 to <@{ALICE}>")
    after_job = home_of(bot, ALICE, expect="open task")  # published when the job was reported
    text = shown(after_job)
    for task in ("t1", "t2", "t3"):
        assert f"https://app.sgp.scale.com/evaluations/eval_1/tasks/{task}|{task}>" in text
    assert "t4" not in text
    assert "3 open tasks" in text and "h left" in text
    assert "Your recent assignments" not in text  # an annotator sees no lead sections

    listings = len(bot.sgp.listing_calls("test-case-results"))
    assert "3 open tasks" in shown(open_home(bot, ALICE))
    assert len(bot.sgp.listing_calls("test-case-results")) == listings, "cached briefly"

    bot.sgp.set_status("eval_1", ["t3"], "COMPLETED")
    bot.runtime.usecases.home.tasks_seconds = 0
    bot.in_store(lambda store: store.redis.delete(store.key("home", "cache", "T1", ALICE)))
    text = shown(open_home(bot, ALICE))
    assert "2 open tasks" in text and "tasks/t3|" not in text  # read from the platform again
    bot.settle()


def test_a_lead_sees_jobs_previews_and_progress_and_acts_from_there(bot: Bot) -> None:
    bot.sgp.add_evaluation("eval_1", name="Helpfulness")
    bot.sgp.add_tasks("eval_1", ["t1", "t2"], assigned_to="user-bob")
    bot.sgp.add_tasks("eval_1", ["t3", "t4"])
    bot.link(ALICE, "user-alice")
    bot.link(BOB, "user-bob")
    assign(bot, f"eval_1 t1 t2 to <@{ALICE}>")  # Bob had them: Undo puts them back
    home_of(bot, LEAD)  # the job's own refresh
    preview_for(bot, f"eval_1 t3 to <@{ALICE}>")  # waits for Confirm
    view = open_home(bot, LEAD)
    text = shown(view)
    assert "Waiting for your Confirm" in text and "1 task of `eval_1`" in text
    assert "Your recent assignments" in text and "2 of 2 tasks of `eval_1`" in text
    assert "/archives/CCHAN/p" in text  # the summary's link
    assert "Helpfulness" in text and "results completed" in text
    found = buttons(view)
    assert {HOME_CONFIRM, HOME_UNDO} <= set(found)

    view = click_home(bot, LEAD, HOME_UNDO, found[HOME_UNDO], expect="Undone")
    assert "Undone: 2 of 2 tasks went back" in shown(view)
    assert bot.sgp.task("eval_1", "t1")["assigned_to"] == "user-bob"
    assert HOME_UNDO not in buttons(view)

    seen = publications(bot, LEAD)
    view = click_home(bot, LEAD, HOME_CONFIRM, found[HOME_CONFIRM], expect="Assigning")
    assert "Assigning 1 task of `eval_1`" in shown(view)
    home_of(bot, LEAD, seen, expect="1 of 1 task of `eval_1`")  # the job ran, and refreshed it
    assert bot.sgp.task("eval_1", "t3")["assigned_to"] == "user-alice"
    again = click_home(bot, LEAD, HOME_CONFIRM, found[HOME_CONFIRM], expect=":warning:")
    assert "already confirmed" in shown(again)  # a second click is told, on the Home
    assert "Waiting for your Confirm" not in shown(again)
    bot.settle()


def test_more_than_a_page_is_paged(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home_blocks, "TASKS_PER_SECTION", 1)  # one block a task: 130 blocks
    ids = [f"t{i:03d}" for i in range(130)]
    bot.sgp.add_tasks("eval_1", ids)
    bot.link(ALICE, "user-alice")
    assign(bot, f"eval_1 {' '.join(ids)} to <@{ALICE}>")
    home_of(bot, ALICE)  # the job's own refresh
    first = open_home(bot, ALICE)
    assert "Page 1 of 2" in shown(first)
    assert HOME_PAGE not in buttons(first)  # no Previous on the first page
    second = click_home(
        bot, ALICE, HOME_PAGE + "_next", buttons(first)[HOME_PAGE + "_next"], expect="Page 2"
    )
    on_first = {i for i in ids if f"tasks/{i}|" in shown(first)}
    on_second = {i for i in ids if f"tasks/{i}|" in shown(second)}
    assert on_first and on_second and not on_first & on_second
    assert on_first | on_second == set(ids)
    back = click_home(bot, ALICE, HOME_PAGE, buttons(second)[HOME_PAGE], page=1)
    assert "Page 1 of 2" in shown(back) and HOME_PAGE not in buttons(back)
    bot.settle()


def home_until(bot: Bot, user: str, seen_when: Callable[[str], bool], what: str) -> str:
    """Open the Home again and again until what it shows satisfies `seen_when`."""
    deadline = time.monotonic() + 10
    while True:
        text = shown(open_home(bot, user))
        if seen_when(text):
            return text
        assert time.monotonic() < deadline, f"the App Home never showed {what}: {text}"


def test_a_lead_sees_a_job_queued_and_running_before_its_outcome(bot_factory: Any) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=1, ASSIGN_CONCURRENCY=1)
    bot.sgp.latency_per_request = 0.3  # four chunks one after another: about 1.2 s of work
    bot.sgp.add_tasks("eval_1", ["t1", "t2", "t3", "t4"])
    bot.link(ALICE, "user-alice")
    _, token = preview_for(bot, f"eval_1 t1 t2 t3 t4 to <@{ALICE}>")
    bot.sender.click(Action.CONFIRM, token)
    first = home_until(bot, LEAD, lambda text: "4 tasks of `eval_1`" in text, "the job")
    assert "submitted" in first and ("queued" in first or "assigning" in first)
    assert "assigned: 4 of 4" not in first
    running = home_until(
        bot, LEAD, lambda text: "assigning" in text or "assigned: 4 of 4" in text, "progress"
    )
    assert re.search(r"assigning [123] / 4: 4 tasks of `eval_1`", running), running
    done = home_of(bot, LEAD, expect="assigned: 4 of 4")  # the job's own refresh
    assert "submitted" not in shown(done) and "/archives/CCHAN/p" in shown(done)
    bot.settle()


def test_retry_failed_is_on_the_home_only_until_it_is_used(bot_factory: Any) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=1)
    bot.sgp.add_tasks("eval_1", ["t1", "t2"])
    bot.link(ALICE, "user-alice")
    bot.sgp.fail_next(422, {"detail": "bad task id"})  # one of the two chunks fails
    _, token = preview_for(bot, f"eval_1 t1 t2 to <@{ALICE}>")
    bot.sender.click(Action.CONFIRM, token)
    view = home_of(bot, LEAD, expect="partly assigned")  # the job's own refresh
    job_id = buttons(view)[HOME_RETRY]

    after = click_home(bot, LEAD, HOME_RETRY, job_id, expect="Retrying 1 failed task")
    assert buttons(after).get(HOME_RETRY) != job_id  # pressed once: no longer offered
    bot.slack.wait_for(
        lambda: all(bot.sgp.task("eval_1", t)["assigned_to"] == "user-alice" for t in ("t1", "t2")),
        what="the retry assigning the failed task",
    )
    again = open_home(bot, LEAD)
    assert "partly assigned" in shown(again) and buttons(again).get(HOME_RETRY) != job_id
    bot.settle()
