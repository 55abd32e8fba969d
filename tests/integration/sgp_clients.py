"""What the platform client tests share: a sleep that only records, and how clients are made."""

from __future__ import annotations

from collections.abc import Callable

from bot.sgp.client import SGPClient

#: Makes a client of the fake platform (the `make_client` fixture); keyword arguments override.
ClientFactory = Callable[..., SGPClient]


class RecordingSleep:
    """Stands in for asyncio.sleep: records the delays, waits for none of them."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
