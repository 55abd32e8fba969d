"""No raw `<...>` placeholder in mrkdwn: Slack reads `<platform-user-id>` as markup and drops it."""

from __future__ import annotations

import re

import pytest

from bot.slack.plain import plain_text
from bot.slack.wording import describe
from bot.usecases.refusals import NotAdmin, UnlinkedAssignees

#: `<` that does not open Slack markup (a mention, a channel, a special, a link).
RAW_ANGLE = re.compile(r"<(?![@#!]|https?:|mailto:)")


@pytest.mark.parametrize(
    "error",
    [
        UnlinkedAssignees(["U1"], frozenset({"UADMIN"})),
        UnlinkedAssignees(["U1", "U2"], frozenset()),
        NotAdmin(frozenset({"UADMIN"}), self_link=True),
    ],
)
def test_placeholders_are_escaped_and_read_back_in_plain_text(error: Exception) -> None:
    text = describe(error)
    assert "platform-user-id" in text
    assert RAW_ANGLE.search(text) is None, text
    assert "<platform-user-id>" in plain_text(text)
