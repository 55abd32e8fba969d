"""Confirmed requests as durable jobs: progress, partial failure and retry, dying workers."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from bot.slack.ui_ids import Action
from bot.store.connection import Store
from tests.e2e.conftest import BOT_TOKEN, LEAD, SGP_KEY, SIGNING_SECRET, Bot, jobs_waiting
from tests.e2e.processes import bare_environment
from tests.e2e.test_assign_command import ALICE, button, preview_for, text_of
from tests.fakes.server import free_port

#: Read at import: the e2e fixtures clear the bot's variables (REDIS_URL too) from the env.
REAL_REDIS_URL = os.environ.get("REDIS_URL")
PROGRESS = re.compile(r"Assigning\.\.\. (\d+) / (\d+) tasks")


def summaries(bot: Bot) -> list[dict[str, Any]]:
    """Top-level summary posts in the channel (thread replies and DMs left out)."""
    return [
        call.args
        for call in bot.slack.calls_to("chat.postMessage")
        if call.args.get("channel") == "CCHAN"
        and "assigned" in text_of(call.args)
        and "<@ULEAD> assigned" in text_of(call.args)
    ]


def confirm_and_wait(bot: Bot, text: str, posts: int, timeout: float = 30) -> list[dict[str, Any]]:
    _, token = preview_for(bot, text)
    _, key = bot.sender.click(Action.CONFIRM, token)
    return bot.slack.wait_for(
        lambda: (found := bot.slack.posts_to(key)) and "Assigned" in text_of(found[-1]) and found,
        timeout=timeout,
        what="the result on the requester's message",
    )


def test_a_long_job_shows_progress_within_the_response_url_budget(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=2, ASSIGN_CONCURRENCY=1)
    ids = [f"t{i}" for i in range(16)]
    bot.sgp.add_tasks("eval_1", ids)
    bot.sgp.latency_per_request = 0.7
    bot.link(ALICE, "user-alice")
    posts = confirm_and_wait(bot, f"eval_1 {' '.join(ids)} to <@{ALICE}>", posts=3)
    seen = [text_of(post) for post in posts]
    progress = [(int(m[1]), int(m[2])) for t in seen if (m := PROGRESS.search(t))]
    assert progress, seen
    assert all(total == 16 and 0 < done < 16 for done, total in progress)
    assert progress == sorted(progress), "progress only goes forward"
    assert len(posts) <= 5, "a response_url takes 5 posts at most"
    assert "Assigned 16 of 16 tasks" in seen[-1]


def click_summary_button(bot: Bot, summary_ts: str, value: str, user: str = LEAD) -> str:
    key = f"retry{uuid4().hex[:6]}"
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": summary_ts, "channel_id": "CCHAN"},
        "channel": {"id": "CCHAN"},
        "message": {"ts": summary_ts, "text": "summary", "blocks": []},
        "response_url": f"{bot.slack.base_url}/response/{key}",
        "trigger_id": "trig",
        "actions": [{"action_id": Action.RETRY_FAILED, "value": value, "type": "button"}],
    }
    assert bot.sender.post(urlencode({"payload": json.dumps(payload)})).status_code == 200
    return key


def test_failed_chunks_are_reported_and_retried_once_in_the_thread(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=2, ASSIGN_CONCURRENCY=1)
    bot.sgp.add_tasks("eval_1", ["t1", "t2", "t3", "t4"])
    bot.sgp.fail_next(500, {"detail": "overloaded"}, times=3)  # the first chunk, every attempt
    bot.link(ALICE, "user-alice")
    posts = confirm_and_wait(bot, f"eval_1 t1 t2 t3 t4 to <@{ALICE}>", posts=2)
    assert "Assigned 2 of 4 tasks" in text_of(posts[-1])
    [summary] = bot.slack.wait_for(lambda: summaries(bot))
    seen = text_of(summary)
    assert "`t1`" in seen and "500" in seen
    retry = button(summary, Action.RETRY_FAILED)
    assert retry["text"]["text"] == "Retry 2 failed tasks"
    summary_ts = bot.slack.calls_to("chat.getPermalink")[0].args["message_ts"]

    stranger = bot.slack.wait_for(
        lambda: bot.slack.posts_to(click_summary_button(bot, summary_ts, retry["value"], "UX"))
    )
    assert "Only <@ULEAD>" in text_of(stranger[-1])

    click_summary_button(bot, summary_ts, retry["value"])
    retried = bot.slack.wait_for(
        lambda: [
            c.args
            for c in bot.slack.calls_to("chat.postMessage")
            if c.args.get("thread_ts") == summary_ts and "assigned 2 of 2" in text_of(c.args)
        ],
        timeout=20,
        what="the retry's summary in the thread",
    )
    assert len(retried) == 1
    bodies = [c.json["task_ids"] for c in bot.sgp.batch_assign_calls()]
    assert bodies[-1] == ["t1", "t2"] and bodies.count(["t3", "t4"]) == 1
    assert bot.slack.calls_to("chat.update"), "the button is taken off the summary"

    again = bot.slack.wait_for(
        lambda: bot.slack.posts_to(click_summary_button(bot, summary_ts, retry["value"]))
    )
    assert "already being retried" in text_of(again[-1])


# -- a worker process that dies or is stopped mid-job (needs a Redis both processes share) ----


@pytest.fixture
def shared_redis() -> Iterator[tuple[str, str]]:
    url = REAL_REDIS_URL
    if not url:
        pytest.skip("REDIS_URL is not set: real-Redis variant skipped")
    prefix = f"test:{uuid4().hex}:"
    yield url, prefix

    async def clean() -> None:
        client = Redis.from_url(url, decode_responses=True)
        async for key in client.scan_iter(match=f"{prefix}*"):
            await client.delete(key)
        await client.aclose()

    asyncio.run(clean())


def start_worker(bot: Bot, redis_url: str, prefix: str, tmp_path: Path) -> subprocess.Popen[str]:
    env = bare_environment() | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{bot.slack.base_url}/api/",
        "SGP_API_KEY": SGP_KEY,
        "SGP_CLIENT_BASE_URL": bot.runtime.settings.sgp_base_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "ASSIGN_CHUNK_SIZE": "10",
        "ASSIGN_CONCURRENCY": "1",
        "ASSIGN_WORKER_LEASE_SECONDS": "5",
        "PORT": str(free_port()),  # a worker serves /healthz and /metrics
        "HOST": "127.0.0.1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def web_bot(bot_factory: Callable[..., Bot], redis_url: str, prefix: str) -> Bot:
    store = Store(Redis.from_url(redis_url, decode_responses=True), prefix=prefix)
    bot = bot_factory(store=store, ASSIGN_WORKER_IN_WEB="false", REDIS_KEY_PREFIX=prefix)
    bot.sgp.add_tasks("eval_1", [f"t{i}" for i in range(60)])
    bot.sgp.latency_per_request = 0.5
    return bot


def queue_job(bot: Bot) -> str:
    ids = " ".join(f"t{i}" for i in range(60))
    _, token = preview_for(bot, f"eval_1 {ids} to sgp:user-alice")
    _, key = bot.sender.click(Action.CONFIRM, token)
    bot.responses(key, count=1)  # "Assigning..." shown by the web process
    return key


def assert_completed_once(bot: Bot, key: str, redis_url: str) -> None:
    """Called once every process has stopped: what they did is final, a duplicate would show."""

    async def waiting() -> int:
        redis = Redis.from_url(redis_url, decode_responses=True)
        try:
            return await jobs_waiting(redis, bot.runtime.worker.jobs.stream)
        finally:
            await redis.aclose()

    assert asyncio.run(waiting()) == 0, "the job is done, nothing is left in the queue"
    assert len(summaries(bot)) == 1
    assert all(
        bot.sgp.task("eval_1", f"t{i}")["assigned_to"] == "user-alice"  # type: ignore[index]
        for i in range(60)
    )
    sent = Counter(tuple(c.json["task_ids"]) for c in bot.sgp.batch_assign_calls())
    assert len(sent) == 6 and max(sent.values()) <= 2, "at most the chunk in flight is resent"
    assert "Assigned 60 of 60 tasks" in text_of(bot.responses(key, count=2)[-1])


def interrupt_a_worker_mid_job(
    bot_factory: Callable[..., Bot],
    shared_redis: tuple[str, str],
    tmp_path: Path,
    interrupt: Callable[[Bot, subprocess.Popen[str]], None],
) -> None:
    """Queue a 60-id job, `interrupt` its worker after two chunks, and let a new worker finish."""
    url, prefix = shared_redis
    bot = web_bot(bot_factory, url, prefix)
    first = start_worker(bot, url, prefix, tmp_path)
    try:
        key = queue_job(bot)
        bot.slack.wait_for(lambda: len(bot.sgp.batch_assign_calls()) >= 2, timeout=30)
        interrupt(bot, first)
        second = start_worker(bot, url, prefix, tmp_path)
        try:
            bot.slack.wait_for(lambda: summaries(bot), timeout=60, what="the summary")
        finally:
            second.send_signal(signal.SIGTERM)  # it finishes what it holds, then exits
            second.wait(timeout=30)
    finally:
        first.kill()
    bot.server.stop()  # and the web process's answers under way finish
    assert_completed_once(bot, key, url)


@pytest.mark.real_redis
def test_a_killed_worker_is_replaced_and_the_job_completes_once_real_redis(
    bot_factory: Callable[..., Bot], shared_redis: tuple[str, str], tmp_path: Path
) -> None:
    def kill(bot: Bot, worker: subprocess.Popen[str]) -> None:
        worker.kill()  # SIGKILL: no cleanup, no hand-back; the lease must run out
        worker.wait(timeout=10)
        assert len(bot.sgp.batch_assign_calls()) < 6, "killed mid-job"

    interrupt_a_worker_mid_job(bot_factory, shared_redis, tmp_path, kill)


@pytest.mark.real_redis
def test_sigterm_stops_a_worker_within_30_seconds_and_nothing_is_lost_real_redis(
    bot_factory: Callable[..., Bot], shared_redis: tuple[str, str], tmp_path: Path
) -> None:
    def stop(bot: Bot, worker: subprocess.Popen[str]) -> None:
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
        assert time.monotonic() - started < 30 and worker.returncode == 0, output

    interrupt_a_worker_mid_job(bot_factory, shared_redis, tmp_path, stop)
