"""How fast the bot acks `/assign`, beside a Bolt app that only acks, on the same server stack.

    python -m bench.ack_latency [--requests 1000] [--in-flight 10] [--saturation 2000]
        [--json docs/bench-results/ack_latency.json]

Both apps run as real processes (`python -m bot` with uvicorn; bench/minimal_app.py), with a
fake Slack and a fake platform in processes of their own. A client sends signed `/assign`
requests with a fixed number in flight and times each HTTP answer (the ack). Reported:
p50/p95/p99 at 10 in flight, requests per second at 50 in flight, and the bot's p99 while a
10,000-id assignment job runs in the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.platform_process import PlatformProcess, SlackProcess
from tests.e2e.slack_requests import sign
from tests.fakes.server import free_port

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
SGP_KEY = "bench-sgp-key-0123456789"
ADMIN, LEAD = "UADMIN", "ULEAD"
JOB_IDS = 10_000


def form(text: str, user: str, response_url: str) -> str:
    return urlencode(
        {
            "command": "/assign",
            "text": text,
            "team_id": "T1",
            "channel_id": "CBENCH",
            "user_id": user,
            "response_url": response_url,
            "trigger_id": "t",
            "api_app_id": "A1",
        }
    )


async def load(url: str, bodies: list[str], in_flight: int) -> tuple[list[float], float]:
    """Send every body with `in_flight` at a time; each request's latency, and the wall time."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    failures: list[int] = []
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)

    async def sender(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            headers = sign(SECRET, body)
            started = time.perf_counter()
            try:
                response = await client.post(url, content=body, headers=headers)
            except httpx.TransportError:
                # A kept-alive connection the server closed as it was reused: counted, and the
                # request sent again on a fresh one (what Slack does is retry nothing, so the
                # count is reported).
                failures.append(1)
                started = time.perf_counter()
                response = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(sender(client) for _ in range(in_flight)))
        if failures:
            print(f"  ({len(failures)} connection errors, each sent again)", file=sys.stderr)
        return latencies, time.perf_counter() - started


def percentiles(latencies: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


@contextmanager
def process(
    args: list[str], env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield child
    finally:
        child.terminate()
        child.wait(timeout=30)


def memory_mib(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def wait_for(condition: Any, what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(url, content=b"", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def bot_environment(slack_url: str, sgp_url: str, port: int) -> dict[str, str]:
    return os.environ | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{slack_url}/api/",
        "SGP_API_KEY": SGP_KEY,
        "SGP_CLIENT_BASE_URL": sgp_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "ASSIGN_ADMINS": ADMIN,
        "LOG_LEVEL": "WARNING",
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    slack = SlackProcess(BOT_TOKEN).__enter__()
    response_url = f"{slack.base_url}/response/bench"
    command = form("eval_1 t1 t2 t3 to me", LEAD, response_url)
    results: dict[str, Any] = {"requests": args.requests, "in_flight": args.in_flight}
    seed = {"eval_1": ["t1", "t2", "t3"], "eval_big": [f"t{i}" for i in range(JOB_IDS)]}
    try:
        with PlatformProcess(SGP_KEY, seed, 0.2, 0.0004) as platform:
            bot_port, minimal_port = free_port(), free_port()
            bot_url = f"http://127.0.0.1:{bot_port}/slack/events"
            minimal_url = f"http://127.0.0.1:{minimal_port}/slack/events"
            env = bot_environment(slack.base_url, platform.url, bot_port)
            with (
                process([sys.executable, "-m", "bot"], env) as bot_process,
                process(
                    [
                        sys.executable,
                        "-m",
                        "bench.minimal_app",
                        str(minimal_port),
                        SECRET,
                        BOT_TOKEN,
                        f"{slack.base_url}/api/",
                    ]
                ),
            ):
                wait_ready(bot_url)
                wait_ready(minimal_url)
                results["bot_idle_rss_mib"] = memory_mib(bot_process.pid, "VmRSS")
                link = form(f"link <@{LEAD}> user-lead", ADMIN, response_url)
                asyncio.run(load(bot_url, [link], 1))
                for name, url in (("bot", bot_url), ("minimal", minimal_url)):
                    asyncio.run(load(url, [command] * 50, args.in_flight))  # warm up
                    latencies, _ = asyncio.run(load(url, [command] * args.requests, args.in_flight))
                    _, wall = asyncio.run(load(url, [command] * args.saturation, 50))
                    results[name] = percentiles(latencies) | {
                        "saturation_rps": args.saturation / wall
                    }
                if not args.no_job:
                    results["bot_during_job"] = during_job(
                        bot_url, slack, response_url, command, args
                    )
                results["bot_peak_rss_mib"] = memory_mib(bot_process.pid, "VmHWM")
    finally:
        slack.__exit__()
    return results


def during_job(
    bot_url: str, slack: SlackProcess, response_url: str, command: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Start a 10,000-id job in the bot, then measure acks while it runs."""
    ids = " ".join(f"t{i}" for i in range(JOB_IDS))
    key = "benchjob"
    asyncio.run(
        load(bot_url, [form(f"eval_big {ids} to me", LEAD, f"{slack.base_url}/response/{key}")], 1)
    )
    preview = wait_for(lambda: slack.posts(key), "the job's preview")[0]
    token = next(
        e["value"]
        for b in preview["blocks"]
        for e in b.get("elements", [])
        if e.get("action_id") == "assign_confirm"
    )
    click = {
        "type": "block_actions",
        "user": {"id": LEAD},
        "team": {"id": "T1"},
        "channel": {"id": "CBENCH"},
        "response_url": f"{slack.base_url}/response/{key}c",
        "actions": [{"action_id": "assign_confirm", "value": token, "type": "button"}],
    }
    started = time.perf_counter()
    asyncio.run(load(bot_url, [urlencode({"payload": json.dumps(click)})], 1))
    latencies, _ = asyncio.run(load(bot_url, [command] * args.requests, args.in_flight))
    wait_for(
        lambda: any("Assigned" in json.dumps(p) for p in slack.posts(f"{key}c")),
        "the job's result",
        timeout=120,
    )
    job_seconds = time.perf_counter() - started
    return percentiles(latencies) | {"job_seconds": job_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=10)
    parser.add_argument("--saturation", type=int, default=2000)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-job", action="store_true", help="skip the run beside a job")
    args = parser.parse_args()
    results = run(args)
    bot, minimal = results["bot"], results["minimal"]
    print(f"{args.requests} signed /assign requests, {args.in_flight} in flight")
    for name, row in (("bot", bot), ("minimal Bolt app", minimal)):
        print(
            f"{name:<18} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
            f"p99 {row['p99_ms']:6.1f} ms  "
            f"saturation {row['saturation_rps']:6.0f} req/s (50 in flight)"
        )
    busy = results.get("bot_during_job")
    if busy:
        print(
            f"{'bot during a job':<18} p50 {busy['p50_ms']:6.1f} ms  p95 {busy['p95_ms']:6.1f} ms"
            f"  p99 {busy['p99_ms']:6.1f} ms  (10,000-id job took {busy['job_seconds']:.1f} s)"
        )
    print(
        f"bot RSS: {results['bot_idle_rss_mib']:.0f} MiB idle, "
        f"{results['bot_peak_rss_mib']:.0f} MiB peak"
    )
    print(
        f"bot p99 / minimal p99 = {bot['p99_ms'] / minimal['p99_ms']:.2f} (target: under 100 ms "
        "and within 2x)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
