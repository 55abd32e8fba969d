"""The one listener shape: ack, parse the payload once, answer after the ack, errors -> words.

Every listener but the modal's (which answers in its ack) is a module-level handler
`async def handle(incoming, deps) -> outcome`, wrapped by `listener(...)`. The wrapper acks,
hands the handler to AfterAck, turns any error into words for the person in one place
(`bot.slack.wording`), answers them through the `Reply`, and counts the request. A handler is
tested with a plain `Incoming` and in-memory use cases, without Slack or HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import extract_enterprise_id, extract_is_enterprise_install
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.commands import UsageError
from bot.core.form import FieldProblem
from bot.metrics import RequestKind, RequestOutcome
from bot.sgp.errors import SGPError
from bot.slack import blocks, payload
from bot.slack.deps import Deps
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable
from bot.usecases.refusals import ConfirmationGone, ServiceError

log = logging.getLogger(__name__)

#: Errors that are answered in words the person can act on; anything else is a bug (logged).
ANSWERED: tuple[type[Exception], ...] = (
    UsageError,
    FieldProblem,
    ServiceError,
    SGPError,
    StoreUnavailable,
)


NO_IDENTITY = (
    "Slack did not say who you are (the request has no user or team id), so I cannot act on "
    "it. Try again; if it keeps happening, tell the bot's admins."
)


@dataclass(frozen=True)
class Incoming:
    """One Slack request, read once: who, where, and the ways to answer them."""

    kind: RequestKind
    body: Mapping[str, Any]
    client: AsyncWebClient
    deps: Deps
    bot_user_id: str | None = None
    headers: Mapping[str, Any] | None = None

    @property
    def event(self) -> Mapping[str, Any]:
        return payload.mapping(self.body, "event")

    @property
    def user_id(self) -> str:
        return (
            payload.text(self.body, "user_id")
            or payload.text(self.body, "user", "id")
            or payload.text(self.event, "user")
        )

    @property
    def team_id(self) -> str:
        return (
            payload.text(self.body, "team_id")
            or payload.text(self.body, "team", "id")
            or payload.text(self.body, "user", "team_id")
            or payload.text(self.event, "team")
        )

    @property
    def enterprise_id(self) -> str | None:
        """The Grid org when the app is installed org-wide (links are the org's then)."""
        return org_wide_enterprise(self.body)

    @property
    def channel_id(self) -> str:
        return (
            payload.text(self.body, "channel_id")
            or payload.text(self.body, "channel", "id")
            or payload.text(self.event, "channel")
            or payload.text(self.body, "container", "channel_id")
        )

    @property
    def response_url(self) -> str | None:
        return payload.text(self.body, "response_url") or None

    @property
    def trigger_id(self) -> str:
        return payload.text(self.body, "trigger_id")

    @property
    def message(self) -> Mapping[str, Any]:
        """The message a button or message shortcut was on."""
        return payload.mapping(self.body, "message")

    @property
    def action_value(self) -> str:
        return payload.text(self.body, "actions", 0, "value")

    def header(self, name: str) -> str | None:
        values = (self.headers or {}).get(name) or []
        return str(values[0]) if values else None

    async def answer(
        self, content: blocks.Blocks, text: str | None = None, *, replace_original: bool = False
    ) -> None:
        """Only the requester sees it: on the response_url, else as an ephemeral message."""
        message: dict[str, Any] = {
            "blocks": content,
            "text": (text or fallback_text(content))[:300],
            "response_type": "ephemeral",
            "replace_original": replace_original,
        }
        if self.response_url and await self.deps.responder.reply(self.response_url, **message):
            return  # not taken (dead, refused, used up): an ephemeral message instead
        channel, user = self.channel_id, self.user_id
        if not (channel and user):
            log.info("nowhere to answer a %s; the answer is logged only: %s", self.kind, text)
            return
        thread_ts = payload.text(self.event, "thread_ts") or None
        del message["response_type"], message["replace_original"]
        await self.deps.responder.ephemeral(self.client, channel, user, thread_ts, **message)

    async def refuse(self, text: str, *, replace_original: bool = False) -> None:
        await self.answer(blocks.error_blocks(text), text, replace_original=replace_original)


#: Returns the request's outcome for the metric; None when it was ignored (not counted).
Handler = Callable[[Incoming, Deps], Awaitable[RequestOutcome | None]]


def listener(deps: Deps, kind: RequestKind, handler: Handler) -> Callable[..., Awaitable[None]]:
    """The Bolt callback for `handler`: ack at once, the rest after the ack."""

    async def on_request(
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
    ) -> None:
        await ack()
        incoming = Incoming(
            kind=kind,
            body=body,
            client=client,
            deps=deps,
            bot_user_id=context.bot_user_id,
            headers=request.headers,
        )
        deps.after_ack.start(run(handler, incoming), f"{kind} {handler.__name__}")

    return on_request


async def run(handler: Handler, incoming: Incoming) -> None:
    """The handler, with every failure answered in words and the request counted."""
    deps = incoming.deps
    if not (incoming.user_id and incoming.team_id):  # Slack always sends both; refuse, not crash
        log.warning("a %s without a user or team id: refused", incoming.kind)
        await incoming.refuse(NO_IDENTITY)
        deps.metrics.request(incoming.kind, "refused")
        return
    try:
        outcome = await handler(incoming, deps)
    except ANSWERED as exc:
        outcome = outcome_of(exc)
        await incoming.refuse(describe(exc), replace_original=_replaces_original(exc))
    except Exception:
        log.exception("answering a %s failed", incoming.kind)
        outcome = "error"
        await incoming.refuse(describe(RuntimeError()))
    if outcome is not None:
        deps.metrics.request(incoming.kind, outcome)


def _replaces_original(error: Exception) -> bool:
    """An expired preview is replaced so its buttons go away; a second click on a preview that
    is already running must not overwrite its progress."""
    return isinstance(error, ConfirmationGone) and error.ending is None


def org_wide_enterprise(body: Mapping[str, Any]) -> str | None:
    """The enterprise id of an org-wide install's payload (any kind, as Bolt reads it); None
    for a workspace install, whose links stay the workspace's even inside a Grid org."""
    try:
        enterprise = extract_enterprise_id(dict(body))
        org_wide = extract_is_enterprise_install(dict(body))
    except (AttributeError, TypeError, ValueError):  # an odd payload names no org
        return None
    return enterprise if org_wide and isinstance(enterprise, str) and enterprise else None


def fallback_text(answer: blocks.Blocks) -> str:
    """Plain text for notifications: the first section's text."""
    for block in answer:
        text = block.get("text")
        if isinstance(text, dict) and isinstance(text.get("text"), str):
            return str(text["text"])[:300]
    return "/assign"


def outcome_of(error: BaseException | None) -> RequestOutcome:
    """Which request outcome an error counts as, for the requests metric (one rule, every
    listener). `usage_error`: the person typed something wrong; `refused`: the bot said no
    (access, unlinked assignee, expired confirmation...); `error`: the bot or a service it needs
    failed."""
    if error is None:
        return "ok"
    if isinstance(error, UsageError | FieldProblem):
        return "usage_error"
    if isinstance(error, ServiceError):
        return "refused"
    return "error"
