"""Waiting for what another thread, process or task does: poll a condition until it holds.

The only polling loops of the suite live here. A test waits for the thing it expects, never
for a fixed time: a fixed sleep is too short on a busy machine and too long on a fast one.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

POLL_SECONDS = 0.02


def wait_until(condition: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """The first truthy value of `condition()`; AssertionError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"timed out waiting for {what}")


@overload
async def eventually(
    condition: Callable[[], Awaitable[T]], what: str, seconds: float = ...
) -> T: ...
@overload
async def eventually(condition: Callable[[], T], what: str, seconds: float = ...) -> T: ...
async def eventually(condition: Callable[[], Any], what: str, seconds: float = 10.0) -> Any:
    """`wait_until` inside an event loop (`seconds` for `timeout`): the loop runs on meanwhile.

    `condition` may be a coroutine function (e.g. a read from the store).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"timed out waiting for {what}")
