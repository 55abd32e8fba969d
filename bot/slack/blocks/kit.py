"""The Block Kit pieces every message is made of, built on `slack_sdk.models`.

Each piece is a slack_sdk model, so `to_dict()` checks it against Slack's limits the moment a
message is rendered; the texts are cut to those limits first, so a long reason or note shortens a
message instead of failing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.confirmation import Assignee
from bot.slack import mrkdwn as md

#: A message (or a view's content) as Slack's Web API takes it: JSON-ready block dicts.
Blocks = list[dict[str, Any]]

IDS_IN_PREVIEW: Final = 10
IDS_PER_PROBLEM: Final = 20
SECTIONS_PER_MESSAGE: Final = 40
MESSAGE_BLOCK_LIMIT: Final = 50
CONTEXT_TEXT_LIMIT: Final = 3000


def plain(text: str) -> PlainTextObject:
    """Plain text without `emoji: true`, which slack_sdk adds to bare strings."""
    return PlainTextObject(text=text)


def section_block(text: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(
        block_id=block_id, text=MarkdownTextObject(text=md.truncate(text, md.SECTION_TEXT_LIMIT))
    )


def context_block(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=md.truncate(text, CONTEXT_TEXT_LIMIT))])


def header_block(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain(md.truncate(text, md.HEADER_TEXT_LIMIT)))


def button_element(
    text: str,
    action_id: str,
    value: str,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=plain(md.truncate(text, md.BUTTON_TEXT_LIMIT)),
        action_id=action_id,
        value=value,
        style=style,
        confirm=confirm,
    )


def actions_block(block_id: str, *elements: ButtonElement) -> ActionsBlock:
    return ActionsBlock(block_id=block_id, elements=list(elements))


def render(models: Sequence[Block]) -> Blocks:
    """The message as JSON, each block validated by slack_sdk; raises on a message Slack refuses.

    Builders cap what they show, so more than `MESSAGE_BLOCK_LIMIT` blocks is a bug here, not
    something a person's input can cause.
    """
    if len(models) > MESSAGE_BLOCK_LIMIT:
        raise SlackObjectFormationError(
            f"a message holds at most {MESSAGE_BLOCK_LIMIT} blocks, not {len(models)}"
        )
    return [model.to_dict() for model in models]


# -- the same pieces as dicts, for callers that build a message of their own -------------------


def section(text: str) -> dict[str, Any]:
    return section_block(text).to_dict()


def context(text: str) -> dict[str, Any]:
    return context_block(text).to_dict()


def header(text: str) -> dict[str, Any]:
    return header_block(text).to_dict()


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    return button_element(text, action_id, value, style).to_dict()


# -- texts more than one message family shows -----------------------------------------------------


def assignee_label(assignee: Assignee) -> str:
    """A Slack mention with the platform id behind it, or the platform id alone."""
    platform = f"platform user {md.code(assignee.platform_user_id)}"
    if assignee.slack_user_id:
        return f"{md.user(assignee.slack_user_id)} ({platform})"
    return platform


def note_text(note: str, author_id: str | None = None) -> str:
    """The requester's note, escaped and quoted, so it reads as theirs and can never ping."""
    quoted = "\n".join(f"> {md.escape(line)}" for line in note.splitlines() or [""])
    title = f"*Note from {md.user(author_id)}:*" if author_id else "*Note:*"
    return f"{title}\n{quoted}"


def problem_lines(problems: dict[str, list[str]]) -> str:
    """Each reason a task was not assigned (or not put back), with the first of its task ids."""
    lines = ["*Not assigned:*"]
    for reason, ids in problems.items():
        lines.append(f"• {md.plural(len(ids), 'task')}: {md.escape(reason)}")
        lines.append(f"   {md.id_list(ids, IDS_PER_PROBLEM)}")
    return "\n".join(lines)


def pack_lines(lines: Sequence[str], limit: int) -> list[str]:
    """Join lines into as few texts of at most `limit` characters as possible, never cutting one.

    A line longer than the limit on its own is truncated (only reasons can be that long).
    """
    texts: list[str] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = md.truncate(raw, limit)
        if current and size + 1 + len(line) > limit:
            texts.append("\n".join(current))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        texts.append("\n".join(current))
    return texts
