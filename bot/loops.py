"""The event loop the bot's processes run on: uvloop where it is installed.

Under a burst of `/assign`, each request's preview (a platform listing, a response_url post,
a few Redis calls) is mostly event-loop and socket work: uvloop cut the bot's CPU per
`/assign` by about a sixth in bench.burst, and acks stay fast only while the loop has room.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)`, on a uvloop loop when uvloop can be imported (not on Windows)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
