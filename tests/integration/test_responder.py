"""Answers on a response_url are retried when Slack's end fails, and given up on a refusal."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.slack.responder import Responder
from tests.fakes.server import free_port, serve


def flaky(statuses: list[int], seen: list[str]) -> Starlette:
    async def hook(request: Request) -> PlainTextResponse:
        seen.append((await request.json())["text"])
        status = statuses.pop(0) if statuses else 200
        return PlainTextResponse("ok" if status == 200 else "no", status_code=status)

    return Starlette(routes=[Route("/hook", hook, methods=["POST"])])


async def test_a_failing_response_url_is_tried_again() -> None:
    seen: list[str] = []
    with serve(flaky([500, 503], seen)) as server:
        responder = Responder(retry_delays=(0.01, 0.01))
        assert await responder.reply(f"{server.url}/hook", text="Assigning...") is True
        await responder.aclose()
    assert seen == ["Assigning..."] * 3


async def test_a_refusal_is_not_retried_and_a_dead_url_gives_up() -> None:
    seen: list[str] = []
    responder = Responder(retry_delays=(0.01, 0.01))
    with serve(flaky([404], seen)) as server:
        assert await responder.reply(f"{server.url}/hook", text="hi") is False
        await responder.aclose()  # its keep-alive connection would hold the server's stop
    assert seen == ["hi"]
    responder = Responder(retry_delays=(0.01, 0.01))
    dead = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    assert await responder.reply(dead, text="nobody hears this") is False
    await responder.aclose()
