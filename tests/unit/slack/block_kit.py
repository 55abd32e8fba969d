"""Check built blocks the way Slack would: known keys only, within Slack's limits."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCK_LIMIT = 50


def assert_valid_message(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= MESSAGE_BLOCK_LIMIT
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block {block}"
        # to_dict() validates lengths; equality catches keys slack_sdk does not know.
        assert parsed.to_dict() == block


MODAL_BLOCK_LIMIT = 100
PRIVATE_METADATA_LIMIT = 3000


def assert_valid_view(view: dict[str, Any]) -> None:
    """A modal as Slack would take it: known keys, title/buttons/metadata within limits."""
    assert view["type"] == "modal"
    assert 0 < len(view["blocks"]) <= MODAL_BLOCK_LIMIT
    assert len(view.get("private_metadata", "")) <= PRIVATE_METADATA_LIMIT
    for block in view["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block {block}"
        assert parsed.to_dict() == block
    # to_dict() validates the title (24), submit and close (24) and the block count.
    assert View(**view).to_dict() == view
