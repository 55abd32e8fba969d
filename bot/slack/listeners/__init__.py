"""One module per Slack surface; `register` wires them all to an app."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.listeners import actions, commands, events, retry, shortcuts, undo, views


def register(app: AsyncApp, deps: Deps) -> None:
    commands.register(app, deps)
    actions.register(app, deps)
    events.register(app, deps)
    views.register(app, deps)
    shortcuts.register(app, deps)
    retry.register(app, deps)
    undo.register(app, deps)
