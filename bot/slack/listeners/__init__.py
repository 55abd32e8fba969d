"""Listeners grouped by feature; `register` wires them all to an app.

Each module's handlers are module-level functions (testable with a plain `Incoming`), wrapped
by `bot.slack.listener.listener`; the modal's submissions answer in their ack instead.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.listeners import (
    command,
    confirmation,
    home,
    mentions,
    modal,
    shortcuts,
    stalled,
    summary,
    unfurls,
    workflow,
)


def register(app: AsyncApp, deps: Deps) -> None:
    for feature in (command, confirmation, mentions, modal, shortcuts, summary, unfurls, workflow):
        feature.register(app, deps)
    home.register(app, deps)
    stalled.register(app, deps)
