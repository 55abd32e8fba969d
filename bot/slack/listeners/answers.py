"""What to show for each parsed command, shared by `/assign` and mentions: one answer per
command type, looked up in `ANSWERS` (a new subcommand adds its entry here)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.commands import (
    HELP_EXAMPLES,
    Assign,
    Command,
    Help,
    History,
    Link,
    ListUsers,
    Me,
    Unlink,
    WhoAmI,
)
from bot.core.requester import Requester
from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.deps import Deps
from bot.slack.ui_ids import COMMAND

USERS_LISTED = 100

Answer = Callable[[Any, Requester, Deps], Awaitable[blocks.Blocks]]


async def answer_command(parsed: Command, requester: Requester, deps: Deps) -> blocks.Blocks:
    answer = ANSWERS.get(type(parsed))
    if answer is None:
        raise TypeError(f"unhandled command {parsed!r}")
    return await answer(parsed, requester, deps)


async def _help(parsed: Help, requester: Requester, deps: Deps) -> blocks.Blocks:
    return blocks.help_blocks(HELP_EXAMPLES)


async def _assign(parsed: Assign, requester: Requester, deps: Deps) -> blocks.Blocks:
    pending = await deps.usecases.assigning.prepare(requester, parsed)
    return blocks.preview_blocks(pending.confirmation, pending.token)


async def _link(parsed: Link, requester: Requester, deps: Deps) -> blocks.Blocks:
    target = _target(parsed.assignee, requester)
    previous = await deps.usecases.people.link(
        requester.links_owner, requester.user_id, target, parsed.platform_user_id
    )
    text = f"Linked {md.user(target)} to platform user {md.code(parsed.platform_user_id)}."
    if previous and previous != parsed.platform_user_id:
        text += f" (It was {md.code(previous)}.)"
    return blocks.notice_blocks(text)


async def _unlink(parsed: Unlink, requester: Requester, deps: Deps) -> blocks.Blocks:
    target = _target(parsed.assignee, requester)
    removed = await deps.usecases.people.unlink(
        requester.links_owner, requester.user_id, target, requester.links_fallback
    )
    if removed is None:
        return blocks.notice_blocks(f"{md.user(target)} was not linked; nothing changed.")
    return blocks.notice_blocks(
        f"Unlinked {md.user(target)} (was platform user {md.code(removed)})."
    )


async def _whoami(parsed: WhoAmI, requester: Requester, deps: Deps) -> blocks.Blocks:
    people = deps.usecases.people
    linked = await people.linked_platform_user(
        requester.links_owner, requester.user_id, requester.links_fallback
    )
    if linked is not None:
        return blocks.notice_blocks(f"You are linked to platform user {md.code(linked)}.")
    how = (
        f"Link yourself with `{COMMAND} link me &lt;platform-user-id&gt;`."
        if deps.usecases.access.policy.allow_self_link
        else f"An admin can link you with `{COMMAND} link @you &lt;platform-user-id&gt;`."
    )
    return blocks.notice_blocks("You have no linked platform account yet. " + how)


async def _users(parsed: ListUsers, requester: Requester, deps: Deps) -> blocks.Blocks:
    links = await deps.usecases.people.links(requester.links_owner, requester.links_fallback)
    if not links:
        return blocks.notice_blocks(
            "No one is linked yet. Admins link people with "
            f"`{COMMAND} link @user &lt;platform-user-id&gt;`."
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


async def _history(parsed: History, requester: Requester, deps: Deps) -> blocks.Blocks:
    records = await deps.usecases.audit.history(requester.team_id, requester.user_id, parsed.count)
    return blocks.history_blocks(records, parsed.count)


def _target(assignee: Any, requester: Requester) -> str:
    return requester.user_id if isinstance(assignee, Me) else str(assignee.user_id)


ANSWERS: dict[type, Answer] = {
    Help: _help,
    Assign: _assign,
    Link: _link,
    Unlink: _unlink,
    WhoAmI: _whoami,
    ListUsers: _users,
    History: _history,
}
