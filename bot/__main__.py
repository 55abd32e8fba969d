"""`python -m bot [serve | worker | check | assign | playground]`.

serve (default): the bot over HTTP (or Socket Mode when SLACK_APP_TOKEN is set), with a worker
in the same process unless ASSIGN_WORKER_IN_WEB=false, in WEB_CONCURRENCY processes on one port;
worker: only a worker, for scaling out.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from types import FrameType

from bot.listening import PortUnavailable, listen
from bot.logs import configure_logging
from bot.loops import run_loop
from bot.processes import EXIT_INTERRUPTED, serve_in_processes
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["assign"]:  # its own arguments and settings: no Slack needed (bot/cli.py)
        from bot.cli import main as assign

        return assign(argv[1:])
    if argv[:1] == ["playground"]:  # no settings at all: the bot with fakes, in the browser
        from bot.playground.run import main as playground

        return playground()
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        epilog="python -m bot assign --help: assign tasks from the command line, without Slack; "
        "python -m bot playground: try the bot in a browser, with no Slack app or platform key",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "worker", "check"],
        help="serve: run the bot (default); worker: run assignment jobs only; "
        "check: test the settings and every connection",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        if args.command == "check":
            print(f"FAIL settings: fix these environment variables:\n{exc}")
        else:
            print(f"The bot cannot start; fix these environment variables:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "check":
        return check(settings)
    return run(settings, worker_only=args.command == "worker")


def run(settings: Settings, *, worker_only: bool) -> int:
    """Serve until stopped: SIGTERM ends with 0, Ctrl-C with 130, both without a traceback."""
    listening: socket.socket | None = None
    if worker_only or settings.slack_app_token is None:  # HTTP is served: take the port first
        try:
            listening = listen(settings.host, settings.port)
        except PortUnavailable as exc:
            print(exc, file=sys.stderr)
            return EXIT_CONFIG
    configure_logging(settings.log_level, settings.log_format)
    refusal = redis_refusal(settings)
    if refusal is not None:
        print(f"The bot cannot start: {refusal}", file=sys.stderr)
        return EXIT_CONFIG
    if listening is not None and not worker_only and settings.web_concurrency > 1:
        return serve_in_processes(
            settings.web_concurrency, lambda: serve_here(settings, worker_only, listening)
        )
    return serve_here(settings, worker_only, listening)


def serve_here(settings: Settings, worker_only: bool, listening: socket.socket | None) -> int:
    """Serve in this process until stopped."""
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again; ending with
    # status 0 then tells a process manager the stop was clean.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        run_loop(serve(settings, worker_only=worker_only, listening=listening))
    except KeyboardInterrupt:  # Ctrl-C: the shutdown already ran; a traceback would only alarm
        log.info("stopped (interrupted)")
        return EXIT_INTERRUPTED
    return 0


def redis_refusal(settings: Settings) -> str | None:
    """Why this Redis cannot run the bot (older than 7.0), read once before serving."""
    from bot.store.server import startup_refusal

    return asyncio.run(startup_refusal(settings))


def check(settings: Settings) -> int:
    from bot.check import run_checks

    logging.basicConfig(level=logging.ERROR)
    checks = asyncio.run(run_checks(settings))
    for result in checks:
        print(result.line())
    return 0 if all(result.ok for result in checks) else 1


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


#: SIGTERM -> stop taking jobs, finish or hand back the running ones, exit: within 30 s in all.
GRACE_SECONDS = 20.0


async def serve(
    settings: Settings, worker_only: bool = False, listening: socket.socket | None = None
) -> None:
    """HTTP: the web app, or for a worker only /healthz and /metrics beside the worker.

    uvicorn turns SIGTERM into a graceful shutdown; the worker stops in its lifespan.
    """
    from bot.memory import freeze_startup_objects
    from bot.runtime import build_runtime

    runtime = build_runtime(settings)
    freeze_startup_objects()
    if settings.slack_app_token is not None and not worker_only:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        log.info("starting in Socket Mode")
        handler = AsyncSocketModeHandler(
            runtime.bolt_app, settings.slack_app_token.get_secret_value()
        )
        stop = asyncio.Event()
        worker = (
            asyncio.gather(
                runtime.worker.run(stop, grace_seconds=GRACE_SECONDS),
                *([runtime.scheduler.run(stop)] if runtime.scheduler else []),
            )
            if settings.worker_in_web
            else None
        )
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            stop.set()
            if worker is not None:
                await worker
            await runtime.aclose()
        return

    import uvicorn

    if worker_only:
        log.info("worker serving GET /healthz, GET /metrics on port %d", settings.port)
    else:
        log.info(
            "serving HTTP on port %d: POST /slack/events, GET /healthz, GET /metrics",
            settings.port,
        )
    config = uvicorn.Config(
        runtime.worker_app if worker_only else runtime.web_app,
        host=settings.host,
        port=settings.port,
        log_level=None,  # uvicorn's loggers follow LOG_LEVEL like every other
        lifespan="on",
        log_config=None,  # uvicorn's lines go through the bot's handler: one format (LOG_FORMAT)
    )
    await uvicorn.Server(config).serve(sockets=[listening] if listening is not None else None)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C before serving (settings, imports, check): no traceback
        sys.exit(EXIT_INTERRUPTED)
