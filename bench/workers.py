"""1, 2 and 4 worker processes on 8 jobs: throughput rises with workers until the shared cap.

    python -m bench.workers [--workers 1 2 4] [--jobs 8] [--ids 5000] [--cap 8]
        [--json docs/bench-results/workers.json]

Each worker is a process of its own running the bot's Worker, JobRunner and client, with
ASSIGN_CONCURRENCY (4) per process and ASSIGN_PLATFORM_MAX_IN_FLIGHT (`--cap`) across them
through a real Redis (a prefix of its own, deleted afterwards). The fake platform, in its own
process at 50 ms a request + 0.1 ms an id, counts the most requests it had in flight: never
above the cap. The ideal beside each row: the chunks at min(workers x concurrency, cap) in
flight.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
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
from bot.sgp.client import SGPClient
from bot.sgp.gate import SharedCap
from bot.store.connection import Store

KEY = "bench-sgp-key-0123456789"
CHUNK, CONCURRENCY = 500, 4


def worker_process(url: str, redis_url: str, prefix: str, cap: int, jobs: int) -> None:
    asyncio.run(_work(url, redis_url, prefix, cap, jobs))


async def _work(url: str, redis_url: str, prefix: str, cap: int, jobs: int) -> None:
    """Run jobs until `jobs` are done across every worker (a counter in Redis)."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    store = Store(redis, prefix=prefix)
    shared = SharedCap(redis, (store.key("in-flight"), store.key("paused")), cap)
    sgp = SGPClient(
        base_url=url, api_key=KEY, chunk_size=CHUNK, concurrency=CONCURRENCY, cap=shared
    )
    runner = JobRunner(JobRecords(store.redis, store.key), sgp, secrets.token_hex(3), 60_000)
    stop = asyncio.Event()

    async def process(job: Job, deliveries: int) -> None:
        await runner.run(job)
        await redis.incr(store.key("done"))

    worker = Worker(JobQueue(store.redis, store.key), process, lease_ms=30_000, block_ms=100)
    working = asyncio.create_task(worker.run(stop))
    while int(await redis.get(store.key("done")) or 0) < jobs:  # noqa: ASYNC110 (other processes)
        await asyncio.sleep(0.05)
    stop.set()
    await working
    await sgp.aclose()
    await redis.aclose()


async def enqueue(redis_url: str, prefix: str, jobs: int, ids: int) -> None:
    redis = Redis.from_url(redis_url, decode_responses=True)
    store = Store(redis, prefix=prefix)
    queue = JobQueue(store.redis, store.key)
    for n in range(jobs):
        await queue.enqueue(bench_job(f"job{n}", [f"j{n}-{i:05d}" for i in range(ids)]))
    await redis.aclose()


async def clean(redis_url: str, prefix: str) -> None:
    redis = Redis.from_url(redis_url, decode_responses=True)
    async for key in redis.scan_iter(match=f"{prefix}*"):
        await redis.delete(key)
    await redis.aclose()


def one_row(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    seed = {"eval_bench": [f"j{n}-{i:05d}" for n in range(args.jobs) for i in range(args.ids)]}
    prefix = f"bench-workers-{secrets.token_hex(4)}:"
    context = mp.get_context("spawn")
    with PlatformProcess(KEY, seed, args.per_request, args.per_id) as platform:
        processes = [
            context.Process(
                target=worker_process,
                args=(platform.url, args.redis, prefix, args.cap, args.jobs),
            )
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        time.sleep(2.0)  # the workers import and connect before the clock starts
        started = time.perf_counter()
        asyncio.run(enqueue(args.redis, prefix, args.jobs, args.ids))
        for process in processes:
            process.join()
        wall = time.perf_counter() - started
    asyncio.run(clean(args.redis, prefix))
    assert platform.stats is not None
    chunks = args.jobs * -(-args.ids // CHUNK)
    in_flight = min(workers * CONCURRENCY, args.cap)
    rounds = -(-chunks // in_flight)
    ideal = rounds * (args.per_request + args.per_id * CHUNK)
    return {
        "workers": workers,
        "wall_s": wall,
        "ids_per_s": args.jobs * args.ids / wall,
        "ideal_s": ideal,
        "ratio": wall / ideal,
        "max_in_flight": platform.stats.max_in_flight,
        "cap": args.cap,
        "requests": platform.stats.patch_requests,
        "load_1m": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--ids", type=int, default=5_000)
    parser.add_argument("--cap", type=int, default=8)
    parser.add_argument("--per-request", type=float, default=0.05)
    parser.add_argument("--per-id", type=float, default=0.0001)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    for workers in args.workers:
        row = one_row(workers, args)
        rows.append(row)
        print(
            f"{workers} worker(s): {row['wall_s']:.2f} s ({row['ids_per_s']:,.0f} ids/s) vs "
            f"ideal {row['ideal_s']:.2f} s ({row['ratio']:.2f}x); most in flight "
            f"{row['max_in_flight']} (cap {row['cap']}); load {row['load_1m']:.2f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"rows": rows, "per_request": args.per_request, "per_id": args.per_id}, indent=2
            )
        )


if __name__ == "__main__":
    main()
