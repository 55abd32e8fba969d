"""One call in flight per key, shared by whoever asks meanwhile; nothing kept afterwards."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

from bot.sgp.coalesce import Coalescer


class Source:
    """Answers `key#n` for its n-th call, after `release` is set."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = asyncio.Event()
        self.fail_with: Exception | None = None

    async def read(self, key: str) -> str:
        self.calls.append(key)
        await self.release.wait()
        if self.fail_with is not None:
            raise self.fail_with
        return f"{key}#{len(self.calls)}"


async def test_callers_of_one_key_share_the_call_in_flight() -> None:
    source, shared = Source(), Coalescer[str, str]()
    waiting = [asyncio.create_task(shared.run("a", lambda: source.read("a"))) for _ in range(3)]
    other = asyncio.create_task(shared.run("b", lambda: source.read("b")))
    await asyncio.sleep(0)
    source.release.set()
    assert await asyncio.gather(*waiting) == ["a#1", "a#1", "a#1"]
    assert await other == "b#2"
    assert source.calls == ["a", "b"]
    assert shared.in_flight() == 0


async def test_nothing_is_kept_once_the_call_ends() -> None:
    source, shared = Source(), Coalescer[str, str]()
    source.release.set()
    assert await shared.run("a", lambda: source.read("a")) == "a#1"
    assert await shared.run("a", lambda: source.read("a")) == "a#2"


async def test_an_error_reaches_every_waiter_and_the_next_call_tries_again() -> None:
    source, shared = Source(), Coalescer[str, str]()
    source.fail_with = RuntimeError("platform down")
    waiting = [asyncio.create_task(shared.run("a", lambda: source.read("a"))) for _ in range(2)]
    await asyncio.sleep(0)
    source.release.set()
    for result in await asyncio.gather(*waiting, return_exceptions=True):
        assert isinstance(result, RuntimeError)
    source.fail_with = None
    assert await shared.run("a", lambda: source.read("a")) == "a#2"


async def test_a_caller_that_gives_up_does_not_cancel_the_call_for_the_others() -> None:
    source, shared = Source(), Coalescer[str, str]()
    patient = asyncio.create_task(shared.run("a", lambda: source.read("a")))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await shared.run("a", lambda: source.read("a"))
    source.release.set()
    assert await patient == "a#1"
    assert source.calls == ["a"]


async def test_a_failure_nobody_waits_for_is_not_reported_as_unretrieved() -> None:
    reported: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _, context: reported.append(context))
    source, shared = Source(), Coalescer[str, str]()
    source.fail_with = RuntimeError("platform down")
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await shared.run("a", lambda: source.read("a"))
    source.release.set()
    for _ in range(5):  # the call fails and is forgotten within a few loop turns
        await asyncio.sleep(0)
    assert shared.in_flight() == 0
    gc.collect()
    assert reported == []
