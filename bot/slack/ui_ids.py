"""Identifiers shared by the Block Kit builders and the listeners that answer them."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CONFIRM = "assign_confirm"
    CANCEL = "assign_cancel"


class Block(StrEnum):
    PREVIEW_ACTIONS = "assign_preview_actions"


COMMAND = "/assign"
