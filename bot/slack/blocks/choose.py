"""Asking which evaluation: one button per evaluation a message names, never a guess.

Two places ask: the answer to a mention in a thread whose first message names several
evaluations (an ephemeral message: each button carries the choice and the mention's text),
and the message shortcut on such a message (a small modal before the form: each button
carries the choice, the view's private_metadata the draft key).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from slack_sdk.models.blocks import ActionsBlock, Block
from slack_sdk.models.views import View

from bot.slack.blocks.kit import Blocks, button_element, plain, section_block
from bot.slack.ui_ids import Action

#: Buttons shown at most; the question names the others, to be typed.
CHOICES_SHOWN: Final = 10
_VALUE_LIMIT: Final = 2000
_TITLE: Final = "Assign tasks"


#: Where a choice button is: an answer to a mention (a message) or the shortcut's modal.
MESSAGE_CHOICE: Final = "message"
FORM_CHOICE: Final = "form"


def choice_action_id(where: str, index: int) -> str:
    """Each button's own action id (Slack wants them distinct within a block)."""
    return f"{Action.CHOOSE_EVALUATION.value}_{where}_{index}"


def choice_action_pattern(where: str) -> re.Pattern[str]:
    """What the listener of `where`'s buttons is registered for."""
    return re.compile(rf"^{re.escape(Action.CHOOSE_EVALUATION.value)}_{where}_\d+$")


def mention_choice_value(evaluation_id: str, text: str, thread_ts: str | None) -> str | None:
    """What a mention's button carries: the choice, the mention's text and its thread.

    None when that is more than a button may hold (the question then asks to type it).
    """
    value = json.dumps({"e": evaluation_id, "t": text, "th": thread_ts}, separators=(",", ":"))
    return value if len(value) <= _VALUE_LIMIT else None


def read_mention_choice(value: str) -> tuple[str, str, str | None] | None:
    """(evaluation, text, thread_ts) from a mention button's value; None when unreadable."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    evaluation, text, thread = data.get("e"), data.get("t"), data.get("th")
    if not isinstance(evaluation, str) or not isinstance(text, str):
        return None
    return evaluation, text, thread if isinstance(thread, str) else None


def choose_blocks(question: str, values: Sequence[tuple[str, str | None]]) -> Blocks:
    """The question (mrkdwn, escaped by the caller), then a button per (evaluation, value);
    evaluations without a value (too long to carry) get no button."""
    return [block.to_dict() for block in _choose_models(question, values, MESSAGE_CHOICE)]


def choose_view(question: str, evaluations: Sequence[str], draft_key: str) -> dict[str, Any]:
    """The modal that asks which evaluation before the form opens (the message shortcut)."""
    content = _choose_models(question, [(e, e) for e in evaluations], FORM_CHOICE)
    view = View(
        type="modal",
        title=plain(_TITLE),
        blocks=content,
        private_metadata=draft_key,
        close=plain("Cancel"),
    )
    return view.to_dict()


def _choose_models(
    question: str, values: Sequence[tuple[str, str | None]], where: str
) -> list[Block]:
    buttons = [
        button_element(evaluation, choice_action_id(where, index), value)
        for index, (evaluation, value) in enumerate(values[:CHOICES_SHOWN])
        if value is not None
    ]
    content: list[Block] = [section_block(question)]
    if buttons:
        content.append(ActionsBlock(elements=buttons))
    return content
