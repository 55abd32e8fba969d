"""Check built blocks the way Slack would: known keys only, within Slack's limits."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

MESSAGE_BLOCK_LIMIT = 50


def assert_valid_message(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= MESSAGE_BLOCK_LIMIT
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block {block}"
        # to_dict() validates lengths; equality catches keys slack_sdk does not know.
        assert parsed.to_dict() == block
