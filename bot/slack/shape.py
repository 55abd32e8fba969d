"""Is a signed Slack payload shaped as Slack sends it? Checked before any listener matches.

Bolt trusts a payload's types: an `action_id` that is a list, or a `view` that is a string,
raises inside its matchers and reaches the app's error handler as a bug (an ERROR log and
"Something went wrong"). Such a request is broken or hostile, so it is refused with a 400
before Bolt reads it. Only the fields Bolt's matchers and the bot's listeners read are checked;
anything else is left alone, so a new field from Slack never breaks the bot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

#: Fields that are strings wherever they appear at the top level of a payload.
_TEXT_FIELDS: Final = (
    "type",
    "command",
    "text",
    "callback_id",
    "trigger_id",
    "response_url",
    "user_id",
    "team_id",
    "channel_id",
    "action_ts",
    "message_ts",
    "event_id",
)
#: Objects (or null) wherever they appear, and the string fields read inside them.
_OBJECTS: Final[Mapping[str, tuple[str, ...]]] = {
    "user": ("id", "team_id", "username"),
    "team": ("id", "domain"),
    "channel": ("id", "name"),
    "container": ("type", "channel_id", "message_ts", "thread_ts"),
    "message": ("type", "text", "ts", "thread_ts", "user"),
    "enterprise": ("id",),
}
#: (`user` and `channel` are objects in some events, such as user_change or channel_created.)
_EVENT_TEXT: Final = ("type", "subtype", "text", "ts", "thread_ts", "event_ts")
_VIEW_TEXT: Final = ("id", "callback_id", "private_metadata", "type", "hash", "team_id")


def shape_problem(body: Any) -> str | None:
    """What is wrongly typed in `body` (a phrase for the log), or None when it is fine."""
    if not isinstance(body, Mapping):
        return "the payload is not an object"
    problem = _texts(body, _TEXT_FIELDS, "") or _objects(body)
    if problem:
        return problem
    kind = body.get("type")
    if kind in ("block_actions", "block_suggestion", "interactive_message"):
        return _actions(body)
    if kind in ("view_submission", "view_closed"):
        return _view(body.get("view"))
    if kind in ("shortcut", "message_action") and not isinstance(body.get("callback_id"), str):
        return "callback_id is not a string"
    if kind == "event_callback":
        return _event(body.get("event"))
    return None


def _texts(where: Mapping[str, Any], names: Sequence[str], prefix: str) -> str | None:
    for name in names:
        value = where.get(name)
        if value is not None and not isinstance(value, str):
            return f"{prefix}{name} is not a string"
    return None


def _objects(body: Mapping[str, Any]) -> str | None:
    for name, texts in _OBJECTS.items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            return f"{name} is not an object"
        problem = _texts(value, texts, f"{name}.")
        if problem:
            return problem
    return None


def _actions(body: Mapping[str, Any]) -> str | None:
    if body.get("type") == "block_suggestion":
        return _texts(body, ("action_id", "block_id", "value"), "")
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return "actions is not a list of actions"
    for action in actions:
        if not isinstance(action, Mapping) or not isinstance(action.get("action_id"), str):
            return "an action has no action_id"
        problem = _texts(action, ("block_id", "value", "type", "action_ts"), "action.")
        if problem:
            return problem
    return None


def _view(view: Any) -> str | None:
    if not isinstance(view, Mapping):
        return "view is not an object"
    problem = _texts(view, _VIEW_TEXT, "view.")
    if problem:
        return problem
    # The inputs (`state.values`) are the form's to judge: it answers odd ones on the form.
    return None


def _event(event: Any) -> str | None:
    if not isinstance(event, Mapping):
        return "event is not an object"
    if not isinstance(event.get("type"), str):
        return "event.type is not a string"
    problem = _texts(event, _EVENT_TEXT, "event.")
    if problem:
        return problem
    function = event.get("function")
    if function is not None and not (
        isinstance(function, Mapping) and isinstance(function.get("callback_id"), str)
    ):
        return "event.function has no callback_id"
    return None
