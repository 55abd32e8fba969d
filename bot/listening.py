"""Taking the HTTP port before anything starts, so a busy port is one line naming PORT."""

from __future__ import annotations

import errno
import os
import socket


class PortUnavailable(Exception):
    """HOST:PORT cannot be listened on; the message, one line, says which setting to change."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to HOST:PORT, taken before anything starts (as uvicorn would bind it).

    Left to uvicorn, a busy port is an ERROR log line and exit 1 after the worker started.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason, fix = "is already in use", "set PORT to a free port"
        else:
            why = os.strerror(exc.errno) if exc.errno else type(exc).__name__
            reason = f"cannot be listened on ({why})"
            fix = "set PORT to a free port, or HOST to an address of this machine"
        raise PortUnavailable(
            f"The bot cannot start: port {port} on {host} {reason}; {fix}."
        ) from None
