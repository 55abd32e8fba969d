"""The bot's own CPU per 500-id chunk: what a job costs the event loop besides waiting.

    python -m bench.chunk_overhead [--ids 50000] [--redis redis://127.0.0.1:6379/0]

The job runner (locks, records, progress) and the client (encoding, parsing the answer) on
`--ids` ids against the fake platform in its own process answering at once, so the bot's work
is the whole run. Reports the process CPU per chunk and wall per chunk; with
`py-spy record -f raw -o out.txt -- python -m bench.chunk_overhead`, `--breakdown out.txt`
splits the samples into encoding, parsing, recording, locking, progress and HTTP. Records go
to the given Redis under a prefix of their own, deleted afterwards (never a flush).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import secrets
import time
from pathlib import Path

from redis.asyncio import Redis

from bench.jobs import bench_job
from bench.platform_process import PlatformProcess
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.sgp.client import SGPClient
from bot.store.connection import Store

KEY = "bench-sgp-key-0123456789"
CHUNK = 500

#: Where a sample's time goes, by the first frame (innermost first) that names it.
CATEGORIES = (
    ("parsing the answer", ("_tasks (bot/sgp/client.py", "validate_json", "reconcile")),
    ("encoding the chunk record", ("encode_chunk", "codec.py")),
    ("recording (Redis)", ("record_chunk",)),
    ("locking (Redis)", ("lock_chunk", "unlock_chunk")),
    ("progress", ("on_progress", "progress")),
    ("encoding the request", ("to_json", "BatchAssignTaskRequest")),
    ("HTTP (httpx, h11)", ("httpx", "httpcore", "h11")),
    ("Redis client", ("redis/",)),
)


async def run(url: str, redis_url: str, count: int) -> dict[str, float]:
    ids = [f"task-{i:06d}" for i in range(count)]
    redis = Redis.from_url(redis_url, decode_responses=True)
    prefix = f"bench-chunks-{secrets.token_hex(4)}:"
    store = Store(redis, prefix=prefix)
    sgp = SGPClient(base_url=url, api_key=KEY, chunk_size=CHUNK, concurrency=4)
    runner = JobRunner(JobRecords(store.redis, store.key), sgp, "bench", 60_000)
    calls = 0

    async def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1

    cpu, wall = time.process_time(), time.perf_counter()
    summary = await runner.run(bench_job("bench", ids), progress)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    chunks = -(-count // CHUNK)
    async for key in redis.scan_iter(match=f"{prefix}*"):
        await redis.delete(key)
    await redis.aclose()
    await sgp.aclose()
    assert summary.assigned == count, summary
    return {
        "ids": count,
        "chunks": chunks,
        "wall_s": wall,
        "cpu_s": cpu,
        "cpu_ms_per_chunk": 1000 * cpu / chunks,
        "wall_ms_per_chunk": 1000 * wall / chunks,
        "progress_calls": calls,
        "load_1m": os.getloadavg()[0],
    }


def breakdown(raw: Path) -> dict[str, float]:
    """Shares of the event loop's samples (py-spy raw: `frame;frame;... count`) by category."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if "run_until_complete" not in stack:
            continue  # start-up and imports
        total += int(number)
        frames = stack.split(";")[::-1]
        counts[_category(frames)] += int(number)
    return {name: round(100 * n / total, 1) for name, n in counts.most_common()}


def _category(frames: list[str]) -> str:
    for frame in frames:
        for name, marks in CATEGORIES:
            if any(mark in frame for mark in marks):
                return name
    return "other (the loop, asyncio)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=50_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--breakdown", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.breakdown is not None:
        print(json.dumps(breakdown(args.breakdown), indent=2))
        return
    seed = {"eval_bench": [f"task-{i:06d}" for i in range(args.ids)]}
    with PlatformProcess(KEY, seed, 0.0, 0.0) as platform:
        figures = asyncio.run(run(platform.url, args.redis, args.ids))
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
