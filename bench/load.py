"""A light load generator: signed requests, each connection sending its next one on answer.

The machine has 2 cores for the app under test, the fakes and the generator. A generator
built on a full HTTP client spent about as much CPU per request as the app answering it, so
at 50 in flight it measured itself ("saturation" was the client's ceiling, equal for both
apps). Here every request is signed and encoded before the clock starts, and each connection
is a bare HTTP/1.1 keep-alive stream: writing the bytes and reading one response is all the
generator does while it measures.
"""

from __future__ import annotations

import asyncio
import time
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
