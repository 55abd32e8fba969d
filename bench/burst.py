"""A burst of `/assign` at a fixed rate: the bot beside an ack-only Bolt app, and a job beside it.

    python -m bench.burst [--rate 100] [--seconds 10] [--rounds 3]
        [--json docs/bench-results/burst.json]

Slack sends slash commands when people type them, not when the app is ready: the generator
(bench/load.py `send_at_rate`) is open-loop, request i due at start + i / rate, and each ack is
timed from its due time. Every party is a real process: the bot (`python -m bot`), the minimal
Bolt app in the bot's mode (bench/minimal_app.py, `process_before_response=True`), a fake
Slack that notes when each response_url post arrives, and a fake platform at 50 ms a request +
0.1 ms an id. Rounds alternate between the two apps (bot first, then the minimal app first) so
a noisy moment does not fall on one only; the round with the median ack p99 is reported.

Every request has a response_url of its own, so each preview is timed from its request's due
time to its arrival at the fake Slack. Then as many bot rounds each confirm a 10,000-id job one
second into the burst and time it, Confirm to its "Assigned" post, beside its ideal from the
fake's service times (bench.assign_throughput.ideal_seconds); the job with the median ratio is
reported, with the acks and previews of its round and those due while it ran.
Targets: ack p99 at most 1.5x the minimal app's, previews within 150 ms at p99, the job within
1.25x of its ideal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.ack_latency import (
    ADMIN,
    BOT_TOKEN,
    LEAD,
    SECRET,
    SGP_KEY,
    bot_environment,
    form,
    load,
    percentiles,
    process,
    wait_ready,
)
from bench.assign_throughput import ideal_seconds
from bench.load import BurstResult, send_at_rate, signed_requests
from bench.platform_process import PlatformProcess, SlackProcess
from bot.fakes.waiting import wait_until
from tests.fakes.server import free_port

PER_REQUEST, PER_ID = 0.05, 0.0001
JOB_IDS, CHUNK, CONCURRENCY = 10_000, 500, 4
#: Seconds into the burst at which the job is confirmed.
CONFIRM_AT = 1.0
ANSWER_TIMEOUT_SECONDS = 30
TARGET_ACK_RATIO, TARGET_PREVIEW_MS, TARGET_JOB_RATIO = 1.5, 150.0, 1.25


@dataclass(frozen=True)
class Burst:
    """One round's requests: `/assign` bodies, each with a response_url key of its own."""

    phase: str
    bodies: list[str]
    #: The index of a non-`/assign` request in the schedule (the job's Confirm), if any.
    extra: int | None = None


def burst_bodies(slack: SlackProcess, phase: str, count: int) -> list[str]:
    return [
        form("eval_1 t1 t2 t3 to me", LEAD, f"{slack.base_url}/response/{phase}-{index}")
        for index in range(count)
    ]


def fire(url: str, bodies: list[str], rate: float) -> BurstResult:
    return asyncio.run(send_at_rate(url, signed_requests(url, SECRET, bodies), rate))


def ack_row(result: BurstResult, keep: list[int]) -> dict[str, float]:
    return percentiles([result.latencies[i] for i in keep]) | {
        "send_lag_max_ms": max(result.sent[i] - result.due[i] for i in keep) * 1000,
    }


def preview_row(
    slack: SlackProcess, burst: Burst, result: BurstResult, keep: list[int]
) -> dict[str, float]:
    """Due time to the preview's arrival at the fake Slack, for the requests in `keep`."""
    prefix = f"{burst.phase}-"
    wait_until(
        lambda: len(slack.arrivals(prefix)) >= len(keep),
        f"{len(keep)} previews of {burst.phase}",
        ANSWER_TIMEOUT_SECONDS,
    )
    arrivals = slack.arrivals(prefix)
    waits = [arrivals[f"{prefix}{i}"][0] - result.due[i] for i in keep]
    return {f"preview_{k}": v for k, v in percentiles(waits).items()}


def measure(
    url: str, slack: SlackProcess, phase: str, args: argparse.Namespace, answers: bool
) -> dict[str, Any]:
    count = int(args.rate * args.seconds)
    burst = Burst(phase, burst_bodies(slack, phase, count))
    result = fire(url, burst.bodies, args.rate)
    everyone = list(range(count))
    row: dict[str, Any] = ack_row(result, everyone)
    if answers:
        row |= preview_row(slack, burst, result, everyone)
    return row | {"load_1m": os.getloadavg()[0], "requests": count}


def job_preview(bot_url: str, slack: SlackProcess, key: str) -> str:
    """Ask for a 10,000-id preview (answered on response_url `key`); the Confirm's value."""
    ids = " ".join(f"t{i}" for i in range(JOB_IDS))
    load(bot_url, [form(f"eval_big {ids} to me", LEAD, f"{slack.base_url}/response/{key}")], 1)
    preview = wait_until(lambda: slack.posts(key), "the job's preview", timeout=60)[0]
    return str(
        next(
            e["value"]
            for b in preview["blocks"]
            for e in b.get("elements", [])
            if e.get("action_id") == "assign_confirm"
        )
    )


def confirm_body(slack: SlackProcess, token: str, key: str) -> str:
    click = {
        "type": "block_actions",
        "user": {"id": LEAD},
        "team": {"id": "T1"},
        "channel": {"id": "CBENCH"},
        "response_url": f"{slack.base_url}/response/{key}",
        "actions": [{"action_id": "assign_confirm", "value": token, "type": "button"}],
    }
    return urlencode({"payload": json.dumps(click)})


def with_job(
    bot_url: str, slack: SlackProcess, args: argparse.Namespace, number: int
) -> dict[str, Any]:
    """A bot round with a job confirmed CONFIRM_AT s in; the job, and the acks beside it."""
    token = job_preview(bot_url, slack, f"job{number}")
    count, done = int(args.rate * args.seconds), f"job{number}c"
    extra = int(args.rate * CONFIRM_AT)
    phase = f"busy{number}"
    bodies = burst_bodies(slack, phase, count)
    bodies.insert(extra, confirm_body(slack, token, done))
    result = fire(bot_url, bodies, args.rate)
    load_1m = os.getloadavg()[0]

    def done_at() -> float | None:
        posts, times = slack.posts(done), slack.arrivals(done).get(done, [])
        hits = [t for p, t in zip(posts, times, strict=False) if "Assigned" in json.dumps(p)]
        return hits[0] if hits else None

    try:
        hit = wait_until(done_at, "the job's result", ANSWER_TIMEOUT_SECONDS)
    except AssertionError:
        print(f"the job's posts: {slack.posts(done)}", file=sys.stderr)
        raise
    finished, confirmed = float(hit or 0.0), result.due[extra]
    job_seconds = finished - confirmed
    ideal = ideal_seconds(JOB_IDS, CHUNK, CONCURRENCY, PER_REQUEST, PER_ID)
    # The /assign requests (their keys are busyN-0.. in order, the Confirm left out).
    order = [i for i in range(count + 1) if i != extra]
    result = BurstResult(
        [result.due[i] for i in order],
        [result.sent[i] for i in order],
        [result.latencies[i] for i in order],
    )
    during = [i for i, due in enumerate(result.due) if confirmed <= due <= finished]
    everyone = list(range(count))
    burst = Burst(phase, bodies)
    return {
        "job_s": job_seconds,
        "confirmed_at": confirmed,
        "finished_at": finished,
        "ideal_s": ideal,
        "ratio": job_seconds / ideal,
        "load_1m": load_1m,
        "requests": count,
        "all": ack_row(result, everyone) | preview_row(slack, burst, result, everyone),
        "during_job": ack_row(result, during)
        | preview_row(slack, burst, result, during)
        | {"requests": len(during)},
    }


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median ack p99, every round's p99 and load beside it."""
    ordered = sorted(rounds, key=lambda row: row["p99_ms"])
    return ordered[len(ordered) // 2] | {
        "p99_ms_rounds": [row["p99_ms"] for row in rounds],
        "load_1m_rounds": [row["load_1m"] for row in rounds],
    }


def with_spans(job: dict[str, Any], spans: tuple[tuple[float, float], ...]) -> dict[str, Any]:
    """The job's chunks at the platform (the only PATCHes of the run are the jobs'), first
    sent to last answered."""
    mine = [(a, b) for a, b in spans if job["confirmed_at"] <= a <= job["finished_at"]]
    first, last = min(a for a, _ in mine), max(b for _, b in mine)
    return job | {
        "chunks_s": last - first,
        "chunks_ratio": (last - first) / job["ideal_s"],
        "confirm_to_first_chunk_s": first - job["confirmed_at"],
        "last_chunk_to_result_s": job["finished_at"] - last,
        "patches": len(mine),
    }


def median_job(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """The job with the median ratio to its ideal (one per round), every round's beside it."""
    ordered = sorted(jobs, key=lambda job: job["ratio"])
    return ordered[len(ordered) // 2] | {"ratio_rounds": [job["ratio"] for job in jobs]}


def rounds_of(
    urls: dict[str, str], slack: SlackProcess, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Each contender's median round: a 1 s warm-up each, then rounds taken in turn."""
    for name, url in urls.items():
        warm = argparse.Namespace(rate=args.rate, seconds=1)
        measure(url, slack, f"warm-{name}", warm, answers=name == "bot")
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
    for number in range(args.rounds):
        order = list(urls) if number % 2 == 0 else list(reversed(urls))
        for name in order:
            row = measure(urls[name], slack, f"r{number}-{name}", args, name == "bot")
            rounds[name].append(row)
            print(
                f"  round {number + 1} {name}: ack p99 {row['p99_ms']:.1f} ms, "
                f"load {row['load_1m']:.2f}",
                file=sys.stderr,
                flush=True,
            )
    return {name: median_round(rounds[name]) for name in urls}


def run(args: argparse.Namespace) -> dict[str, Any]:
    seed = {"eval_1": ["t1", "t2", "t3"], "eval_big": [f"t{i}" for i in range(JOB_IDS)]}
    results: dict[str, Any] = {
        "rate": args.rate,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "per_request": PER_REQUEST,
        "per_id": PER_ID,
        "web_processes": args.web_processes,
        "worker_process": args.worker_process,
    }
    with (
        SlackProcess(BOT_TOKEN) as slack,
        PlatformProcess(SGP_KEY, seed, PER_REQUEST, PER_ID) as platform,
    ):
        ports = {"bot": free_port(), "minimal_pbr": free_port()}
        urls = {name: f"http://127.0.0.1:{port}/slack/events" for name, port in ports.items()}
        minimal = [sys.executable, "-m", "bench.minimal_app", str(ports["minimal_pbr"])]
        minimal += [SECRET, BOT_TOKEN, f"{slack.base_url}/api/", "--process-before-response"]
        env = bot_environment(slack.base_url, platform.url, ports["bot"]) | {
            "WEB_CONCURRENCY": str(args.web_processes),
            "ASSIGN_WORKER_IN_WEB": "false" if args.worker_process else "true",
        }
        with ExitStack() as stack:
            stack.enter_context(process([sys.executable, "-m", "bot"], env))
            stack.enter_context(process(minimal))
            if args.worker_process:
                worker_env = env | {"PORT": str(free_port())}
                stack.enter_context(process([sys.executable, "-m", "bot", "worker"], worker_env))
            for url in urls.values():
                wait_ready(url)
            setup = f"{slack.base_url}/response/setup"
            load(urls["bot"], [form(f"link <@{LEAD}> user-lead", ADMIN, setup)], 1)
            results |= rounds_of(urls, slack, args)
            jobs = [with_job(urls["bot"], slack, args, n) for n in range(args.rounds)]
    assert platform.stats is not None
    #: The most requests the platform had at once: the previews' listings and the job's chunks
    #: share the bot's ASSIGN_PLATFORM_MAX_IN_FLIGHT.
    results["platform_max_in_flight"] = platform.stats.max_in_flight
    spans = platform.stats.patch_spans
    results["with_job"] = median_job([with_spans(job, spans) for job in jobs])
    return results | verdicts(results)


def verdicts(results: dict[str, Any]) -> dict[str, Any]:
    bot, pbr, job = results["bot"], results["minimal_pbr"], results["with_job"]
    ack_ratio = bot["p99_ms"] / pbr["p99_ms"]
    met = {
        "acks": ack_ratio <= TARGET_ACK_RATIO,
        "previews": bot["preview_p99_ms"] <= TARGET_PREVIEW_MS,
        "job": job["ratio"] <= TARGET_JOB_RATIO,
        "job_chunks": job["chunks_ratio"] <= TARGET_JOB_RATIO,
    }
    return {"ack_ratio": ack_ratio, "met": met}


def _line(name: str, row: dict[str, Any]) -> str:
    text = (
        f"{name:<34} ack p50 {row['p50_ms']:6.1f}  p95 {row['p95_ms']:6.1f}  "
        f"p99 {row['p99_ms']:6.1f}"
    )
    if "preview_p99_ms" in row:
        text += f"  preview p50 {row['preview_p50_ms']:6.1f}  p99 {row['preview_p99_ms']:6.1f}"
    return text + f" ms  (send lag max {row['send_lag_max_ms']:.1f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--web-processes", type=int, default=4, help="the bot's WEB_CONCURRENCY")
    parser.add_argument(
        "--worker-process",
        action="store_true",
        help="jobs in a `python -m bot worker` process of their own (ASSIGN_WORKER_IN_WEB=false)",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = run(args)
    job = results["with_job"]
    print(
        f"{args.rate:.0f} /assign a second for {args.seconds:.0f} s, open-loop; median of "
        f"{args.rounds} rounds by ack p99"
    )
    print(_line("bot", results["bot"]) + f"  load {results['bot']['load_1m']:.2f}")
    print(
        _line("minimal, process_before_response", results["minimal_pbr"])
        + f"  load {results['minimal_pbr']['load_1m']:.2f}"
    )
    print(_line("bot, whole job round", job["all"]))
    print(_line(f"bot, {job['during_job']['requests']} due during the job", job["during_job"]))
    print(
        f"ack p99 ratio {results['ack_ratio']:.2f} (target <= {TARGET_ACK_RATIO}); "
        f"10,000-id job (the median of {len(job['ratio_rounds'])}: "
        f"{', '.join(f'{r:.2f}x' for r in job['ratio_rounds'])}) {job['job_s']:.2f} s vs ideal "
        f"{job['ideal_s']:.2f} s ({job['ratio']:.2f}x, target <= {TARGET_JOB_RATIO}), "
        f"load {job['load_1m']:.2f}; "
        f"its {job['patches']} chunks {job['chunks_s']:.2f} s ({job['chunks_ratio']:.2f}x); "
        f"Confirm to first chunk {job['confirm_to_first_chunk_s']:.2f} s, last chunk to "
        f"result {job['last_chunk_to_result_s']:.2f} s; "
        f"met: {results['met']}; most in flight at the platform "
        f"{results['platform_max_in_flight']}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
