"""docs/benchmarks.md's burst section (bench.burst): acks beside the ack-only app, previews,
and the 10,000-id job beside the burst."""

from __future__ import annotations

from typing import Any


def met_word(ok: bool) -> str:
    return "met" if ok else "not met"


def burst_section(burst: dict[str, Any] | None) -> list[str]:
    """A fixed-rate burst of `/assign`: the bot beside the ack-only app, and a job beside it."""
    if burst is None:
        return []
    bot, pbr, job = burst["bot"], burst["minimal_pbr"], burst["with_job"]
    during = job["during_job"]
    met = burst["met"]

    def row(name: str, figures: dict[str, Any], load: float, previews: bool = True) -> str:
        preview = (
            f"{figures['preview_p50_ms']:.1f} | {figures['preview_p99_ms']:.1f}"
            if previews
            else " | "
        )
        return (
            f"| {name} | {figures['p50_ms']:.1f} | {figures['p95_ms']:.1f} | "
            f"{figures['p99_ms']:.1f} | {preview} | {load:.2f} |"
        )

    rounds = ", ".join(f"{p99:.1f}" for p99 in bot["p99_ms_rounds"])
    peer_rounds = ", ".join(f"{p99:.1f}" for p99 in pbr["p99_ms_rounds"])
    return [
        f"## A burst of {burst['rate']:.0f} `/assign` a second",
        "",
        f"Open-loop, as Slack sends: request i is due at start + i / {burst['rate']:.0f} s and "
        "goes out then whatever the earlier ones are doing (`bench/load.py` `send_at_rate`); "
        f"each burst lasts {burst['seconds']:.0f} s, and every ack and preview is timed from its "
        "request's due time (the preview: to its arrival at the fake Slack). The bot and the "
        "ack-only Bolt app in the bot's mode (`process_before_response=True`) take "
        f"{burst['rounds']} rounds each in turn; the round with the median ack p99 is shown "
        f"(bot rounds' p99: {rounds}; the app's: {peer_rounds}). Platform at "
        f"{burst['per_request'] * 1000:.0f} ms a request + {burst['per_id'] * 1000:.2f} ms an "
        "id: each preview lists its evaluation once.",
        "",
        "| | ack p50 ms | ack p95 ms | ack p99 ms | preview p50 ms | preview p99 ms | load 1m |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("bot (`python -m bot`)", bot, bot["load_1m"]),
        row("minimal Bolt app, process_before_response", pbr, pbr["load_1m"], previews=False),
        row("bot, the round with the median 10,000-id job", job["all"], job["load_1m"]),
        row(
            f"bot, the {during['requests']} requests due while the job ran", during, job["load_1m"]
        ),
        "",
        f"Bot ack p99 / the app's: **{burst['ack_ratio']:.2f}** (target at most 1.5: "
        f"**{met_word(met['acks'])}**). Previews posted within **{bot['preview_p99_ms']:.0f} ms** "
        f"at p99 (target 150 ms: **{met_word(met['previews'])}**); while the job ran, "
        f"{during['preview_p99_ms']:.0f} ms, and acks {during['p99_ms']:.1f} ms at p99 "
        f"({during['p99_ms'] / pbr['p99_ms']:.1f}x the app's).",
        "",
        *_burst_job(burst),
    ]


def _burst_job(burst: dict[str, Any]) -> list[str]:
    job, met = burst["with_job"], burst["met"]
    ratios = job.get("ratio_rounds", [job["ratio"]])
    where = f"one of the {burst.get('web_processes', 1)} web processes' workers"
    if burst.get("worker_process"):
        where = f"a `python -m bot worker` of its own beside {burst['web_processes']} web processes"
    return [
        f"The bot ran as `WEB_CONCURRENCY={burst.get('web_processes', 1)} python -m bot` on a "
        f"real Redis. {len(ratios)} jobs of 10,000 ids, each confirmed 1 s into a burst of its own "
        f"and run by {where}, took {', '.join(f'{r:.2f}x' for r in ratios)} their ideal; the "
        f"median one posted its result **{job['job_s']:.2f} s** after Confirm against an ideal "
        f"of {job['ideal_s']:.2f} s for its chunks at 4 in flight (**{job['ratio']:.2f}x**, "
        f"target at most 1.25: **{met_word(met['job'])}**; load {job['load_1m']:.2f}). Of that, "
        f"{job['confirm_to_first_chunk_s']:.2f} s went from Confirm to its first chunk at the "
        f"platform, its {job['patches']} chunks took {job['chunks_s']:.2f} s first sent to last "
        f"answered ({job['chunks_ratio']:.2f}x the ideal: **{met_word(met['job_chunks'])}**), and "
        f"{job['last_chunk_to_result_s']:.2f} s went from the last chunk to the result (the "
        "summary, its permalink and the assignees' DMs; the thread's CSV and the App Homes' "
        "refresh follow the result). The most requests in flight at the platform: "
        f"{burst['platform_max_in_flight']} (`ASSIGN_PLATFORM_MAX_IN_FLIGHT`, default 16).",
        "",
        "Where the job's time goes now: the platform's latency, then the bot's own work on each "
        "answer (about 500 KB to read and parse, four arriving together); a chunk's slot goes to "
        "the next chunk at its answer's status line, before the body downloads, and each chunk "
        "is judged as it comes. After the last: the App Home index, the summary, its permalink, "
        "the DM, then the result. Each `/assign` costs the bot about 6 ms of CPU (a platform "
        "listing, a response_url post, 7 Redis calls, Bolt); with more web processes than cores, "
        "one process's background work no longer holds the acks that reach another. The fakes "
        "run without the garbage collector, and the bot reminds 1 h before expiry "
        "(`ASSIGN_REMIND_BEFORE_HOURS`): the fake's assignments expire in a day, and a digest "
        "listing the whole evaluation would otherwise come into the next round. A section "
        "re-run alone (`python -m bench.burst --json docs/bench-results/burst.json`, then "
        "`python -m bench.report --no-run`) may come from another machine than the rest: "
        "compare each figure with its peer in the same section.",
        "",
    ]
