"""The one listener shape, tested without Slack or HTTP: handlers get a plain `Incoming`,
answers land in a recording Responder, and the requests metric counts each outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import AsyncMock

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.commands import UsageError
from bot.fakes.sgp_server import FakeSGP
from bot.metrics import RequestOutcome
from bot.slack.deps import Deps
from bot.slack.listener import Incoming, listener, run
from bot.slack.listeners.command import handle_assign
from bot.slack.listeners.confirmation import handle_cancel, handle_confirm
from bot.slack.responder import Responder
from bot.usecases.refusals import ConfirmationGone
from tests.unit.usecases.harness import Cases, make_cases


class RecordingResponder(Responder):
    """Keeps every answer instead of posting it."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[tuple[str | None, dict[str, Any]]] = []
        self.ephemerals: list[tuple[str, str, str | None, dict[str, Any]]] = []

    async def reply(self, response_url: str | None, **message: Any) -> bool:
        self.replies.append((response_url, message))
        return True

    async def ephemeral(
        self, client: AsyncWebClient, channel: str, user: str, thread_ts: str | None, **message: Any
    ) -> bool:
        self.ephemerals.append((channel, user, thread_ts, message))
        return True


@pytest.fixture
async def cases() -> AsyncIterator[Cases]:
    built = make_cases(FakeSGP(api_key="sgp-test-key-1234"))
    yield built
    await built.aclose()


@pytest.fixture
def deps(cases: Cases) -> Deps:
    return Deps(usecases=cases.usecases, events=cases.store.events, responder=RecordingResponder())


def incoming(deps: Deps, body: dict[str, Any], kind: Any = "command") -> Incoming:
    return Incoming(kind=kind, body=body, client=AsyncWebClient(token="xoxb-test"), deps=deps)


def counted(deps: Deps, kind: str, outcome: str) -> float:
    value = deps.metrics.registry.get_sample_value(
        "assignbot_requests_total", {"surface": kind, "outcome": outcome}
    )
    return value or 0.0


def replies(deps: Deps) -> list[tuple[str | None, dict[str, Any]]]:
    assert isinstance(deps.responder, RecordingResponder)
    return deps.responder.replies


COMMAND = {
    "team_id": "T1",
    "user_id": "ULEAD",
    "channel_id": "C1",
    "response_url": "https://hooks.example/r1",
}


async def test_a_typing_mistake_is_answered_in_words_and_counted(deps: Deps) -> None:
    await run(handle_assign, incoming(deps, {**COMMAND, "text": "eval_1 t1 to"}))
    [(url, message)] = replies(deps)
    assert url == "https://hooks.example/r1" and message["response_type"] == "ephemeral"
    assert "to" in message["text"] and message["replace_original"] is False
    assert counted(deps, "command", "usage_error") == 1


async def test_a_bug_is_logged_and_answered_without_its_details(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(incoming: Incoming, deps: Deps) -> RequestOutcome:
        raise KeyError("internal detail")

    await run(broken, incoming(deps, COMMAND))
    [(_, message)] = replies(deps)
    assert "internal detail" not in message["text"]
    assert any(r.levelname == "ERROR" for r in caplog.records)
    assert counted(deps, "command", "error") == 1


async def test_an_expired_preview_is_replaced_but_an_answered_one_is_not(deps: Deps) -> None:
    async def gone(incoming: Incoming, deps: Deps) -> RequestOutcome:
        raise ConfirmationGone(incoming.body.get("ending"))

    await run(gone, incoming(deps, {**COMMAND, "ending": None}, kind="action"))
    await run(gone, incoming(deps, {**COMMAND, "ending": "confirmed"}, kind="action"))
    assert [message["replace_original"] for _, message in replies(deps)] == [True, False]
    assert counted(deps, "action", "refused") == 2


async def test_without_a_response_url_the_answer_is_an_ephemeral_message(deps: Deps) -> None:
    async def refuse(incoming: Incoming, deps: Deps) -> RequestOutcome:
        raise UsageError("Say which tasks.")

    body = {"event": {"user": "U1", "channel": "C9", "thread_ts": "1.5"}, "team_id": "T1"}
    await run(refuse, incoming(deps, body, kind="app_mention"))
    assert isinstance(deps.responder, RecordingResponder)
    [(channel, user, thread_ts, message)] = deps.responder.ephemerals
    assert (channel, user, thread_ts) == ("C9", "U1", "1.5")
    assert message["text"].startswith("Say which tasks.")


async def test_confirm_and_cancel_through_their_handlers(deps: Deps, cases: Cases) -> None:
    await run(handle_assign, incoming(deps, {**COMMAND, "text": "eval_1 t1 t2 to sgp:user_a"}))
    token = _confirm_value(replies(deps)[-1][1]["blocks"])
    click = {**COMMAND, "user": {"id": "ULEAD"}, "actions": [{"value": token}]}
    await run(handle_cancel, incoming(deps, click, kind="action"))
    assert replies(deps)[-1][1]["text"].startswith("Cancelled")
    await run(handle_confirm, incoming(deps, click, kind="action"))
    assert "already" in replies(deps)[-1][1]["text"], "a cancelled preview runs nothing"
    assert await cases.jobs.queue.claim("w", 1000, block_ms=1) is None


async def test_the_bolt_callback_acks_before_the_work(deps: Deps) -> None:
    seen: list[str] = []

    async def handler(incoming: Incoming, deps: Deps) -> RequestOutcome:
        seen.append("handled")
        return "ok"

    async def ack() -> None:
        seen.append("acked")

    callback = listener(deps, "command", handler)
    context = AsyncMock(bot_user_id="UBOT")
    request = AsyncMock(headers={})
    await callback(ack=ack, body=COMMAND, client=AsyncWebClient(), context=context, request=request)
    assert seen == ["acked"]
    await deps.after_ack.drain(5)
    assert seen == ["acked", "handled"]
    assert counted(deps, "command", "ok") == 1


def _confirm_value(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("style") == "primary":
                return str(element["value"])
    raise AssertionError("no Confirm button")
