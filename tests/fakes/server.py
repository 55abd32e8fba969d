"""Run an ASGI app on a real 127.0.0.1 port in a background thread.

The fakes and the app under test are served this way so that every test talks real HTTP,
while the test itself keeps full control of start and stop.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.waiting import wait_until

#: How long a server may take to stop before the test fails: the bot's own drains (answers
#: after ack, jobs in flight) are bounded well below this, so hitting it is a real hang.
STOP_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    """A port nothing listens on (for a process that binds it itself, or to find it closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bound_socket(port: int) -> socket.socket:
    """Bound here rather than by uvicorn, so no other test (or xdist worker) can take the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


class ServerThread:
    """One uvicorn server on its own event loop in a daemon thread.

    `grace_seconds`: how long requests still running at stop may take before they are cancelled
    (uvicorn's `timeout_graceful_shutdown`). None, the default, waits for them, as production
    does: give a number only to fakes, whose slow answers are scripted and of no interest.
    """

    def __init__(self, app: Any, port: int | None = None, grace_seconds: int | None = None) -> None:
        self._socket = _bound_socket(port or 0)
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=grace_seconds,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._server.serve(sockets=[self._socket]))
        finally:
            self.loop.close()

    def start(self) -> ServerThread:
        self._thread.start()
        wait_until(
            lambda: self._server.started or not self._thread.is_alive(),
            what=f"the server on port {self.port} to start",
        )
        if not self._server.started:
            raise RuntimeError(f"server on port {self.port} did not start")
        return self

    def request_stop(self) -> None:
        """Begin a graceful shutdown (uvicorn notices within 0.1 s) without waiting for it."""
        self._server.should_exit = True

    def join(self) -> None:
        """Wait for the shutdown to finish; a server that does not stop fails the test."""
        self._thread.join(timeout=STOP_TIMEOUT_SECONDS)
        self._socket.close()
        if self._thread.is_alive():
            raise AssertionError(
                f"the server on port {self.port} did not stop within {STOP_TIMEOUT_SECONDS} s"
            )

    def stop(self) -> None:
        """Graceful shutdown, as on SIGTERM: the app's lifespan shutdown runs to its end."""
        self.request_stop()
        self.join()


def stop_all(*servers: ServerThread) -> None:
    """Stop several servers at once: they shut down side by side, not one after the other."""
    for server in servers:
        server.request_stop()
    for server in servers:
        server.join()


@contextmanager
def serve(app: Any, grace_seconds: int | None = None) -> Iterator[ServerThread]:
    server = ServerThread(app, grace_seconds=grace_seconds).start()
    try:
        yield server
    finally:
        server.stop()


class Swappable:
    """Starting a server per test costs ~0.2 s; swapping the app behind one costs nothing."""

    def __init__(self, app: Any = None) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # the server's, once; the apps behind have none
            await _lifespan(receive, send)
            return
        assert self.app is not None, "no app behind this server yet"
        await self.app(scope, receive, send)


async def _lifespan(receive: Any, send: Any) -> None:
    """The minimal ASGI lifespan: accept startup and shutdown."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class SwappableApp(Swappable):
    """A fake platform behind a server shared by a module's tests; set `.fake` to swap it."""

    def __init__(self) -> None:
        super().__init__()
        self.fake = FakeSGP()

    @property
    def fake(self) -> FakeSGP:
        return self._fake

    @fake.setter
    def fake(self, fake: FakeSGP) -> None:
        self._fake = fake
        self.app = fake.app
