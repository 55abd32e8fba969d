"""Filling the modal form as a person would, and reading what the bot answered."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from bot.slack.ui_ids import Field


def initial(view: dict[str, Any], field: Field) -> Any:
    """What the form shows in an input when it opens (its initial value, users, conversation)."""
    for block in view["blocks"]:
        if block.get("block_id") == field:
            element = block["element"]
            for key in ("initial_value", "initial_users", "initial_conversation"):
                if key in element:
                    return element[key]
            return None
    raise AssertionError(f"no {field} input in the form")


def values(
    view: dict[str, Any],
    *,
    evaluation: str | None = None,
    task_ids: str | None = None,
    users: Sequence[str] | None = None,
    channel: str | None = None,
    note: str | None = None,
    files: Sequence[dict[str, Any]] = (),
    pick: str | None = None,
    count: str | None = None,
) -> dict[str, Any]:
    """`state.values` of a submission: what is not given keeps the form's initial value.

    `pick` ("next", "unassigned") and `count` fill the "pick tasks for me" inputs.
    """

    def text(field: Field, given: str | None) -> dict[str, Any]:
        value = given if given is not None else initial(view, field)
        return {"type": "plain_text_input", "value": value or None}

    chosen_users = list(users) if users is not None else initial(view, Field.ASSIGNEES) or []
    chosen_channel = channel if channel is not None else initial(view, Field.DESTINATION)
    state = {
        Field.EVALUATION: text(Field.EVALUATION, evaluation),
        Field.TASK_IDS: text(Field.TASK_IDS, task_ids),
        Field.NOTE: text(Field.NOTE, note),
        Field.ASSIGNEES: {"type": "multi_users_select", "selected_users": chosen_users},
        Field.DESTINATION: {
            "type": "conversations_select",
            "selected_conversation": chosen_channel,
        },
        Field.FILE: {"type": "file_input", "files": list(files)},
        Field.PICK: {
            "type": "static_select",
            "selected_option": {"value": pick, "text": {"type": "plain_text", "text": pick}}
            if pick
            else None,
        },
        Field.PICK_COUNT: {"type": "number_input", "value": count},
    }
    return {field.value: {field.value: value} for field, value in state.items()}


def ack_of(response: httpx.Response) -> dict[str, Any]:
    """The bot's answer to a view_submission: the ack body Slack reads."""
    assert response.status_code == 200, response.text
    body = json.loads(response.text or "{}")
    assert isinstance(body, dict)
    return body


def text_of_view(view: dict[str, Any]) -> str:
    return json.dumps(view.get("blocks", []), ensure_ascii=False)
