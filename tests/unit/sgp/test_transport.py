"""When a request's slots are freed: at a success's status line, before its answer downloads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import fakeredis
import httpx
import pytest

from bot.sgp.client import SGPClient
from bot.sgp.gate import SharedCap
from bot.sgp.transport import Transport

EVAL = "eval_1"


class Platform:
    """A MockTransport handler whose first answer's body waits until another request comes."""

    def __init__(self, *, cut_first_body: bool = False) -> None:
        self.requested: list[str] = []
        self.another_came = asyncio.Event()
        self.cut_first_body = cut_first_body

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        (task_id,) = json.loads(request.content)["task_ids"]
        self.requested.append(task_id)
        answer = json.dumps([{"id": task_id, "assigned_to": "u"}]).encode()
        if len(self.requested) > 1:
            self.another_came.set()
            return httpx.Response(200, content=answer)
        return httpx.Response(200, content=self._first_body(answer))

    async def _first_body(self, answer: bytes) -> AsyncIterator[bytes]:
        yield answer[:5]
        await self.another_came.wait()
        if self.cut_first_body:
            raise httpx.ReadError("connection reset mid-body")
        yield answer[5:]


async def no_wait(_: float) -> None:
    return None


def bounded_by_the_client(transport: httpx.MockTransport) -> SGPClient:
    return SGPClient(
        base_url="https://sgp.test", api_key="k", chunk_size=1, concurrency=1,
        transport=transport, sleep=no_wait,
    )  # fmt: skip


def bounded_by_the_shared_cap(transport: httpx.MockTransport) -> SGPClient:
    cap = SharedCap(fakeredis.FakeAsyncRedis(), ("t:in-flight", "t:paused"), cap=1)
    return SGPClient(
        base_url="https://sgp.test", api_key="k", chunk_size=1, concurrency=4,
        transport=transport, sleep=no_wait, cap=cap,
    )  # fmt: skip


BOUNDS = [
    pytest.param(bounded_by_the_client, id="ASSIGN_CONCURRENCY=1"),
    pytest.param(bounded_by_the_shared_cap, id="ASSIGN_PLATFORM_MAX_IN_FLIGHT=1"),
]


@pytest.mark.parametrize("make", BOUNDS)
async def test_the_next_chunk_goes_out_while_an_answer_downloads(
    make: Callable[[httpx.MockTransport], SGPClient],
) -> None:
    """One slot: the second chunk reaches the platform before the first answer is all in
    (the first answer's body waits for it, so holding the slot through it would hang)."""
    platform = Platform()
    async with make(httpx.MockTransport(platform)) as client:
        async with asyncio.timeout(5):
            results = await client.assign_chunked(EVAL, ["t1", "t2"], "u")
    assert [r.ok for r in results] == [True, True]
    assert [t.id for r in results for t in r.tasks] == ["t1", "t2"]
    assert platform.requested == ["t1", "t2"]


@pytest.mark.parametrize("make", BOUNDS)
async def test_an_answer_cut_short_is_asked_for_again_in_a_fresh_slot(
    make: Callable[[httpx.MockTransport], SGPClient],
) -> None:
    """The status line said 200 but the body broke off: the chunk is sent again once a slot
    is free (after the other chunk's status line), and its tasks are reported assigned."""
    platform = Platform(cut_first_body=True)
    async with make(httpx.MockTransport(platform)) as client:
        async with asyncio.timeout(5):
            results = await client.assign_chunked(EVAL, ["t1", "t2"], "u")
    assert [r.ok for r in results] == [True, True]
    assert [t.id for r in results for t in r.tasks] == ["t1", "t2"]
    assert platform.requested == ["t1", "t2", "t1"]


async def test_a_request_cancelled_while_its_slots_are_freed_leaves_no_answer_open() -> None:
    """Shutting down mid-request: the answer whose slots were being freed is closed, and
    its connection goes back to the pool rather than staying open."""
    closed = asyncio.Event()

    class Body(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b"[]"

        async def aclose(self) -> None:
            closed.set()

    freeing = asyncio.Event()

    @asynccontextmanager
    async def slot() -> AsyncIterator[None]:
        yield
        freeing.set()
        await asyncio.Event().wait()  # freeing the slot hangs until cancelled

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Body())

    transport = Transport(
        base_url="https://sgp.test", api_key="k", transport=httpx.MockTransport(handler)
    )
    request = asyncio.create_task(transport.request("GET", "/user-info", slot=slot))
    await asyncio.wait_for(freeing.wait(), 5)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert closed.is_set()
    await transport.aclose()
