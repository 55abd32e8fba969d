"""Short answers to a command: its help, an error, a notice."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import Blocks, context_block, render, section_block
from bot.slack.ui_ids import COMMAND


def help_blocks(examples: Sequence[tuple[str, str]]) -> Blocks:
    lines = [f"`{COMMAND} {md.escape(text)}`\n{md.escape(meaning)}" for text, meaning in examples]
    return render(
        [
            section_block(f"*{COMMAND}* hands out an evaluation's tasks to annotators."),
            *[section_block(line) for line in lines],
            context_block(
                "Ids may be separated by spaces, commas or new lines. The evaluation may be a "
                "link to it. Nothing is assigned until you press *Confirm*."
            ),
            context_block(
                "Mentioned in a notification's thread, I read the evaluation from the "
                "notification, and your ids are its tasks. To say which evaluation yourself, "
                "start with `evaluation <id>` or paste its link."
            ),
        ]
    )


def error_blocks(text: str) -> Blocks:
    """`text` is mrkdwn the caller built (user text inside it already escaped)."""
    return render([section_block(f":warning: {text}")])


def notice_blocks(text: str) -> Blocks:
    return render([section_block(text)])
