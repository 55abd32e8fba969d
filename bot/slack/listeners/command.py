"""`/assign`: parse, then preview, help or a mapping change; always an answer, never silence."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.grammar import (
    HELP_EXAMPLES,
    Assign,
    Command,
    Help,
    History,
    Link,
    ListUsers,
    Me,
    Unlink,
    UsageError,
    WhoAmI,
    parse,
)
from bot.refusals import ServiceError
from bot.service import Requester
from bot.sgp.errors import SGPError
from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.deps import Deps
from bot.slack.measure import outcome_of
from bot.slack.opening import open_form_from_command
from bot.slack.ui_ids import COMMAND
from bot.slack.wording import describe
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

USERS_LISTED = 100


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_assign(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        deps.after_ack.start(_answer(command, respond, client, deps), COMMAND)

    app.command(COMMAND)(on_assign)


async def _answer(
    command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, deps: Deps
) -> None:
    """Open the form, or answer the command on its response_url; every failure is answered."""
    if not str(command.get("text", "")).strip():  # no text: the modal form (`help` helps)
        opened = await open_form_from_command(client, deps, command, respond)
        deps.metrics.request("command", "ok" if opened else "error")
        return
    requester = Requester(
        team_id=str(command.get("team_id", "")),
        user_id=str(command.get("user_id", "")),
        channel_id=str(command.get("channel_id", "")),
        response_url=command.get("response_url"),
    )
    try:
        parsed = parse(str(command.get("text", "")), max_ids=deps.max_task_ids)
        answer = await answer_command(parsed, requester, deps)
        outcome = outcome_of(None)
    except (UsageError, ServiceError, SGPError, StoreUnavailable) as exc:
        answer = blocks.error_blocks(describe(exc))
        outcome = outcome_of(exc)
    except Exception:
        log.exception("%s failed", COMMAND)
        answer = blocks.error_blocks(describe(RuntimeError()))
        outcome = "error"
    deps.metrics.request("command", outcome)
    await deps.responder.reply(
        command.get("response_url"),
        blocks=answer,
        text=fallback_text(answer),
        response_type="ephemeral",
    )


async def answer_command(parsed: Command, requester: Requester, deps: Deps) -> blocks.Blocks:
    """What to show the requester for a parsed command; shared by `/assign` and mentions."""
    service = deps.service
    team = requester.team_id
    if isinstance(parsed, Help):
        return blocks.help_blocks(HELP_EXAMPLES)
    if isinstance(parsed, Assign):
        pending = await service.prepare(requester, parsed)
        return blocks.preview_blocks(pending.confirmation, pending.token)
    if isinstance(parsed, Link):
        target = _target(parsed.assignee, requester)
        previous = await service.link(team, requester.user_id, target, parsed.platform_user_id)
        text = f"Linked {md.user(target)} to platform user {md.code(parsed.platform_user_id)}."
        if previous and previous != parsed.platform_user_id:
            text += f" (It was {md.code(previous)}.)"
        return blocks.notice_blocks(text)
    if isinstance(parsed, Unlink):
        target = _target(parsed.assignee, requester)
        removed = await service.unlink(team, requester.user_id, target)
        if removed is None:
            return blocks.notice_blocks(f"{md.user(target)} was not linked; nothing changed.")
        return blocks.notice_blocks(
            f"Unlinked {md.user(target)} (was platform user {md.code(removed)})."
        )
    if isinstance(parsed, WhoAmI):
        linked = await service.linked_platform_user(team, requester.user_id)
        if linked is None:
            return blocks.notice_blocks(
                "You have no linked platform account yet. "
                + (
                    f"Link yourself with `{COMMAND} link me <platform-user-id>`."
                    if service.policy.allow_self_link
                    else f"An admin can link you with `{COMMAND} link @you <platform-user-id>`."
                )
            )
        return blocks.notice_blocks(f"You are linked to platform user {md.code(linked)}.")
    if isinstance(parsed, ListUsers):
        return _users_blocks(await service.links(team))
    if isinstance(parsed, History):
        records = await service.history(team, requester.user_id, parsed.count)
        return blocks.history_blocks(records, parsed.count)
    raise TypeError(f"unhandled command {parsed!r}")


def _users_blocks(links: dict[str, str]) -> blocks.Blocks:
    if not links:
        return blocks.notice_blocks(
            "No one is linked yet. Admins link people with "
            f"`{COMMAND} link @user <platform-user-id>`."
        )
    lines = [
        f"{md.user(slack)} → {md.code(platform)}"
        for slack, platform in sorted(links.items())[:USERS_LISTED]
    ]
    if len(links) > USERS_LISTED:
        lines.append(f"…and {len(links) - USERS_LISTED:,} more.")
    title = f"*{md.plural(len(links), 'linked user')}:*"
    return [blocks.section(title)] + [
        blocks.section("\n".join(lines[i : i + 25])) for i in range(0, len(lines), 25)
    ]


def _target(assignee: Any, requester: Requester) -> str:
    return requester.user_id if isinstance(assignee, Me) else str(assignee.user_id)


def fallback_text(answer: blocks.Blocks) -> str:
    """Plain text for notifications: the first section's text."""
    for block in answer:
        text = block.get("text")
        if isinstance(text, dict) and isinstance(text.get("text"), str):
            return str(text["text"])[:300]
    return COMMAND
