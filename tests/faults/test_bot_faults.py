"""Faults of the bot's own processes, on a real redis-server the test starts (never 6379).

A worker killed at each step of the reporting window and taken over (before its publication
lease ran out, and after its job lease did); a record and an ack that fail once; a summary
rate-limited 4 times; a response_url dead, slow or answering 500. For each: 0 ids lost, no id
sent twice (the kills fall after the chunks), exactly 1 summary, thread detail, DM, audit record
and final word to the requester.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.jobs.queue import GROUP
from tests.e2e.conftest import (
    fake_servers,  # noqa: F401  (the fakes' servers, per session)
    jobs_waiting,
)
from tests.e2e.processes import Fakes
from tests.fakes.server import ServerThread, free_port
from tests.faults.bot_workers import (
    CHANNEL,
    LEAD,
    Worker,
    a_job,
    kill_after,
    kill_around,
    seen,
    until,
    workers,
)
from tests.faults.redis_bot import report


def _api_before_summary(worker: Worker) -> None:
    kill_around(
        worker.runtime.bolt_app.client,
        "api_call",
        before=True,
        when=lambda method, **_: method == "chat.postMessage",
    )


def _after_result(worker: Worker) -> None:
    kill_around(
        worker.publisher.responder, "_send", when=lambda url, message: "metadata" in message
    )


#: Each moment of the reporting window (after the last chunk was recorded) a worker may die at.
KILL_POINTS: dict[str, Callable[[Worker], None]] = {
    "before the summary": _api_before_summary,
    "after the summary": lambda worker: kill_after(worker, 1),
    "after the permalink": lambda worker: kill_after(worker, 2),
    "after the DM": lambda worker: kill_after(worker, 3),
    "after the requester's result": _after_result,
    "after the thread detail": lambda worker: kill_after(worker, 4),
    "after the audit record": lambda worker: kill_around(worker.execution.audit, "record"),
}


async def _entry_of(worker: Worker) -> str:
    queue = worker.runtime.worker.jobs
    pending = await worker.runtime.store.redis.xpending_range(queue.stream, GROUP, "-", "+", 10)
    assert len(pending) == 1
    return str(pending[0]["message_id"])


async def _finished(worker: Worker, job_id: str) -> bool:
    store = worker.runtime.store
    published = await worker.execution.records.publication(job_id) is not None
    return published and await jobs_waiting(store.redis, worker.runtime.worker.jobs.stream) == 0


async def _run_to_the_end(worker: Worker, job_id: str, at_most: float = 20) -> float:
    return await until(lambda: _finished(worker, job_id), "the job reported and acked", at_most)


def _assert_once(found: Any, *, dm: bool = True) -> None:
    assert found.lost == 0
    assert found.resent == 0
    assert found.parts["summary"] == 1, found.parts
    assert found.parts["detail"] == 1, found.parts
    assert found.parts["dm"] == (1 if dm else 0), found.parts
    assert found.audit == 1


@pytest.mark.parametrize("takeover", ["before the lease", "after the lease"])
@pytest.mark.parametrize("point", list(KILL_POINTS))
async def test_a_worker_killed_while_reporting_is_taken_over_once(
    fakes: Fakes, fault_redis: str, point: str, takeover: str
) -> None:
    async with workers(fakes, fault_redis, 2) as (first, second):
        job = a_job(fakes, 40)
        KILL_POINTS[point](first)
        await first.runtime.jobs.enqueue(job)
        first.start()
        assert first.task is not None

        async def died() -> bool:
            return not first.runtime.worker._running and fakes.sgp.batch_assign_calls() != []

        await until(died, "the first worker to die")
        await first.halt()
        if takeover == "before the lease":  # its publication lease is still valid now
            await first.runtime.worker.jobs.hand_back(await _entry_of(first), 1000)
        second.start()
        recovered = await _run_to_the_end(second, job.id)
        found = await seen(fakes, job, second)
    _assert_once(found)
    results = [post for post in fakes.slack.posts_to("job") if "metadata" in post]
    # One final message: a result re-posted by the successor replaces the same message with
    # the same content (replace_original), which only happens when the kill fell right after it.
    assert len(results) == (2 if point == "after the requester's result" else 1)
    assert all(post == results[0] for post in results)
    assert results[0]["replace_original"] is True
    assert found.final_text.startswith("Assigned 40 of 40")
    report(
        f"worker killed {point}, taken over {takeover} | {found.lost} | {found.resent} | "
        f"{found.parts['summary']} | {recovered:.1f} | not polled (in-process worker)"
    )


async def test_a_chunk_record_and_an_ack_that_fail_once(fakes: Fakes, fault_redis: str) -> None:
    failed: list[str] = []
    async with workers(fakes, fault_redis, 1) as (worker,):
        redis = worker.runtime.store.redis
        real_command = redis.execute_command

        async def command(*args: Any, **options: Any) -> Any:
            records = args[:1] == ("EVAL",) and "HSET" in str(args[1]) and ":chunks" in str(args)
            if records and "record" not in failed:
                failed.append("record")
                raise RedisConnectionError("injected: the record fails once")
            if args and args[0] == "XACK" and "ack" not in failed:
                failed.append("ack")
                raise RedisConnectionError("injected: the ack fails once")
            return await real_command(*args, **options)

        redis.execute_command = command  # type: ignore[method-assign]
        job = a_job(fakes, 60)
        await worker.runtime.jobs.enqueue(job)
        worker.start()
        recovered = await _run_to_the_end(worker, job.id)
        found = await seen(fakes, job, worker)
    assert failed == ["record", "ack"]
    _assert_once(found)
    assert found.parts["result"] == 1
    report(
        f"a chunk record and an ack fail once | {found.lost} | {found.resent} | 1 | "
        f"{recovered:.1f} | not polled"
    )


async def test_a_summary_rate_limited_four_times_goes_out_once(
    fakes: Fakes, fault_redis: str
) -> None:
    fakes.slack.rate_limit_next("chat.postMessage", retry_after=1, times=4)
    async with workers(fakes, fault_redis, 1) as (worker,):
        job = a_job(fakes, 40)
        await worker.runtime.jobs.enqueue(job)
        worker.start()
        recovered = await _run_to_the_end(worker, job.id, at_most=30)
        found = await seen(fakes, job, worker)
    _assert_once(found)
    assert "Invite me" not in found.final_text
    report(
        f"summary rate-limited 4 times | {found.lost} | {found.resent} | "
        f"{found.parts['summary']} | {recovered:.1f} | not polled"
    )


def _response_url_server() -> ServerThread:
    async def broken(_: Request) -> Response:
        return Response("server error", status_code=500)

    async def slow(_: Request) -> Response:
        await asyncio.sleep(3)
        return Response("ok")

    app = Starlette(
        routes=[Route("/500", broken, methods=["POST"]), Route("/slow", slow, methods=["POST"])]
    )
    return ServerThread(app).start()


@pytest.mark.parametrize("kind", ["dead", "slow", "500"])
async def test_a_response_url_that_fails_falls_back_to_an_ephemeral_message(
    fakes: Fakes, fault_redis: str, kind: str
) -> None:
    server = _response_url_server()
    try:
        url = {
            "dead": f"http://127.0.0.1:{free_port()}/gone",
            "slow": f"{server.url}/slow",
            "500": f"{server.url}/500",
        }[kind]
        async with workers(fakes, fault_redis, 1) as (worker,):
            responder = worker.publisher.responder
            responder.timeout, responder.retry_delays = 1, (0.1, 0.2)
            job = a_job(fakes, 40)
            job = job.model_copy(
                update={"surface": job.surface.model_copy(update={"response_url": url})}
            )
            await worker.runtime.jobs.enqueue(job)
            worker.start()
            recovered = await _run_to_the_end(worker, job.id)
            found = await seen(fakes, job, worker)
    finally:
        server.stop()
    _assert_once(found)
    fallback = [
        call.args
        for call in fakes.slack.calls_to("chat.postEphemeral")
        if call.args.get("user") == LEAD and call.args.get("channel") == CHANNEL
    ]
    assert len(fallback) == 1
    assert "Assigned 40 of 40" in str(fallback[0])
    report(
        f"response_url {kind} | {found.lost} | {found.resent} | {found.parts['summary']} | "
        f"{recovered:.1f} | not polled (final word as an ephemeral message)"
    )


async def test_the_response_url_budget_keeps_the_last_use_for_the_result(
    fakes: Fakes, fault_redis: str
) -> None:
    """A job taken over twice still ends on its result: progress never takes the 5th use."""
    async with workers(fakes, fault_redis, 1) as (worker,):
        responder = worker.publisher.responder
        url = fakes.slack.response_url("budget")
        for _ in range(6):
            await responder.reply(url, text="Assigning...", replace_original=True)
        assert await responder.reply(url, final=True, text="done", replace_original=True)
        assert not await responder.reply(url, final=True, text="again", replace_original=True)
    posts = fakes.slack.posts_to("budget")
    assert len(posts) == 5
    assert posts[-1]["text"] == "done"
