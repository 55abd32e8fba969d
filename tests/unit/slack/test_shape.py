"""Which signed payloads are refused before Bolt reads them (and which new shapes are not)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.shape import shape_problem

USER = {"id": "U1", "team_id": "T1"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"command": "/assign", "user_id": "U1", "team_id": "T1", "text": "x"}, None),
        ({"type": "block_actions", "user": USER, "actions": [{"action_id": "a"}]}, None),
        (
            {"type": "view_submission", "user": USER, "view": {"callback_id": "f", "state": "x"}},
            None,
        ),
        ({"type": "event_callback", "event": {"type": "user_change", "user": {"id": "U1"}}}, None),
        ({"type": "event_callback", "event": {"type": "brand_new_event", "new": [1]}}, None),
        ({"type": "shortcut", "callback_id": "s", "user": USER, "brand_new": 1}, None),
        ({"type": 3}, "type is not a string"),
        ({"command": ["/assign"]}, "command is not a string"),
        ({"type": "block_actions", "user": "U1"}, "user is not an object"),
        ({"type": "block_actions", "user": {"id": 5}}, "user.id is not a string"),
        ({"type": "block_actions", "actions": {}}, "actions is not a list of actions"),
        ({"type": "block_actions", "actions": [{"action_id": None}]}, "an action has no action_id"),
        (
            {"type": "block_actions", "actions": [{"action_id": "a", "value": 1}]},
            "action.value is not a string",
        ),
        ({"type": "view_submission", "view": []}, "view is not an object"),
        ({"type": "view_closed", "view": {"callback_id": {}}}, "view.callback_id is not a string"),
        ({"type": "message_action"}, "callback_id is not a string"),
        ({"type": "event_callback", "event": "app_mention"}, "event is not an object"),
        ({"type": "event_callback", "event": {"type": None}}, "event.type is not a string"),
        (
            {"type": "event_callback", "event": {"type": "function_executed", "function": 1}},
            "event.function has no callback_id",
        ),
        ([], "the payload is not an object"),
    ],
)
def test_shape(body: Any, problem: str | None) -> None:
    assert shape_problem(body) == problem
