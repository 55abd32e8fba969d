"""Redis that forgets everything (FLUSHALL, or a restart without persistence), idle or mid-job:
the bot goes on without a restart, and a job is never left at "Assigning..."."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.fakes.slack_server import FakeSlack
from tests.e2e.conftest import fake_servers  # noqa: F401  (the fakes' servers, per session)
from tests.e2e.processes import Fakes
from tests.e2e.test_assign_command import text_of
from tests.faults.redis_bot import FaultBot, fault_bot, report
from tests.faults.redis_servers import RedisServer, redis_server

IDS = 600
LOST_GROUP = (
    "jobs side (issue 12 item 1, bot/jobs/queue.py + worker.py): the worker does not recreate "
    "a consumer group (or stream) that vanished with Redis's data (NOGROUP), so it stops "
    "taking jobs until the process restarts"
)
VANISHED_JOB = (
    "jobs side (issue 12 item 1): a job whose records vanished with Redis is left at "
    "'Assigning...' instead of the requester being told what is known"
)


def flushall(server: RedisServer) -> None:
    with server.client() as client:
        client.flushall()  # this test's own server, started on a spare port


def restart_empty(server: RedisServer) -> None:
    server.restart()  # started with --save "" --appendonly no: it comes back empty


FAULTS: dict[str, Callable[[RedisServer], None]] = {
    "FLUSHALL": flushall,
    "restart without persistence": restart_empty,
}


def final_state(slack: FakeSlack, key: str) -> str:
    """The requester's message as it stands: the last post to the confirmation's response_url."""
    posts = slack.posts_to(key)
    return text_of(posts[-1]) if posts else ""


@pytest.mark.parametrize("fault", list(FAULTS))
def test_redis_forgetting_everything_while_idle_then_a_job_runs(
    fakes: Fakes, tmp_path: Path, fault: str
) -> None:
    fakes.sgp.latency_per_request = 0.05
    with (
        redis_server(tmp_path / "redis") as server,
        fault_bot(fakes, tmp_path, REDIS_URL=server.url) as bot,
    ):
        warm_up(bot)
        with bot.watching_health() as health:
            FAULTS[fault](server)
            bot.queue_job(100, first=1000)
            try:
                recovered = bot.wait_for_summary(timeout=30)
            except AssertionError:
                report(bot.outcome().row(f"{fault}, idle", None, health.summary()))
                pytest.xfail(LOST_GROUP)
        outcome = bot.outcome()
    report(outcome.row(f"{fault}, idle", recovered, health.summary()))
    assert outcome.lost == 0 and outcome.summaries == 1 and outcome.resent == 0, outcome


def warm_up(bot: FaultBot) -> None:
    """One job done before the fault, so the worker's group exists and is cached."""
    bot.queue_job(20)
    bot.wait_for_summary(timeout=30)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_redis_forgetting_everything_mid_job_leaves_no_job_assigning_forever(
    fakes: Fakes, tmp_path: Path, fault: str
) -> None:
    fakes.sgp.latency_per_request = 0.1
    with (
        redis_server(tmp_path / "redis") as server,
        fault_bot(fakes, tmp_path, REDIS_URL=server.url) as bot,
    ):
        key = bot.queue_job(IDS)
        bot.wait_for_chunks(3)
        with bot.watching_health() as health:
            FAULTS[fault](server)
            recovered = bot.moving_again()
            try:
                bot.fakes.slack.wait_for(
                    lambda: "Assigning..." not in final_state(fakes.slack, key) and bot.summaries(),
                    timeout=45,
                    what="a final state on the requester's message",
                )
            except AssertionError:
                report(bot.outcome().row(f"{fault}, mid-job", None, health.summary()))
                pytest.xfail(VANISHED_JOB)
        outcome = bot.outcome()
    report(outcome.row(f"{fault}, mid-job", recovered, health.summary()))
    assert outcome.summaries == 1, outcome
