"""Help, errors and notices: short answers to a command."""

from __future__ import annotations

import json

from bot.core.commands import HELP_EXAMPLES
from bot.slack import blocks
from tests.unit.slack.block_kit import assert_valid_message


def test_help_shows_every_example() -> None:
    built = blocks.help_blocks(HELP_EXAMPLES)
    assert_valid_message(built)
    for text, _ in HELP_EXAMPLES:
        assert text.split()[0] in json.dumps(built)


def test_help_says_how_a_thread_is_read_and_how_to_be_explicit() -> None:
    shown = json.dumps(blocks.help_blocks(HELP_EXAMPLES))
    assert "I read the evaluation from the notification" in shown
    assert "`evaluation <id>`" in shown and "paste its link" in shown


def test_errors_and_notices_are_valid() -> None:
    for built in (blocks.error_blocks("oops"), blocks.notice_blocks("fine")):
        assert_valid_message(built)
