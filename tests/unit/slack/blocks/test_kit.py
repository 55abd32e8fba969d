"""The pieces every message is made of: validated by slack_sdk, and cut to Slack's limits."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackObjectFormationError

from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.blocks import kit, modals
from tests.unit.factories import confirmation
from tests.unit.slack.block_kit import assert_valid_message, assert_valid_view

HUGE = "<@U1> & x" * 2000  # 18,000 characters, six times a section's limit


def test_pieces_render_as_the_json_slack_takes() -> None:
    assert blocks.section("*hi*") == {"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}
    assert blocks.context("c") == {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}]}
    assert blocks.header("h") == {"type": "header", "text": {"type": "plain_text", "text": "h"}}
    assert blocks.button("Go", "act", "v", style="primary") == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Go"},
        "action_id": "act",
        "value": "v",
        "style": "primary",
    }


def test_over_long_texts_are_cut_to_the_limit_not_refused() -> None:
    """Every text goes through md.truncate before slack_sdk validates it, so a long reason or
    note shortens the message (marked with "…") instead of raising at runtime."""
    [section] = blocks.error_blocks(HUGE)
    assert len(section["text"]["text"]) == md.SECTION_TEXT_LIMIT
    assert section["text"]["text"].endswith("…")
    [element] = blocks.context(HUGE)["elements"]
    assert len(element["text"]) == kit.CONTEXT_TEXT_LIMIT
    assert len(blocks.header(HUGE)["text"]["text"]) == md.HEADER_TEXT_LIMIT
    assert len(blocks.button(HUGE, "a", "v")["text"]["text"]) == md.BUTTON_TEXT_LIMIT
    for built in (
        blocks.error_blocks(HUGE),
        blocks.notice_blocks(HUGE),
        blocks.help_blocks([(HUGE, HUGE)]),
        [blocks.section(blocks.note_text(HUGE, "UA"))],
    ):
        assert_valid_message(built)


def test_an_over_long_evaluation_id_keeps_the_preview_and_modals_valid() -> None:
    request = confirmation(("user-a", "UA", ["t1"])).model_copy(
        update={"evaluation_id": "e" * 10_000, "note": "n" * 10_000}
    )
    assert_valid_message(blocks.preview_blocks(request, "tok"))
    assert_valid_message(blocks.assigning_blocks(request))
    assert_valid_view(modals.preview_view(request, "tok"))
    view = modals.form_view(
        draft_key="k" * 24,
        requester_id="ULEAD",
        channel_id="C1",
        max_task_ids=500,
        evaluation_id="e" * 400,
        carried=["c" * 1000] * 20,
        from_message=True,
    )
    assert_valid_view(view)


def test_a_message_over_slacks_block_limit_is_refused_when_built() -> None:
    too_many = [kit.section_block("x")] * (kit.MESSAGE_BLOCK_LIMIT + 1)
    with pytest.raises(SlackObjectFormationError):
        kit.render(too_many)
    assert len(kit.render(too_many[:-1])) == kit.MESSAGE_BLOCK_LIMIT


def test_pack_lines_never_cuts_a_line_and_respects_the_limit() -> None:
    lines = ["a" * 40, "b" * 40, "c" * 40, "d" * 500]
    packed = blocks.pack_lines(lines, 100)
    assert packed == ["a" * 40 + "\n" + "b" * 40, "c" * 40, "d" * 99 + "…"]
    assert blocks.pack_lines([], 100) == []
