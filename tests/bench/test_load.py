"""The load generator of the benchmarks: signed, a bounded number in flight, all read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from bench.load import send_all, signed_requests
from tests.fakes.server import ServerThread

SECRET = "load-test-secret"


class Target:
    """Checks each request's signature, and counts how many are in flight at once."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        verifier = SignatureVerifier(SECRET)

        async def events(request: Request) -> Response:
            body = (await request.body()).decode()
            if not verifier.is_valid_request(body, dict(request.headers)):
                return PlainTextResponse("bad signature", status_code=401)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            await asyncio.sleep(0.01)
            self.in_flight -= 1
            self.bodies.append(body)
            return PlainTextResponse("")

        async def chunked(_: Request) -> Response:
            async def parts() -> AsyncIterator[bytes]:
                for part in (b"one", b"", b"three"):
                    yield part

            return StreamingResponse(parts())  # no Content-Length: Transfer-Encoding: chunked

        self.app = Starlette(
            routes=[
                Route("/slack/events", events, methods=["POST"]),
                Route("/chunked", chunked, methods=["POST"]),
            ]
        )


@pytest.fixture
def target() -> Iterator[tuple[Target, str]]:
    app = Target()
    server = ServerThread(app.app).start()
    yield app, server.url
    server.stop()


async def test_every_request_is_signed_answered_and_timed(target: tuple[Target, str]) -> None:
    app, base = target
    url = f"{base}/slack/events"
    bodies = [f"command=%2Fassign&text=eval_1+t{i}" for i in range(40)]

    result = await send_all(url, signed_requests(url, SECRET, bodies), in_flight=4)

    assert len(result.latencies) == 40 and all(0 < s < 5 for s in result.latencies)
    assert sorted(parse_qs(b)["text"][0] for b in app.bodies) == sorted(
        f"eval_1 t{i}" for i in range(40)
    )
    assert app.most_in_flight == 4
    assert result.per_second == 40 / result.wall_seconds


async def test_chunked_answers_are_read_to_their_end(target: tuple[Target, str]) -> None:
    _, base = target
    url = f"{base}/chunked"
    # One connection: a chunked answer read short would garble the next one.
    result = await send_all(url, signed_requests(url, SECRET, ["a", "b", "c"]), in_flight=1)
    assert len(result.latencies) == 3


async def test_an_answer_other_than_200_fails_the_run(target: tuple[Target, str]) -> None:
    _, base = target
    url = f"{base}/slack/events"
    with pytest.raises(RuntimeError, match="answered 401"):
        await send_all(url, signed_requests(url, "wrong-secret", ["x"]), in_flight=1)
