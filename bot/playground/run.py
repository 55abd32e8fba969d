"""Start the playground: one server on PORT (default 3000), and the URL to open."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from types import FrameType
from typing import Final

DEFAULT_PORT: Final = 3000
#: Only this machine by default: the playground is a local tool with well-known secrets.
DEFAULT_HOST: Final = "127.0.0.1"
EXIT_CONFIG: Final = 2


def port_from_env() -> int:
    """PORT, or the default; anything but a port number is a one-line error (exit 2)."""
    raw = (os.environ.get("PORT") or "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError(f"invalid PORT: {raw!r} is not a port number (1 to 65535)")
    return int(raw)


def main() -> int:
    from bot.listening import PortUnavailable, listen

    try:
        port = port_from_env()
    except ValueError as exc:
        print(f"The playground cannot start: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    host = (os.environ.get("HOST") or "").strip() or DEFAULT_HOST
    try:
        listening = listen(host, port)
    except PortUnavailable as exc:
        print(str(exc).replace("The bot", "The playground"), file=sys.stderr)
        return EXIT_CONFIG
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown_host}:{listening.getsockname()[1]}"
    # uvicorn stops gracefully on SIGTERM, then raises it again: that ends with status 0.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the server already stopped
        asyncio.run(serve(url, listening))
    return 0


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


async def serve(url: str, listening: socket.socket) -> None:
    import uvicorn

    from bot.logs import configure_logging
    from bot.playground.app import build

    assembled = build(url)
    configure_logging(os.environ.get("LOG_LEVEL") or "INFO", "text")
    config = uvicorn.Config(
        assembled.app, log_level=None, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    print(f"Playground ready: open {url}  (Ctrl-C to stop)", flush=True)
    await server.serve(sockets=[listening])
