"""10,000 task ids through the bot's job runner against the fake platform's latency model.

    python -m bench.assign_throughput [--ids 10000] [--chunk-size 500] [--concurrency 4]
        [--per-request 0.2] [--per-id 0.0004]

The fake charges a fixed cost per request plus a cost per id, so the ideal wall time for the
configured chunking is rounds x (per_request + per_id x chunk), with rounds = ceil(chunks /
concurrency). Prints the measured time, the ratio to ideal (target: at most 1.25), requests
made, and the peak memory the run added (tracemalloc) and the process peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import fakeredis

from bench.platform_process import PlatformProcess
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.job import Job
from bot.jobs.records import JobRecords
from bot.jobs.runner import JobRunner
from bot.sgp.client import SGPClient
from bot.store.connection import Store

KEY = "bench-sgp-key-0123456789"


def ideal_seconds(
    ids: int, chunk: int, concurrency: int, per_request: float, per_id: float
) -> float:
    """`concurrency` chunks at a time, each round as slow as its largest chunk."""
    sizes = [min(chunk, ids - start) for start in range(0, ids, chunk)]
    rounds = [sizes[i : i + concurrency] for i in range(0, len(sizes), concurrency)]
    return sum(per_request + per_id * max(batch) for batch in rounds)


async def run(args: argparse.Namespace, platform_url: str) -> tuple[float, int]:
    ids = [f"task-{i:06d}" for i in range(args.ids)]
    now = datetime.now(UTC)
    job = Job(
        id="bench",
        confirmation=Confirmation(
            team_id="T1",
            requester_id="U1",
            channel_id="C1",
            evaluation_id="eval_bench",
            shares=(Share(assignee=Assignee(platform_user_id="user-1"), task_ids=tuple(ids)),),
            created_at=now,
            expires_at=now,
        ),
        created_at=now,
    )
    store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="bench:")
    sgp = SGPClient(
        base_url=platform_url, api_key=KEY, chunk_size=args.chunk_size, concurrency=args.concurrency
    )
    runner = JobRunner(JobRecords(store.redis, store.key), sgp, "bench", 60_000)
    started = time.perf_counter()
    summary = await runner.run(job)
    elapsed = time.perf_counter() - started
    await sgp.aclose()
    await store.aclose()
    return elapsed, summary.assigned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--per-request", type=float, default=0.2)
    parser.add_argument("--per-id", type=float, default=0.0004)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="measure peak Python allocations with tracemalloc (slows the run several times)",
    )
    args = parser.parse_args()

    seed = {"eval_bench": [f"task-{i:06d}" for i in range(args.ids)]}
    with PlatformProcess(KEY, seed, args.per_request, args.per_id) as platform:
        if args.trace_memory:
            tracemalloc.start()
        elapsed, assigned = asyncio.run(run(args, platform.url))
        peak = tracemalloc.get_traced_memory()[1] if args.trace_memory else 0
    stats = platform.stats
    assert stats is not None
    ideal = ideal_seconds(
        args.ids, args.chunk_size, args.concurrency, args.per_request, args.per_id
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ids={args.ids} chunk={args.chunk_size} concurrency={args.concurrency} "
        f"latency={args.per_request}s+{args.per_id}s/id"
    )
    print(
        f"assigned={assigned} requests={stats.patch_requests} max_in_flight={stats.max_in_flight}"
    )
    print(f"wall={elapsed:.3f}s ideal={ideal:.3f}s ratio={elapsed / ideal:.3f} (target <= 1.25)")
    traced = f"peak traced allocations={peak / 2**20:.1f} MiB, " if args.trace_memory else ""
    print(f"{traced}peak RSS of the bot's process={rss_mb:.0f} MiB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "ids": args.ids,
            "chunk_size": args.chunk_size,
            "concurrency": args.concurrency,
            "per_request": args.per_request,
            "per_id": args.per_id,
            "wall": elapsed,
            "ideal": ideal,
            "ratio": elapsed / ideal,
            "requests": stats.patch_requests,
            "max_in_flight": stats.max_in_flight,
            "peak_rss_mib": rss_mb,
        }
        args.json.write_text(json.dumps(figures, indent=2))
    if assigned != args.ids or elapsed / ideal > 1.25:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
