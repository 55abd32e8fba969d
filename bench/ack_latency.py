"""How fast the bot acks `/assign`, beside Bolt apps that only ack, on the same server stack.

    python -m bench.ack_latency [--requests 1000] [--in-flight 10] [--rounds 3]
        [--saturation 2000] [--no-job] [--json docs/bench-results/ack_latency.json]

Every party is a real process: the bot (`python -m bot`, uvicorn), two minimal Bolt apps
(bench/minimal_app.py: Bolt's default, and `process_before_response=True` as the bot runs
Bolt), a fake Slack and a fake platform (200 ms per request). A light generator
(bench/load.py) sends signed `/assign` requests with a fixed number in flight and times each
HTTP answer, the ack. Each contender is measured in `--rounds` rounds, taken in turn so a
noisy moment does not fall on one contender only; the round with the median p99 is reported,
with every round's p99 beside it.

The bot's acks come before its answers: the preview reaches the response_url later. The
answers are counted at the fake Slack, so the bot's rows also say how long it took until
every preview was posted, and how many previews per second it posts at saturation.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.load import send_all, signed_requests
from bench.platform_process import PlatformProcess, SlackProcess
from bot.fakes.waiting import wait_until
from tests.fakes.server import free_port

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
SGP_KEY = "bench-sgp-key-0123456789"
ADMIN, LEAD = "UADMIN", "ULEAD"
JOB_IDS = 10_000
SATURATION_IN_FLIGHT = 50
#: How long the bot gets to post every preview after the last ack.
ANSWER_TIMEOUT_SECONDS = 120


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


def load(url: str, bodies: list[str], in_flight: int) -> tuple[list[float], float]:
    """Send every body, signed, with `in_flight` at a time; each latency, and the wall time."""
    result = asyncio.run(send_all(url, signed_requests(url, SECRET, bodies), in_flight))
    return result.latencies, result.wall_seconds


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
        # The fake's assignments expire in a day: with the default 24 h window, each job's
        # reminder digest (a listing of the whole evaluation) would come within a poll of the
        # job, in the middle of the next round's. 1 h keeps reminders on and out of the runs.
        "ASSIGN_REMIND_BEFORE_HOURS": "1",
    }


@dataclass
class Contender:
    name: str
    url: str
    #: Whether it answers on the response_url (the bot) or only acks.
    answers: bool


class Measurer:
    """Sends `/assign` loads to a contender; for the bot, also waits for every answer."""

    def __init__(self, slack: SlackProcess) -> None:
        self.slack = slack
        self._phase = 0

    def run(self, contender: Contender, requests: int, in_flight: int) -> dict[str, float]:
        """Ack percentiles and acks/s; for an answering contender, when the answers were in."""
        self._phase += 1
        # A response_url of its own per request, as Slack gives: the bot posts at most 5
        # times on one (ResponseUrlUses), and answers the rest ephemerally.
        key = f"{contender.name}-{self._phase}-"
        base = f"{self.slack.base_url}/response/{key}"
        commands = [form("eval_1 t1 t2 t3 to me", LEAD, f"{base}{i}") for i in range(requests)]
        started = time.perf_counter()
        latencies, wall = load(contender.url, commands, in_flight)
        row = percentiles(latencies) | {"acks_per_second": requests / wall}
        if contender.answers:
            wait_until(
                lambda: len(self.slack.arrivals(key)) >= requests,
                f"{requests} answers from {contender.name}",
                ANSWER_TIMEOUT_SECONDS,
            )
            answered = time.perf_counter() - started
            row |= {"answered_seconds": answered, "answers_per_second": requests / answered}
        return row


def median_round(rounds: list[dict[str, float]]) -> dict[str, Any]:
    """The round with the median p99, and every round's p99 beside it."""
    ordered = sorted(rounds, key=lambda row: row["p99_ms"])
    return ordered[len(ordered) // 2] | {"p99_ms_rounds": [row["p99_ms"] for row in rounds]}


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "requests": args.requests,
        "in_flight": args.in_flight,
        "rounds": args.rounds,
        "saturation_in_flight": SATURATION_IN_FLIGHT,
    }
    seed = {"eval_1": ["t1", "t2", "t3"], "eval_big": [f"t{i}" for i in range(JOB_IDS)]}
    with SlackProcess(BOT_TOKEN) as slack, PlatformProcess(SGP_KEY, seed, 0.2, 0.0004) as platform:
        ports = {name: free_port() for name in ("bot", "minimal", "minimal_pbr")}
        contenders = [
            Contender(name, f"http://127.0.0.1:{port}/slack/events", answers=name == "bot")
            for name, port in ports.items()
        ]
        minimal = [sys.executable, "-m", "bench.minimal_app"]
        minimal_args = [SECRET, BOT_TOKEN, f"{slack.base_url}/api/"]
        env = bot_environment(slack.base_url, platform.url, ports["bot"])
        with (
            process([sys.executable, "-m", "bot"], env) as bot_process,
            process([*minimal, str(ports["minimal"]), *minimal_args]),
            process(
                [*minimal, str(ports["minimal_pbr"]), *minimal_args, "--process-before-response"]
            ),
        ):
            for contender in contenders:
                wait_ready(contender.url)
            results["bot_idle_rss_mib"] = memory_mib(bot_process.pid, "VmRSS")
            bot_url = contenders[0].url
            response_url = f"{slack.base_url}/response/setup"
            load(bot_url, [form(f"link <@{LEAD}> user-lead", ADMIN, response_url)], 1)
            measure = Measurer(slack)
            for contender in contenders:
                measure.run(contender, 50, args.in_flight)  # warm up
            rounds: dict[str, list[dict[str, float]]] = {c.name: [] for c in contenders}
            for _ in range(args.rounds):
                for contender in contenders:
                    rounds[contender.name].append(
                        measure.run(contender, args.requests, args.in_flight)
                    )
            for contender in contenders:
                saturated = measure.run(contender, args.saturation, SATURATION_IN_FLIGHT)
                results[contender.name] = median_round(rounds[contender.name]) | {
                    "saturation_acks_per_second": saturated["acks_per_second"],
                    **(
                        {"saturation_answers_per_second": saturated["answers_per_second"]}
                        if contender.answers
                        else {}
                    ),
                }
            if not args.no_job:
                results["bot_during_job"] = during_job(bot_url, slack, measure, args)
            results["bot_peak_rss_mib"] = memory_mib(bot_process.pid, "VmHWM")
    return results


def during_job(
    bot_url: str, slack: SlackProcess, measure: Measurer, args: argparse.Namespace
) -> dict[str, Any]:
    """Start a 10,000-id job in the bot, then measure acks while it runs."""
    ids = " ".join(f"t{i}" for i in range(JOB_IDS))
    key = "benchjob"
    load(bot_url, [form(f"eval_big {ids} to me", LEAD, f"{slack.base_url}/response/{key}")], 1)
    preview = wait_until(lambda: slack.posts(key), "the job's preview", timeout=60)[0]
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
    load(bot_url, [urlencode({"payload": json.dumps(click)})], 1)
    row = measure.run(Contender("bot-busy", bot_url, answers=True), args.requests, args.in_flight)

    def job_done() -> bool:
        return any("Assigned" in json.dumps(p) for p in slack.posts(f"{key}c"))

    overlapped = not job_done()  # else part of the round ran beside no job: say so
    if not overlapped:
        print("  (the job ended before the round did)", file=sys.stderr)
    wait_until(job_done, "the job's result", timeout=ANSWER_TIMEOUT_SECONDS)
    return row | {"job_seconds": time.perf_counter() - started, "job_outlasted_round": overlapped}


NAMES = {
    "bot": "bot",
    "minimal": "minimal Bolt app",
    "minimal_pbr": "minimal, process_before_response",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--saturation", type=int, default=2000)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-job", action="store_true", help="skip the run beside a job")
    args = parser.parse_args()
    results = run(args)
    print(
        f"{args.requests} signed /assign requests, {args.in_flight} in flight, "
        f"median of {args.rounds} rounds; saturation: {SATURATION_IN_FLIGHT} in flight"
    )
    for key, name in NAMES.items():
        row = results[key]
        rounds = ", ".join(f"{p99:.1f}" for p99 in row["p99_ms_rounds"])
        print(
            f"{name:<34} p50 {row['p50_ms']:5.1f}  p95 {row['p95_ms']:5.1f}  "
            f"p99 {row['p99_ms']:5.1f} ms (rounds: {rounds})  "
            f"saturation {row['saturation_acks_per_second']:5.0f} acks/s"
        )
    bot = results["bot"]
    print(
        f"bot answers: all {args.requests} previews posted {bot['answered_seconds']:.2f} s after "
        f"the first request; {bot['saturation_answers_per_second']:.0f} previews/s at saturation"
    )
    busy = results.get("bot_during_job")
    if busy:
        print(
            f"{'bot during a job':<34} p50 {busy['p50_ms']:5.1f}  p95 {busy['p95_ms']:5.1f}  "
            f"p99 {busy['p99_ms']:5.1f} ms  (10,000-id job took {busy['job_seconds']:.1f} s)"
        )
    print(
        f"bot RSS: {results['bot_idle_rss_mib']:.0f} MiB idle, "
        f"{results['bot_peak_rss_mib']:.0f} MiB peak"
    )
    for key in ("minimal", "minimal_pbr"):
        print(
            f"bot p99 / {NAMES[key]} p99 = {bot['p99_ms'] / results[key]['p99_ms']:.2f}"
            + (" (target: under 100 ms and within 2x)" if key == "minimal" else "")
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
