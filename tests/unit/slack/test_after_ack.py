"""Work after the ack: held until done, failures logged, finished (or cut) at shutdown."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.logs import bind_request_id, current_request_id
from bot.slack.after_ack import AfterAck


async def test_started_work_runs_and_is_let_go_when_done() -> None:
    after, done = AfterAck(), asyncio.Event()

    async def answer() -> None:
        done.set()

    after.start(answer(), "answer")
    assert after.running() == 1
    await asyncio.wait_for(done.wait(), 1)
    await asyncio.sleep(0)
    assert after.running() == 0


async def test_the_work_keeps_the_request_id_of_the_listener_that_started_it() -> None:
    after, seen = AfterAck(), asyncio.Queue[str | None]()

    async def answer() -> None:
        await seen.put(current_request_id())

    with bind_request_id() as request_id:
        after.start(answer(), "answer")
    assert await asyncio.wait_for(seen.get(), 1) == request_id


async def test_a_failure_is_logged_with_its_name(caplog: pytest.LogCaptureFixture) -> None:
    after = AfterAck()

    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="bot.slack.after_ack"):
        after.start(broken(), "/assign")
        await after.drain(1)
    [record] = caplog.records
    assert record.getMessage() == "/assign failed after its ack"
    assert record.exc_info is not None and "boom" in str(record.exc_info[1])


async def test_drain_lets_slow_work_finish() -> None:
    after, finished, release = AfterAck(), [], asyncio.Event()

    async def slow() -> None:
        await release.wait()
        finished.append("slow")

    after.start(slow(), "slow")
    draining = asyncio.create_task(after.drain(60))
    await asyncio.sleep(0)  # the drain has begun
    assert not draining.done() and finished == [], "it waits for the work under way"
    release.set()
    await draining
    assert finished == ["slow"] and after.running() == 0


async def test_drain_cancels_what_outlives_the_grace(caplog: pytest.LogCaptureFixture) -> None:
    after, cancelled = AfterAck(), asyncio.Event()

    async def endless() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    after.start(endless(), "endless")
    with caplog.at_level(logging.WARNING, logger="bot.slack.after_ack"):
        await after.drain(0.1)
    assert cancelled.is_set() and after.running() == 0
    assert "1 answer(s) did not finish before shutdown" in caplog.text
