"""Whole evaluations: `unassigned` on 10,000 / 50,000 / 100,000 pending tasks, to 2 people.

    python -m bench.scale [--tasks 10000 50000 100000] [--per-request 0.05] [--per-id 0.0001]

Each size in a fresh process (its peak RSS is its own), the fake platform in another. The
preview is the bot's own reading (the listing streamed page by page, the query's pick, the
shares, the checks and the undo's `before`); the job is the bot's runner on those shares,
beside its ideal for the chunking and concurrency (see bench.assign_throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import fakeredis

from bench.assign_throughput import ideal_seconds
from bench.platform_process import PlatformProcess
from bot.core import query as task_query
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.job import Job
from bot.core.plan import split_evenly
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.sgp.client import SGPClient
from bot.store.connection import Store
from bot.usecases.listing import kept_listing

KEY = "bench-sgp-key-0123456789"
USERS = ("user-1", "user-2")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def one_size(url: str, args: argparse.Namespace) -> dict[str, float]:
    sgp = SGPClient(base_url=url, api_key=KEY, chunk_size=500, concurrency=args.concurrency)
    before_rss = rss_mib()
    query = task_query.UnassignedTasks()
    started = time.perf_counter()
    kept = await kept_listing(
        sgp, "eval_bench", lambda t: task_query.worth_keeping(t, query, frozenset(), set(USERS))
    )
    picked = task_query.select(kept, query)
    parts = split_evenly(picked, len(USERS))
    wanted = list(zip(USERS, parts, strict=True))
    task_query.check(kept, wanted)
    task_query.before_of(kept, wanted)
    preview = time.perf_counter() - started
    del kept
    now = datetime.now(UTC)
    shares = tuple(Share(assignee=Assignee(platform_user_id=u), task_ids=ids) for u, ids in wanted)
    job = Job(
        id="bench",
        confirmation=Confirmation(
            team_id="T1",
            requester_id="U1",
            channel_id="C1",
            evaluation_id="eval_bench",
            shares=shares,
            created_at=now,
            expires_at=now,
        ),
        created_at=now,
    )
    redis = fakeredis.FakeAsyncRedis(decode_responses=True, max_connections=2**16)
    store = Store(redis, prefix="bench:")
    runner = JobRunner(JobRecords(store.redis, store.key), sgp, "bench", 60_000)
    started = time.perf_counter()
    summary = await runner.run(job)
    wall = time.perf_counter() - started
    ideal = (
        sum(
            ideal_seconds(len(ids), 500, args.concurrency, args.per_request, args.per_id)
            for _, ids in wanted
        )
        if args.concurrency == 1
        else ideal_seconds(len(picked), 500, args.concurrency, args.per_request, args.per_id)
    )
    await sgp.aclose()
    return {
        "tasks": len(picked),
        "preview_s": preview,
        "assigned": summary.assigned,
        "job_s": wall,
        "ideal_s": ideal,
        "ratio": wall / ideal,
        "rss_before_mib": before_rss,
        "peak_rss_mib": rss_mib(),
        "load_1m": os.getloadavg()[0],
    }


def child(args: argparse.Namespace) -> None:
    size = args.child
    seed = {"eval_bench": [f"task-{i:06d}" for i in range(size)]}
    with PlatformProcess(KEY, seed, args.per_request, args.per_id) as platform:
        figures = asyncio.run(one_size(platform.url, args))
    stats = platform.stats
    assert stats is not None
    figures["max_in_flight"] = stats.max_in_flight
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--per-request", type=float, default=0.05)
    parser.add_argument("--per-id", type=float, default=0.0001)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args)
        return
    rows = []
    for size in args.tasks:
        command = [
            sys.executable,
            "-m",
            "bench.scale",
            "--child",
            str(size),
            "--per-request",
            str(args.per_request),
            "--per-id",
            str(args.per_id),
            "--concurrency",
            str(args.concurrency),
        ]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{row['tasks']:>7,} tasks: preview {row['preview_s']:.2f} s; job {row['job_s']:.2f} s "
            f"vs ideal {row['ideal_s']:.2f} s ({row['ratio']:.2f}x); peak RSS "
            f"{row['peak_rss_mib']:.0f} MiB (before {row['rss_before_mib']:.0f}); "
            f"max in flight {row['max_in_flight']}; load {row['load_1m']:.2f}",
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
