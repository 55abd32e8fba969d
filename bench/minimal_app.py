"""The baseline: a Bolt app on the same server stack that only acks `/assign`.

python -m bench.minimal_app PORT SIGNING_SECRET BOT_TOKEN SLACK_API_URL [--process-before-response]

By default it runs as Bolt's documentation shows (`process_before_response=False`: Bolt polls
every 10 ms for the ack); with the flag, as the bot runs Bolt (the response goes out when the
listener returns).
"""

from __future__ import annotations

import sys

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(
    signing_secret: str, token: str, slack_api_url: str, process_before_response: bool = False
) -> Starlette:
    # Bolt checks its token once with auth.test, so it gets the same fake Slack as the bot.
    client = AsyncWebClient(token=token, base_url=slack_api_url)
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
    )

    @app.command("/assign")
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


if __name__ == "__main__":
    port, secret, token, slack_api_url = int(sys.argv[1]), *sys.argv[2:5]
    app = build(secret, token, slack_api_url, "--process-before-response" in sys.argv[5:])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
