"""Redis down, frozen or blinking while a job runs: the bot keeps Slack's 3 s ack, /healthz
says what is wrong within ~2 s, and the job ends with every id assigned and one summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import fake_servers  # noqa: F401  (the fakes' servers, per session)
from tests.e2e.processes import Fakes
from tests.faults.redis_bot import EVALUATION, FaultBot, Outcome, fault_bot, report, timed
from tests.faults.redis_servers import RedisServer, redis_server

#: The issue's outage: long enough for every lease and retry of the bot to run out.
OUTAGE_SECONDS = 20
IDS = 600  # 30 chunks of 20, one at a time, ~0.1 s each: the fault lands mid-job
#: Slack shows "operation_timeout" to the user past 3 s; /healthz is asked with a short timeout.
ACK_SECONDS = 3.0
HEALTHZ_SECONDS = 2.5
#: Chunks in flight at any moment (ASSIGN_CONCURRENCY=1, chunks of 20): the most an outage
#: may re-send.
IN_FLIGHT_IDS = 20
NOT_KEPT = (
    "jobs side (issue 12 item 4, bot/jobs): chunk results that could not be recorded while "
    "Redis was away are not kept and recorded when it is back, and chunk work does not stop "
    "meanwhile, so the takeover re-sends them"
)


def at_most_in_flight_resent(outcome: Outcome) -> None:
    if outcome.resent > IN_FLIGHT_IDS:
        pytest.xfail(f"{outcome.resent} ids re-sent (> {IN_FLIGHT_IDS} in flight): {NOT_KEPT}")


def during_fault(
    fakes: Fakes, tmp_path: Path, name: str, fault: Callable[[RedisServer, FaultBot], None]
) -> tuple[Outcome, str]:
    """Queue a job on a Redis with AOF, run `fault` after three chunks, wait for the summary.

    Recovered after: from the fault's end to the next chunk sent (the job going on).
    """
    fakes.sgp.latency_per_request = 0.1
    aof = ("--appendonly", "yes", "--appendfsync", "always")
    with (
        redis_server(tmp_path / "redis", *aof) as server,
        fault_bot(fakes, tmp_path, REDIS_URL=server.url) as bot,
    ):
        bot.queue_job(IDS)
        bot.wait_for_chunks(3)
        with bot.watching_health() as health:
            fault(server, bot)
            recovered = bot.moving_again()
            bot.wait_for_summary(timeout=60)
        outcome = bot.outcome()
    report(outcome.row(name, recovered, health.summary()))
    assert health.slowest < HEALTHZ_SECONDS, f"/healthz took {health.slowest:.1f} s"
    return outcome, health.summary()


def test_redis_frozen_20s_mid_job_acks_in_time_and_healthz_answers(
    fakes: Fakes, tmp_path: Path
) -> None:
    measured: dict[str, tuple[int, float]] = {}

    def freeze(server: RedisServer, bot: FaultBot) -> None:
        server.freeze()
        frozen_at = time.monotonic()
        # A preview stores its confirmation in Redis: the ack must not wait for it.
        measured["ack"] = timed(lambda: bot.sender.command(f"{EVALUATION} t1 to sgp:u")[0])
        measured["healthz"] = timed(lambda: httpx.get(f"{bot.process.url}/healthz", timeout=10))
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - frozen_at)))
        server.thaw()

    outcome, health = during_fault(fakes, tmp_path, "Redis frozen 20 s mid-job", freeze)
    ack_status, ack_seconds = measured["ack"]
    print(f"\nfrozen: /assign acked in {ack_seconds:.2f} s, /healthz {measured['healthz']}")
    assert ack_status == 200 and ack_seconds < ACK_SECONDS, f"/assign acked in {ack_seconds:.1f}s"
    assert measured["healthz"][0] == 503, "/healthz says Redis does not answer"
    assert "503" in health
    assert outcome.lost == 0 and outcome.summaries == 1, outcome
    at_most_in_flight_resent(outcome)


def test_redis_down_20s_mid_job_the_job_completes_once(fakes: Fakes, tmp_path: Path) -> None:
    measured: dict[str, tuple[int, float]] = {}

    def down(server: RedisServer, bot: FaultBot) -> None:
        server.kill()
        measured["ack"] = timed(lambda: bot.sender.command(f"{EVALUATION} t1 to sgp:u")[0])
        time.sleep(OUTAGE_SECONDS)
        server.start()

    outcome, health = during_fault(fakes, tmp_path, "Redis down 20 s mid-job (AOF)", down)
    assert measured["ack"][0] == 200 and measured["ack"][1] < ACK_SECONDS, measured
    assert "503" in health
    assert outcome.lost == 0 and outcome.summaries == 1, outcome
    at_most_in_flight_resent(outcome)


def test_a_redis_blip_of_a_third_of_a_second_mid_job_is_ridden_out(
    fakes: Fakes, tmp_path: Path
) -> None:
    def blip(server: RedisServer, bot: FaultBot) -> None:
        server.freeze()
        time.sleep(0.3)
        server.thaw()

    outcome, _ = during_fault(fakes, tmp_path, "Redis blip 0.3 s mid-job", blip)
    assert outcome.lost == 0 and outcome.summaries == 1, outcome
    at_most_in_flight_resent(outcome)


def test_redis_restarted_with_aof_mid_job_the_job_completes_once(
    fakes: Fakes, tmp_path: Path
) -> None:
    outcome, _ = during_fault(
        fakes, tmp_path, "Redis restarted (AOF) mid-job", lambda server, _: server.restart()
    )
    assert outcome.lost == 0 and outcome.summaries == 1, outcome
    at_most_in_flight_resent(outcome)
