"""Reminders and stalled work end to end: the running bot, fake Slack and platform, and a fake
clock shared by the bot and the platform (handed in through the composition root), so a
reminder window of hours fires at once and nothing here sleeps.

The platform's assignments expire a day after they are made: 2025-03-11 09:00 UTC here. With
ASSIGN_REMIND_BEFORE_HOURS=12 a digest is due at 2025-03-10 21:00 UTC.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import fakeredis
import pytest

from bot.fakes.slack_requests import SlackSender
from bot.fakes.waiting import wait_until
from bot.runtime import build_runtime
from bot.slack.ui_ids import Action, Block, Field
from bot.store.connection import Store
from bot.store.reminders import Due
from tests.e2e.conftest import LEAD, SIGNING_SECRET, Bot
from tests.e2e.forms import initial
from tests.e2e.test_assign_command import button, confirm, preview_for, text_of
from tests.e2e.test_shortcuts import opened
from tests.fakes.server import ServerThread

ALICE, BOB = "UALICE", "UBOB"
EVAL = "eval_123"
START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
EXPIRY = START + timedelta(days=1)
DUE = EXPIRY - timedelta(hours=12)
ALICE_DUE = Due.person("T1", ALICE)


class FakeClock:
    """What time the bot and the fake platform take it to be; the test moves it."""

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        with self._lock:
            self._now = now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def start(bot_factory: Callable[..., Bot], clock: FakeClock) -> Callable[..., Bot]:
    def started(**extra: Any) -> Bot:
        bot = bot_factory(
            clock=clock,
            ASSIGN_REMIND_BEFORE_HOURS=12,
            ASSIGN_REMINDER_POLL_SECONDS=0.05,
            **extra,
        )
        bot.sgp.clock = clock
        bot.link(ALICE, "user-alice")
        bot.link(BOB, "user-bob")
        bot.slack.user_zones[ALICE] = ("America/New_York", -4 * 3600)  # 17:00 at the due time
        bot.slack.user_zones[BOB] = ("America/New_York", -4 * 3600)
        return bot

    return started


def assign(bot: Bot, text: str) -> str:
    """Preview and confirm; the summary's ts once the job is done and its reminders scheduled."""
    _, token = preview_for(bot, text)
    confirm(bot, token)
    bot.slack.wait_for(
        lambda: bot.in_store(lambda store: store.reminders.due_at(Due.job(_job_id(bot)))),
        what="the job's reminders scheduled",
    )
    return str(bot.slack.calls_to("chat.getPermalink")[0].args["message_ts"])


def _job_id(bot: Bot) -> str:
    """The job of the first summary posted ("none" before there is one)."""
    for call in bot.slack.calls_to("chat.postMessage"):
        if call.args.get("channel") == "CCHAN" and "metadata" in call.args:
            return str(call.args["metadata"]["event_payload"]["job_id"])
    return "none"


def digests(bot: Bot, user: str = ALICE) -> list[dict[str, Any]]:
    return [
        call.args
        for call in bot.slack.calls_to("chat.postMessage")
        if call.args.get("channel") == user
        and str(call.args.get("text", "")).startswith("Reminder")
    ]


def passes(bot: Bot, more: int = 2) -> None:
    """Wait until the scheduler made `more` full passes from now (what was due is handled)."""
    scheduler = bot.runtime.scheduler
    assert scheduler is not None
    target = scheduler.passes + more
    wait_until(lambda: scheduler.passes >= target, "scheduler passes", 10)


def due_at(bot: Bot, member: str = ALICE_DUE) -> datetime | None:
    return bot.in_store(lambda store: store.reminders.due_at(member))


def test_one_digest_of_the_open_tasks_then_none_again(
    start: Callable[..., Bot], clock: FakeClock
) -> None:
    bot = start()
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3"])
    assign(bot, f"{EVAL} t1 t2 t3 to <@{ALICE}>")
    assert due_at(bot) == DUE

    clock.set(DUE - timedelta(minutes=30))
    passes(bot)
    assert digests(bot) == [], "not due yet"

    bot.sgp.set_status(EVAL, ["t3"], "COMPLETED")  # done before the reminder: not mentioned
    clock.set(DUE + timedelta(seconds=30))
    [digest] = bot.slack.wait_for(lambda: digests(bot), what="the digest")
    seen = text_of(digest)
    assert "2 tasks" in seen and EVAL in seen
    assert "expires in 11 h 59 min" in seen
    assert f"https://app.sgp.scale.com/evaluations/{EVAL}/tasks/t1|t1" in seen
    assert "tasks/t2|t2" in seen and "tasks/t3" not in seen

    clock.set(DUE + timedelta(hours=2))
    passes(bot)
    assert len(digests(bot)) == 1, "one digest per window"
    assert due_at(bot) is None, "nothing left to remind about"


def test_no_digest_for_completed_tasks(start: Callable[..., Bot], clock: FakeClock) -> None:
    bot = start()
    bot.sgp.add_tasks(EVAL, ["t1", "t2"])
    assign(bot, f"{EVAL} t1 t2 to <@{ALICE}>")
    bot.sgp.set_status(EVAL, ["t1", "t2"], "COMPLETED")

    clock.set(DUE + timedelta(seconds=30))
    bot.slack.wait_for(lambda: due_at(bot) is None, what="the schedule handled and dropped")
    assert digests(bot) == []


def test_quiet_hours_hold_the_digest_until_eight_local(
    start: Callable[..., Bot], clock: FakeClock
) -> None:
    bot = start()
    bot.slack.user_zones[ALICE] = ("Europe/Paris", 3600)  # due at 22:00 in Paris
    bot.sgp.add_tasks(EVAL, ["t1"])
    assign(bot, f"{EVAL} t1 to <@{ALICE}>")

    clock.set(DUE + timedelta(seconds=30))
    morning = datetime(2025, 3, 11, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    bot.slack.wait_for(lambda: due_at(bot) == morning, what="the digest moved to the morning")
    assert digests(bot) == []

    clock.set(morning + timedelta(seconds=5))
    [digest] = bot.slack.wait_for(lambda: digests(bot), what="the morning's digest")
    assert "expires in 1 h 59 min" in text_of(digest)


@pytest.fixture
def restarts(clock: FakeClock) -> Iterator[Callable[[Bot], Bot]]:
    """Start the same bot again: same settings, store and fakes (the old one stopped first)."""
    servers: list[ServerThread] = []

    def restart(bot: Bot) -> Bot:
        bot.server.stop()
        store = Store(
            fakeredis.FakeAsyncRedis(server=bot.redis_server, decode_responses=True),
            prefix=bot.runtime.settings.redis_key_prefix,
        )
        runtime = build_runtime(bot.runtime.settings, store=store, clock=clock)
        runtime.worker.block_ms = 50
        server = ServerThread(runtime.web_app).start()
        servers.append(server)
        sender = SlackSender(server.url, SIGNING_SECRET, bot.slack.base_url)
        return Bot(bot.slack, bot.sgp, sender, runtime, server, bot.redis_server)

    yield restart
    for server in servers:
        server.stop()


def test_schedules_survive_a_restart_and_a_digest_is_never_repeated(
    start: Callable[..., Bot], clock: FakeClock, restarts: Callable[[Bot], Bot]
) -> None:
    first = start()
    first.sgp.add_tasks(EVAL, ["t1", "t2"])
    assign(first, f"{EVAL} t1 t2 to <@{ALICE}>")
    first.settle()

    second = restarts(first)
    clock.set(DUE + timedelta(minutes=1))
    second.slack.wait_for(lambda: digests(second), what="the digest from the restarted bot")

    async def due_again(store: Store) -> None:  # as if the sender died before finishing
        await store.redis.zadd(store.reminders.due_key, {ALICE_DUE: 0})

    second.in_store(due_again)
    third = restarts(second)
    clock.set(DUE + timedelta(minutes=10))
    passes(third)
    assert len(digests(third)) == 1, "the window was covered: no second digest"


def stalled_message(bot: Bot, summary_ts: str) -> dict[str, Any]:
    found = [
        message
        for message in list(bot.slack.messages.values())
        if message.get("thread_ts") == summary_ts and "still pending" in message.get("text", "")
    ]
    return found[0] if len(found) == 1 else {}


def test_stalled_work_reaches_the_lead_once_with_three_buttons_that_work(
    start: Callable[..., Bot], clock: FakeClock
) -> None:
    bot = start()
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3", "t4"])
    summary_ts = assign(bot, f"{EVAL} t1 t2 t3 t4 to <@{ALICE}> <@{BOB}>")
    bot.sgp.set_status(EVAL, ["t3", "t4"], "COMPLETED")  # Bob's share is done

    clock.set(EXPIRY + timedelta(minutes=5))
    message = bot.slack.wait_for(lambda: stalled_message(bot, summary_ts), what="stalled work")
    passes(bot)
    assert stalled_message(bot, summary_ts), "one message, not one per pass"
    seen = text_of(message)
    assert f"<@{LEAD}>" in seen and f"<@{ALICE}>" in seen and "2 tasks" in seen
    assert "tasks/t1|t1" in seen and "tasks/t3" not in seen and "overdue" in seen
    actions = next(b for b in message["blocks"] if b.get("block_id") == Block.STALLED_ACTIONS)
    assert [e["text"]["text"] for e in actions["elements"]] == [
        "Remind again",
        "Reassign to...",
        "Give to the others in the split",
    ]
    assert digests(bot) == [], "past expiry the annotator's digest is no more due"
    job_id = button(message, Action.STALLED_REMIND)["value"]

    # Remind again: a digest to Alice now, and a line in the thread.
    bot.sender.click(Action.STALLED_REMIND, job_id, block_id=Block.STALLED_ACTIONS, message=message)
    [digest] = bot.slack.wait_for(lambda: digests(bot), what="the reminder sent again")
    assert "tasks/t1|t1" in text_of(digest) and "overdue" in text_of(digest)

    # Someone else may not act on the lead's work.
    _, refused = bot.sender.click(Action.STALLED_SPLIT, job_id, user="UOTHER", message=message)
    assert f"Only <@{LEAD}>" in text_of(bot.last_response(refused))

    # Reassign to...: the form, filled with the stalled tasks.
    bot.sender.click(Action.STALLED_REASSIGN, job_id, message=message)
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == EVAL
    assert initial(form, Field.TASK_IDS) == "t1\nt2"

    # Give to the others in the split: the usual preview (Bob), Confirm, summary in the thread.
    _, key = bot.sender.click(Action.STALLED_SPLIT, job_id, message=message)
    preview = bot.last_response(key)
    assert f"<@{BOB}>" in text_of(preview) and "2 tasks" in text_of(preview)
    confirm(bot, button(preview, Action.CONFIRM)["value"])
    bot.slack.wait_for(lambda: len(bot.sgp.batch_assign_calls()) == 3, what="the reassignment")
    assert bot.sgp.batch_assign_calls()[-1].json == {
        "task_ids": ["t1", "t2"],
        "assigned_to": "user-bob",
    }
    bot.settle()
    summaries = [
        call.args
        for call in bot.slack.calls_to("chat.postMessage")
        if call.args.get("channel") == "CCHAN"
        and call.args.get("thread_ts") == summary_ts
        and "assigned 2 of 2 tasks" in text_of(call.args)
    ]
    assert len(summaries) == 1, "the new summary answers in the same thread"
    records = bot.in_store(lambda store: store.audit.latest("T1", 10))
    assert len(records) == 2, "audited like any assignment"
