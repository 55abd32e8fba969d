"""The fake platform in a process of its own, as the real one is: its CPU is not the bot's."""

from __future__ import annotations

import gc
import multiprocessing as mp
import signal
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.slack_server import FakeSlack
from tests.fakes.server import free_port


@dataclass(frozen=True)
class PlatformStats:
    #: Assignment requests (PATCH, batch or single-task) the platform received.
    patch_requests: int
    max_in_flight: int
    #: time.monotonic() at the start and the end of each PATCH (comparable across processes).
    patch_spans: tuple[tuple[float, float], ...] = ()


def _serve(
    port: int, api_key: str, seed: dict[str, list[str]], latency: tuple[float, float], stats: Any
) -> None:
    platform = FakeSGP(
        api_key=api_key,
        latency_per_request=latency[0],
        latency_per_id=latency[1],
        hold_answers=True,
    )
    for evaluation_id, task_ids in seed.items():
        platform.add_tasks(evaluation_id, task_ids)
    platform.warm_answers()  # the fake's own JSON work, done before anything is measured
    without_collector_pauses()
    spans: list[tuple[float, float]] = []

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        started = time.monotonic()
        await platform.app(scope, receive, send)
        if scope["type"] == "http" and scope["method"] == "PATCH":
            spans.append((started, time.monotonic()))

    # uvicorn stops gracefully on SIGTERM and then raises it again: let that second one pass.
    signal.signal(signal.SIGTERM, lambda *_: None)
    uvicorn.run(timed, host="127.0.0.1", port=port, log_level="warning")  # until SIGTERM
    patches = sum(1 for request in platform.requests if request.method == "PATCH")
    stats.put(PlatformStats(patches, platform.max_in_flight, tuple(spans)))


class PlatformProcess:
    """Start with `with PlatformProcess(...) as platform:`; `platform.stats` after the block."""

    def __init__(
        self, api_key: str, seed: dict[str, list[str]], per_request: float, per_id: float
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        context = mp.get_context("spawn")
        self._stats = context.Queue()
        self._process = context.Process(
            target=_serve,
            args=(self.port, api_key, seed, (per_request, per_id), self._stats),
            daemon=True,
        )
        self.stats: PlatformStats | None = None

    def __enter__(self) -> PlatformProcess:
        self._process.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/user-info", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the fake platform did not start")

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self.stats = self._stats.get(timeout=10)
        self._process.join(timeout=10)


def without_collector_pauses() -> None:
    """A fake never stops for the garbage collector: a full collection of the platform's
    state took 30 to 70 ms, every answer in flight held back with it and charged to the bot.
    What it holds now is frozen, and what a run leaves behind waits for the process's end."""
    gc.collect()
    gc.freeze()
    gc.disable()


def _serve_slack(port: int, bot_token: str) -> None:
    slack = FakeSlack(bot_token=bot_token)
    slack.base_url = f"http://127.0.0.1:{port}"
    #: response_url key -> time.monotonic() of each post, as it arrived.
    arrivals: dict[str, list[float]] = defaultdict(list)

    def arrived(kind: str, args: dict[str, Any], _: dict[str, Any]) -> None:
        if kind == "response_url":
            arrivals[args["key"]].append(time.monotonic())

    async def arrivals_of(request: Request) -> Response:
        prefix = request.path_params["prefix"]
        return JSONResponse({k: v for k, v in arrivals.items() if k.startswith(prefix)})

    slack.observers.append(arrived)
    app = Starlette(
        routes=[Route("/arrivals/{prefix}", arrivals_of, methods=["GET"]), Mount("/", slack.app)]
    )
    signal.signal(signal.SIGTERM, lambda *_: None)
    without_collector_pauses()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


class SlackProcess:
    """The fake Slack in a process of its own, so the load generator measures only the bot.

    Posts to a response_url are read back with `posts(key)` (GET /response/{key}), and when
    they arrived with `arrivals(prefix)`.
    """

    def __init__(self, bot_token: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._process = mp.get_context("spawn").Process(
            target=_serve_slack, args=(self.port, bot_token), daemon=True
        )

    def posts(self, key: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = httpx.get(f"{self.base_url}/response/{key}").json()
        return answer

    def arrivals(self, prefix: str) -> dict[str, list[float]]:
        """When each post to a response_url whose key starts with `prefix` arrived, by key.

        In time.monotonic() of this machine, comparable with the load generator's.
        """
        answer: dict[str, list[float]] = httpx.get(f"{self.base_url}/arrivals/{prefix}").json()
        return answer

    def count(self, key: str) -> int:
        """How many posts reached the response_url `key`."""
        return int(httpx.get(f"{self.base_url}/response/{key}?count").json()["count"])

    def __enter__(self) -> SlackProcess:
        self._process.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.base_url}/response/ready", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the fake Slack did not start")

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(timeout=10)
