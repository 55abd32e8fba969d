"""WEB_CONCURRENCY: several web processes answering on one port, so a burst uses every core.

One event loop answers about a hundred `/assign` a second on a slow core before its acks start
to queue behind the previews' work; Python cannot spread that loop over cores, processes can.
The parent binds the port, forks the web processes, and only supervises: each child accepts on
the shared socket (the kernel hands each connection to one of them) and runs its own worker.

SIGTERM or SIGINT to the parent reaches every child as SIGTERM (a graceful stop); a child that
ends on its own stops the others, so the process manager sees the bot end and restarts it
whole instead of running on at part strength unnoticed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Callable
from types import FrameType
from typing import Final

log = logging.getLogger(__name__)

#: 128 + SIGINT, as a shell reports a command ended by Ctrl-C.
EXIT_INTERRUPTED: Final = 130


def serve_in_processes(count: int, serve_one: Callable[[], int]) -> int:
    """Runs `serve_one` in `count` forked children; their exit status once every one has ended.

    0 after SIGTERM, 130 after SIGINT, else the status of the child that ended first.
    """
    children: set[int] = set()
    for _ in range(count):
        pid = os.fork()
        if pid == 0:  # the child: its own signals and serve, never back into the parent's code
            _child(serve_one)
        children.add(pid)
    log.info("serving with %d web processes: %s", count, ", ".join(map(str, children)))
    return _supervise(children)


def _child(serve_one: Callable[[], int]) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # serve_one sets its own
    signal.signal(signal.SIGINT, signal.default_int_handler)
    status = 1
    try:
        status = serve_one()
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    except SystemExit as stop:  # SIGTERM's clean stop (bot.__main__) ends with its status
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        log.exception("a web process failed")
    finally:
        logging.shutdown()
        os._exit(status)


def _supervise(children: set[int]) -> int:
    stopping: list[int] = []  # the signal that asked the parent to stop, once it came

    def stop(signum: int, frame: FrameType | None) -> None:
        if not stopping:
            stopping.append(signum)
        _signal_all(children, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    first_status: int | None = None
    try:
        while children:
            pid, wait_status = os.wait()
            if pid not in children:
                continue
            children.discard(pid)
            status = os.waitstatus_to_exitcode(wait_status)
            if first_status is None and not stopping:
                # 0: it was stopped (a process manager signalling the whole group); else it failed
                first_status = status if status >= 0 else 128 - status
                level = logging.INFO if status == 0 else logging.ERROR
                log.log(level, "web process %d ended (%d); stopping the others", pid, status)
                _signal_all(children, signal.SIGTERM)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stopping:
        return EXIT_INTERRUPTED if stopping[0] == signal.SIGINT else 0
    return first_status or 0


def _signal_all(children: set[int], signum: int) -> None:
    for pid in list(children):
        with contextlib.suppress(ProcessLookupError):  # gone already: os.wait() reports it
            os.kill(pid, signum)
