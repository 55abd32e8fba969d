"""Slack's Socket Mode end: the bot connects over a WebSocket, Slack pushes envelopes, the bot acks.

The bot learns the address from `apps.connections.open` (the fake Slack Web API answers it with
`url`, for the app-level token). A test then pushes an envelope (a slash command, say) and
reads the bot's ack, `{"envelope_id": ...}`, as Slack would.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from aiohttp import WSMsgType, web

from bot.fakes.waiting import wait_until
from tests.fakes.server import free_port


class FakeSocketMode:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/link"
        #: Every message the bot sent on the socket (its acks).
        self.received: list[dict[str, Any]] = []
        self.connections = 0
        self._socket: web.WebSocketResponse | None = None
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> FakeSocketMode:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        with self._lock:
            self._socket = socket
            self.connections += 1
        await socket.send_json({"type": "hello", "num_connections": 1})
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                with self._lock:
                    self.received.append(json.loads(message.data))
        return socket

    # -- for the test's own thread -------------------------------------------------------------

    def wait_connected(self, timeout: float = 20) -> None:
        wait_until(lambda: self._socket is not None, "the bot to connect", timeout)

    def push(self, envelope: dict[str, Any]) -> None:
        """Send one envelope to the connected bot."""
        socket = self._socket
        assert socket is not None, "nobody is connected"
        asyncio.run_coroutine_threadsafe(socket.send_json(envelope), self._loop).result(timeout=10)

    def wait_ack(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        def ack() -> dict[str, Any] | None:
            with self._lock:
                found = [m for m in self.received if m.get("envelope_id") == envelope_id]
            return found[0] if found else None

        return wait_until(ack, f"the ack of envelope {envelope_id}", timeout)
