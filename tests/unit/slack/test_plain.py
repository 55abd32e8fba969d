"""mrkdwn turned into plain text for a modal input's error."""

from __future__ import annotations

from bot.slack.plain import plain_text
from bot.slack.wording import describe
from bot.usecases.refusals import NotAdmin


def test_mentions_code_bold_and_entities_become_plain() -> None:
    text = "*Only* <@U1> or <@U2|bob> in <#C1|general>: `sgp:x` &lt;a&gt; &amp; <https://x.y|this>"
    assert plain_text(text) == 'Only @U1 or @bob in #general: "sgp:x" <a> & this'
    assert plain_text("<#C9> <!subteam^S1|@leads> <!here>") == "#C9 @leads @here"


def test_describe_reads_as_plain_text() -> None:
    plain = plain_text(describe(NotAdmin(frozenset({"UADMIN"}))))
    assert "<@" not in plain and "@UADMIN" in plain
