"""`python -m bot [serve | worker | check | assign]`.

serve (default): the bot over HTTP (or Socket Mode when SLACK_APP_TOKEN is set), with a worker
in the same process unless ASSIGN_WORKER_IN_WEB=false; worker: only a worker, for scaling out.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from types import FrameType

from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["assign"]:  # its own arguments and settings: no Slack needed (bot/cli.py)
        from bot.cli import main as assign

        return assign(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        epilog="python -m bot assign --help: assign tasks from the command line, without Slack",
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
    configure_logging(settings.log_level, settings.log_format)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again; ending with
    # status 0 then tells a process manager the stop was clean.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    asyncio.run(serve(settings, worker_only=args.command == "worker"))
    return 0


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


async def serve(settings: Settings, worker_only: bool = False) -> None:
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
            asyncio.create_task(runtime.worker.run(stop, grace_seconds=GRACE_SECONDS))
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
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    sys.exit(main())
