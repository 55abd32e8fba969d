"""The burst generator (bench/load.py `send_at_rate`): open-loop, on schedule, every answer read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bench.load import send_at_rate, signed_requests
from tests.fakes.server import ServerThread

SECRET = "burst-test-secret"
#: How long the target holds an answer at most (a broken generator fails, not hangs).
HOLD_SECONDS = 20


class HoldingTarget:
    """Answers nothing until `expected` requests have arrived: only an open loop gets there."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.texts: list[str] = []
        #: How many answers had gone out when each request arrived.
        self.answered_before: list[int] = []
        self.answered = 0
        self._all_in: asyncio.Event | None = None
        verifier = SignatureVerifier(SECRET)

        async def events(request: Request) -> Response:
            body = (await request.body()).decode()
            if not verifier.is_valid_request(body, dict(request.headers)):
                return PlainTextResponse("bad signature", status_code=401)
            all_in = self._all_in = self._all_in or asyncio.Event()
            self.answered_before.append(self.answered)
            self.texts.append(parse_qs(body)["text"][0])
            if len(self.texts) >= self.expected:
                all_in.set()
            try:
                await asyncio.wait_for(all_in.wait(), HOLD_SECONDS)
            except TimeoutError:
                return PlainTextResponse("held too long", status_code=503)
            self.answered += 1
            return PlainTextResponse("")

        self.app = Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


Serve = Callable[[HoldingTarget], str]


@pytest.fixture
def serve() -> Iterator[Serve]:
    servers: list[ServerThread] = []

    def start(app: HoldingTarget) -> str:
        servers.append(ServerThread(app.app).start())
        return f"{servers[-1].url}/slack/events"

    yield start
    for server in servers:
        server.stop()


def bodies(count: int) -> list[str]:
    return [f"command=%2Fassign&text=eval_1+t{i}" for i in range(count)]


async def test_every_request_goes_out_on_schedule_while_no_answer_has_come(serve: Serve) -> None:
    target = HoldingTarget(expected=30)
    url = serve(target)

    # 30 requests, 4 connections warm: a closed loop would stop at 4 and wait forever.
    result = await send_at_rate(url, signed_requests(url, SECRET, bodies(30)), 200, connections=4)

    assert target.answered_before == [0] * 30  # all sent before any answer
    assert sorted(target.texts) == sorted(f"eval_1 t{i}" for i in range(30))
    assert len(result.latencies) == 30 and all(s > 0 for s in result.latencies)
    assert all(sent >= due for sent, due in zip(result.sent, result.due, strict=True))
    gaps = [later - earlier for earlier, later in zip(result.due, result.due[1:], strict=False)]
    assert gaps == pytest.approx([1 / 200] * 29)


async def test_an_answer_other_than_200_fails_the_burst(serve: Serve) -> None:
    target = HoldingTarget(expected=3)
    url = serve(target)
    with pytest.raises(RuntimeError, match="answered 401"):
        await send_at_rate(url, signed_requests(url, "wrong-secret", bodies(3)), 100)
