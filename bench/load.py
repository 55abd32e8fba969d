"""A light load generator: signed requests, closed-loop or at a fixed rate (open-loop).

The machine has 2 cores for the app under test, the fakes and the generator. A generator
built on a full HTTP client spent about as much CPU per request as the app answering it, so
at 50 in flight it measured itself ("saturation" was the client's ceiling, equal for both
apps). Here every request is signed and encoded before the clock starts, and each connection
is a bare HTTP/1.1 keep-alive stream: writing the bytes and reading one response is all the
generator does while it measures.

`send_all` is closed-loop: each connection sends its next request on the answer to the last, so
a slow app is sent less. `send_at_rate` is open-loop, as Slack is: request i is due at
start + i / rate and goes out then whatever the earlier ones are doing, and its latency counts
from its due time, so an app that falls behind is charged for the queue it builds.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.fakes.slack_requests import sign


@dataclass(frozen=True)
class LoadResult:
    #: Seconds from the request's first byte sent to its response's last byte read.
    latencies: list[float]
    wall_seconds: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall_seconds


def signed_requests(url: str, secret: str, bodies: list[str]) -> list[bytes]:
    """Each body as the bytes of a signed POST to `url` (Slack's signature is valid 5 minutes)."""
    parts = urlsplit(url)
    requests = []
    for body in bodies:
        encoded = body.encode()
        headers = sign(secret, body) | {
            "Host": parts.netloc,
            "Content-Length": str(len(encoded)),
            "Connection": "keep-alive",
        }
        head = f"POST {parts.path} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        requests.append(head.encode() + b"\r\n" + encoded)
    return requests


async def send_all(url: str, requests: list[bytes], in_flight: int) -> LoadResult:
    """Send every request over `in_flight` connections; fail on any answer but 200."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    next_index = 0
    latencies: list[float] = []

    async def connection() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while next_index < len(requests):
                request = requests[next_index]
                next_index += 1
                started = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"answered {status}, not 200")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(min(in_flight, len(requests)))))
    return LoadResult(latencies, time.perf_counter() - started)


@dataclass(frozen=True)
class BurstResult:
    #: time.monotonic() at which each request was due (start + i / rate): comparable with
    #: the other processes' time.monotonic() on this machine (CLOCK_MONOTONIC).
    due: list[float]
    #: When each request's bytes were written (never before it was due).
    sent: list[float]
    #: Seconds from each request's due time to its answer's last byte.
    latencies: list[float]


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def send_at_rate(
    url: str, requests: list[bytes], rate: float, connections: int = 16
) -> BurstResult:
    """Send request i at start + i / rate without waiting for answers; fail on any but 200.

    `connections` keep-alive connections are opened before the clock starts and used in turn;
    when every one is waiting for an answer, another is opened rather than delay the schedule.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    idle: deque[Connection] = deque()
    for _ in range(min(connections, len(requests))):
        idle.append(await asyncio.open_connection(host, port))
    count = len(requests)
    start = time.monotonic() + 0.01
    due = [start + index / rate for index in range(count)]
    sent, latencies, statuses = [0.0] * count, [0.0] * count, [200] * count

    async def one(index: int) -> None:
        reader, writer = idle.popleft() if idle else await asyncio.open_connection(host, port)
        sent[index] = time.monotonic()
        writer.write(requests[index])
        statuses[index] = await _read_response(reader)
        latencies[index] = time.monotonic() - due[index]
        idle.append((reader, writer))  # the oldest idle one goes out next: each kept warm

    pending = []
    try:
        for index in range(count):
            await _sleep_until(due[index])
            pending.append(asyncio.create_task(one(index)))
        await asyncio.gather(*pending)
    finally:
        for task in pending:
            task.cancel()
        for _, writer in idle:
            writer.close()
    failed = [status for status in statuses if status != 200]
    if failed:
        raise RuntimeError(f"{len(failed)} answered {failed[0]}, not 200")
    return BurstResult(due, sent, latencies)


async def _sleep_until(moment: float) -> None:
    """Sleep until time.monotonic() reaches `moment`: the loop may wake a timer a hair early."""
    await asyncio.sleep(max(0.0, moment - time.monotonic()))
    while time.monotonic() < moment:  # noqa: ASYNC110 (a clock, not an event, is awaited)
        await asyncio.sleep(0)


async def _read_response(reader: asyncio.StreamReader) -> int:
    """The status of one response, read to its end (Content-Length or chunked)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *header_lines = head.split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines if line)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return int(status_line.split(" ", 2)[1])
