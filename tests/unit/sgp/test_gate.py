"""One cap on the platform across processes, fair slots within one, and a 429 that pauses all."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import fakeredis
import httpx
import pytest

from bot.fakes.sgp_server import FakeSGP
from bot.sgp import gate
from bot.sgp.client import SGPClient
from bot.sgp.gate import FairSlots, SharedCap

KEYS = ("t:platform:in-flight", "t:platform:paused")
EVAL = "eval_1"


def two_processes(cap: int, lease_seconds: float = 30.0) -> tuple[SharedCap, SharedCap]:
    """Two SharedCaps on one Redis server, as two worker processes would have."""
    server = fakeredis.FakeServer()
    return tuple(  # type: ignore[return-value]
        SharedCap(fakeredis.FakeAsyncRedis(server=server), KEYS, cap, lease_seconds)
        for _ in range(2)
    )


class Counting:
    """A stand-in platform that counts requests in flight and remembers the most."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.done = 0

    async def request(self) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(0.002)
        self.now -= 1
        self.done += 1


async def test_the_cap_holds_across_processes_under_concurrency() -> None:
    first, second = two_processes(cap=3)
    platform = Counting()

    async def send(cap: SharedCap) -> None:
        async with cap.slot():
            await platform.request()

    await asyncio.gather(*(send(first if i % 2 else second) for i in range(60)))
    assert platform.done == 60
    assert platform.most == 3, "never above the cap, and the cap was used"
    assert await first.in_flight() == 0, "every slot freed"


async def test_a_killed_holders_slot_comes_back_after_its_lease() -> None:
    dead, alive = two_processes(cap=1, lease_seconds=0.3)
    await dead._acquire()  # taken and never freed: its process was killed mid-request
    started = time.monotonic()
    async with asyncio.timeout(5):
        async with alive.slot():
            waited = time.monotonic() - started
    assert waited >= 0.25, "the slot was held until its lease lapsed"


async def test_fair_slots_serve_a_small_lane_before_a_big_lanes_queue() -> None:
    slots = FairSlots(1)
    order: list[str] = []

    async def chunk(lane: str, name: str) -> None:
        async with slots.slot(lane):
            order.append(name)
            await asyncio.sleep(0)

    async with slots.slot("big"):  # a request in flight; the rest queue behind it
        waiting = [asyncio.create_task(chunk("big", f"big{i}")) for i in range(10)]
        await asyncio.sleep(0)
        waiting.append(asyncio.create_task(chunk("small", "small")))
        await asyncio.sleep(0)
    await asyncio.gather(*waiting)
    assert order[:2] == ["big0", "small"], "the small job's chunk goes second, not eleventh"
    assert sorted(order) == sorted([*(f"big{i}" for i in range(10)), "small"])


async def test_a_cancelled_waiter_gives_its_turn_away() -> None:
    slots = FairSlots(1)
    async with slots.slot("a"):
        gone = asyncio.create_task(slots._acquire("b"))
        await asyncio.sleep(0)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
    async with asyncio.timeout(1), slots.slot("c"):
        pass  # the slot was not lost to the cancelled waiter


async def test_a_429_pauses_the_other_processes_requests() -> None:
    fake = FakeSGP(api_key="k")
    fake.add_tasks(EVAL, ["t1", "t2"])
    first, second = two_processes(cap=4)

    def client(cap: SharedCap) -> SGPClient:
        transport = httpx.ASGITransport(app=fake.app)
        return SGPClient(
            base_url="http://sgp", api_key="k", transport=transport, cap=cap, max_retries=1
        )

    one, other = client(first), client(second)
    fake.fail_next(429, headers={"Retry-After": "1"}, route="batch-assign")
    limited = asyncio.create_task(one.assign_chunk(EVAL, ["t1"], "user_a"))
    async with asyncio.timeout(5):
        while await second._redis.pttl(KEYS[1]) <= 0:  # noqa: ASYNC110 - a Redis key, no Event
            await asyncio.sleep(0.005)  # until the 429 has come back to `one`
    started = time.monotonic()
    result = await other.assign_chunk(EVAL, ["t2"], "user_b")
    waited = time.monotonic() - started
    assert result.error is None and (await limited).error is None
    assert waited >= 0.5, "the other process waited out the pause instead of sending at once"
    await one.aclose()
    await other.aclose()


async def _until(condition: Callable[[], bool]) -> None:
    """Until `condition` holds (the caller's timeout bounds it)."""
    while not condition():  # noqa: ASYNC110 - state inside the gate, no Event to wait on
        await asyncio.sleep(0.001)


async def test_waiters_are_served_in_order_by_one_poller() -> None:
    """A full cap: the waiters queue first come, first served, and only one task asks Redis."""
    mine, other = two_processes(cap=1)
    held = await other._acquire()  # another process holds the only slot
    assert held is not None
    askers: list[asyncio.Task[object] | None] = []
    real_take = mine._take

    async def take(**kwargs: object) -> object:
        askers.append(asyncio.current_task())
        return await real_take(**kwargs)  # type: ignore[arg-type]

    mine._take = take  # type: ignore[assignment]
    order: list[int] = []

    async def request(name: int) -> None:
        async with mine.slot():
            order.append(name)
            await asyncio.sleep(0)

    waiting = []
    async with asyncio.timeout(5):
        for name in range(10):
            waiting.append(asyncio.create_task(request(name)))
            queued = name + 1
            await _until(lambda: len(mine._line().waiters) >= queued)  # noqa: B023 - awaited here
        asked_before = len(askers)
        await _until(lambda: len(askers) >= asked_before + 5)  # full for a few polls
        polls = askers[asked_before:]
        await other._release(held)
        await asyncio.gather(*waiting)
    assert len({id(task) for task in polls}) == 1, "one poller asks; the waiters do not spin"
    assert not any(task in waiting for task in polls)
    assert order == list(range(10)), "first come, first served"
    assert await mine.in_flight() == 0


async def test_a_slot_freed_in_the_process_wakes_its_waiter_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gate, "POLL_SECONDS", 60.0)  # only the wake-up can serve it in time
    cap = two_processes(cap=1)[0]
    first = await cap._acquire()
    assert first is not None
    waiter = asyncio.create_task(cap._acquire())
    async with asyncio.timeout(5):
        await _until(lambda: bool(cap._line().waiters))
        await cap._release(first)
        granted = await waiter
    assert granted is not None
    await cap._release(granted)
