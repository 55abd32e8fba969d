"""Sentinel: the bot finds its Redis through the sentinels and follows a failover mid-job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import fake_servers  # noqa: F401  (the fakes' servers, per session)
from tests.e2e.processes import Fakes
from tests.faults.redis_bot import fault_bot, report
from tests.faults.redis_servers import sentinel_setup, wait_for_failover

IDS = 600


def test_a_sentinel_failover_mid_job_the_job_completes_once(fakes: Fakes, tmp_path: Path) -> None:
    fakes.sgp.latency_per_request = 0.1
    with (
        sentinel_setup(tmp_path) as sentinel,
        fault_bot(
            fakes,
            tmp_path,
            REDIS_SENTINELS=sentinel.sentinels,
            REDIS_SENTINEL_MASTER=sentinel.master,
        ) as bot,
    ):
        assert sentinel.current_primary_port() == sentinel.primary.port
        bot.queue_job(IDS)
        bot.wait_for_chunks(3)
        with bot.watching_health() as health:
            sentinel.primary.kill()  # the sentinel notices within 1 s and promotes the replica
            wait_for_failover(sentinel)
            recovered = bot.moving_again()
            bot.wait_for_summary(timeout=60)
        outcome = bot.outcome()
    report(outcome.row("Sentinel failover mid-job", recovered, health.summary()))
    assert outcome.lost == 0 and outcome.summaries == 1, outcome
    assert outcome.resent <= 20, outcome  # the chunk in flight


def test_check_names_the_primary_the_sentinels_watch(fakes: Fakes, tmp_path: Path) -> None:
    with sentinel_setup(tmp_path) as sentinel:
        run = subprocess.run(
            [sys.executable, "-m", "bot", "check"],
            cwd=tmp_path,
            env=fakes.environment(
                REDIS_SENTINELS=sentinel.sentinels, REDIS_SENTINEL_MASTER=sentinel.master
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
    lines = [line for line in run.stdout.splitlines() if "Redis" in line]
    assert any(
        line.startswith("ok   Redis: the primary 'mymaster' of sentinels") for line in lines
    ), lines
    assert any(line.startswith("ok   Redis server: version 7.") for line in lines), lines
