"""Assigning 10,000 tasks: the bot's client beside what a user would script with the SDK.

    python -m bench.compare_sdk [--ids 10000] [--loop-ids 1000] [--per-request 0.05]
        [--per-id 0.0001] [--json docs/bench-results/compare_sdk.json]

Same fake platform (in its own process, with a latency model: a fixed cost per request plus a
cost per id), same run. Contenders, each in a fresh process so its peak RSS is its own:
- bot: the bot's job runner (chunks of 500, 4 in flight, results checked and recorded);
- sdk-loop: a loop over the official `scale-gp` SDK's single-task `evaluations.tasks.update`,
  on --loop-ids ids and scaled up linearly to --ids (said so in the output);
- sdk-patch: one unchunked batch-assign call through the SDK's generic `patch`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.platform_process import PlatformProcess

KEY = "bench-sgp-key-0123456789"
EVALUATION = "eval_bench"


def task_ids(count: int) -> list[str]:
    return [f"task-{i:06d}" for i in range(count)]


def run_bot(url: str, ids: list[str]) -> int:
    import fakeredis

    from bot.core.confirmation import Assignee, Confirmation, Share
    from bot.core.job import Job
    from bot.jobs.records import JobRecords
    from bot.jobs.runner import JobRunner
    from bot.sgp.client import SGPClient
    from bot.store.connection import Store

    async def go() -> int:
        now = datetime.now(UTC)
        share = Share(assignee=Assignee(platform_user_id="user-1"), task_ids=tuple(ids))
        request = Confirmation(
            team_id="T",
            requester_id="U",
            channel_id="C",
            evaluation_id=EVALUATION,
            shares=(share,),
            created_at=now,
            expires_at=now,
        )
        store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="bench:")
        async with SGPClient(base_url=url, api_key=KEY) as sgp:
            runner = JobRunner(JobRecords(store.redis, store.key), sgp, "bench", 60_000)
            summary = await runner.run(Job(id="b", confirmation=request, created_at=now))
        return summary.assigned

    return asyncio.run(go())


def run_sdk_loop(url: str, ids: list[str]) -> int:
    from scale_gp import SGPClient

    client = SGPClient(api_key=KEY, base_url=url)
    assigned = 0
    for task_id in ids:
        task = client.evaluations.tasks.update(
            task_id, evaluation_id=EVALUATION, assigned_to="user-1"
        )
        assigned += task is not None and task.assigned_to == "user-1"
    return assigned


def run_sdk_patch(url: str, ids: list[str]) -> int:
    from scale_gp import SGPClient

    client = SGPClient(api_key=KEY, base_url=url)
    tasks: Any = client.patch(
        f"/v4/evaluations/{EVALUATION}/tasks/batch-assign",
        body={"task_ids": ids, "assigned_to": "user-1"},
        cast_to=object,
    )
    return sum(1 for task in tasks or [] if task.get("assigned_to") == "user-1")


CONTENDERS = {"bot": run_bot, "sdk-loop": run_sdk_loop, "sdk-patch": run_sdk_patch}


def contender_main(name: str, url: str, count: int) -> None:
    """Child process: run one contender, print its figures as JSON."""
    ids = task_ids(count)
    started = time.perf_counter()
    assigned = CONTENDERS[name](url, ids)
    wall = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "assigned": assigned, "peak_rss_mb": rss_mb}))


def measure(name: str, count: int, args: argparse.Namespace) -> dict[str, Any]:
    seed = {EVALUATION: task_ids(count)}
    with PlatformProcess(KEY, seed, args.per_request, args.per_id) as platform:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.compare_sdk",
                "--contender",
                name,
                "--url",
                platform.url,
                "--ids",
                str(count),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    assert platform.stats is not None
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures |= {"name": name, "ids": count, "requests": platform.stats.patch_requests}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--loop-ids", type=int, default=1_000)
    parser.add_argument("--per-request", type=float, default=0.05)
    parser.add_argument("--per-id", type=float, default=0.0001)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--contender", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        contender_main(args.contender, args.url, args.ids)
        return

    rows = [
        measure("bot", args.ids, args),
        measure("sdk-patch", args.ids, args),
        measure("sdk-loop", args.loop_ids, args),
    ]
    loop = rows[2]
    scale = args.ids / loop["ids"]
    loop |= {
        "scaled_from": loop["ids"],
        "wall": loop["wall"] * scale,
        "requests": round(loop["requests"] * scale),
        "assigned": round(loop["assigned"] * scale),
        "ids": args.ids,
    }
    bot = rows[0]
    print(
        f"latency model: {args.per_request * 1000:.0f} ms per request + "
        f"{args.per_id * 1000:.2f} ms per id; {args.ids:,} ids"
    )
    print(
        f"{'contender':<10} {'wall s':>9} {'requests':>9} {'assigned':>9} {'peak RSS MiB':>13} "
        f"{'x bot':>7}"
    )
    for row in rows:
        note = (
            f"  (measured on {row['scaled_from']:,} ids, scaled x{scale:g})"
            if "scaled_from" in row
            else ""
        )
        print(
            f"{row['name']:<10} {row['wall']:>9.2f} {row['requests']:>9,} {row['assigned']:>9,} "
            f"{row['peak_rss_mb']:>13.0f} {row['wall'] / bot['wall']:>7.1f}{note}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"per_request": args.per_request, "per_id": args.per_id, "rows": rows}, indent=2
            )
        )


if __name__ == "__main__":
    main()
