"""`python -m bot [serve]`: run the bot over HTTP, or in Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from types import FrameType

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "check"],
        help="serve: run the bot (default); check: test the settings and every connection",
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
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again; ending with
    # status 0 then tells a process manager the stop was clean.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    if args.command == "serve":
        asyncio.run(serve(settings))
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


async def serve(settings: Settings) -> None:
    from bot.runtime import build_runtime

    runtime = build_runtime(settings)
    if settings.slack_app_token is not None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        log.info("starting in Socket Mode")
        handler = AsyncSocketModeHandler(
            runtime.bolt_app, settings.slack_app_token.get_secret_value()
        )
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            await runtime.aclose()
        return

    import uvicorn

    log.info("serving HTTP on port %d: POST /slack/events, GET /healthz", settings.port)
    config = uvicorn.Config(
        runtime.web_app, host=settings.host, port=settings.port, log_level="info", lifespan="on"
    )
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    sys.exit(main())
