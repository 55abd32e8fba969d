"""A 3-task job confirmed while three 10,000-id jobs run: how long until it is done.

    python -m bench.fair_jobs [--per-request 1.0] [--json docs/bench-results/fair_jobs.json]

One worker (the bot's Worker, JobRunner and client: ASSIGN_WORKER_JOBS and ASSIGN_CONCURRENCY
at their defaults) on a real Redis under a prefix of its own (deleted afterwards), the fake
platform in its own process at `--per-request` a request. The three big jobs are queued, the
small one two seconds later; its time runs from being queued (the Confirm) to its summary.
Beside it, its peer in the same run: the same small job queued on an idle worker.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bench.jobs import bench_job
from bench.platform_process import PlatformProcess
from bot.core.job import Job
from bot.jobs.queue import JobQueue
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.jobs.worker import Worker
from bot.settings import PlatformSettings, Settings
from bot.sgp.client import SGPClient
from bot.store.connection import Store

KEY = "bench-sgp-key-0123456789"
BIG = {f"big{n}": [f"b{n}-{i:05d}" for i in range(10_000)] for n in range(3)}
SMALL = ["small-1", "small-2", "small-3"]


async def run(url: str, redis_url: str, with_big: bool) -> dict[str, float]:
    """Seconds from queueing the small job to its summary (and the big jobs' when run)."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    prefix = f"bench-fair-{secrets.token_hex(4)}:"
    store = Store(redis, prefix=prefix)
    defaults = PlatformSettings.model_fields
    sgp = SGPClient(
        base_url=url,
        api_key=KEY,
        chunk_size=defaults["chunk_size"].default,
        concurrency=defaults["concurrency"].default,
    )
    runner = JobRunner(JobRecords(store.redis, store.key), sgp, "bench", 60_000)
    queue = JobQueue(store.redis, store.key)
    done: dict[str, float] = {}
    expected = 4 if with_big else 1
    finished = asyncio.Event()

    async def process(job: Job, deliveries: int) -> None:
        await runner.run(job)
        done[job.id] = time.perf_counter()
        if len(done) == expected:
            finished.set()

    stop = asyncio.Event()
    max_jobs = Settings.model_fields["worker_jobs"].default
    worker = Worker(queue, process, lease_ms=30_000, block_ms=100, max_jobs=max_jobs)
    working = asyncio.create_task(worker.run(stop))
    started = time.perf_counter()
    if with_big:
        for job_id, ids in BIG.items():
            await queue.enqueue(bench_job(job_id, ids))
        await asyncio.sleep(2.0)
    confirmed = time.perf_counter()
    await queue.enqueue(bench_job("small", SMALL))
    await finished.wait()
    stop.set()
    await working
    async for key in redis.scan_iter(match=f"{prefix}*"):
        await redis.delete(key)
    await redis.aclose()
    await sgp.aclose()
    figures = {"small_s": done["small"] - confirmed}
    if with_big:
        figures["big_s"] = max(done[job_id] for job_id in BIG) - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-request", type=float, default=1.0)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    seed = {"eval_bench": [*SMALL, *(i for ids in BIG.values() for i in ids)]}
    result: dict[str, Any] = {"per_request": args.per_request, "target_s": 2.0}
    with PlatformProcess(KEY, seed, args.per_request, 0.0) as platform:
        result["alone"] = asyncio.run(run(platform.url, args.redis, with_big=False))
        result["beside_big"] = asyncio.run(run(platform.url, args.redis, with_big=True))
    assert platform.stats is not None
    result["max_in_flight"] = platform.stats.max_in_flight
    result["load_1m"] = os.getloadavg()[0]
    result["met"] = result["beside_big"]["small_s"] <= result["target_s"]
    print(
        f"3-task job: {result['beside_big']['small_s']:.2f} s after Confirm beside three "
        f"10,000-id jobs (alone: {result['alone']['small_s']:.2f} s; the big ones took "
        f"{result['beside_big']['big_s']:.1f} s); target 2 s: "
        f"{'met' if result['met'] else 'not met'}; load {result['load_1m']:.2f}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
