"""Refusals say who may and how to get access, without pinging anyone they name."""

from __future__ import annotations

from bot.core.authz import AccessPolicy, Refusal
from bot.slack.wording import describe
from bot.usecases.refusals import NotAdmin, NotAllowed, NotRequester

ADMINS = frozenset({"UADMIN"})


def test_not_an_allowed_user() -> None:
    policy = AccessPolicy(
        admins=ADMINS, users=frozenset({"U1", "U2"}), groups=frozenset({"eval-leads", "S0ABC"})
    )
    text = describe(NotAllowed(Refusal.USER, policy))
    assert text.startswith("You are not allowed to assign tasks.")
    assert "Who may: <@U1>, <@U2>; members of `S0ABC`, `@eval-leads`; the admins." in text
    assert "ask an admin (<@UADMIN>) to add you to ASSIGN_ALLOWED_USERS, or join" in text
    assert "<!subteam" not in text, "a group is named, never notified"


def test_not_an_allowed_channel() -> None:
    policy = AccessPolicy(admins=ADMINS, channels=frozenset({"C1", "C2"}))
    text = describe(NotAllowed(Refusal.CHANNEL, policy))
    assert "`/assign` works only in <#C1>, <#C2>. Run it there" in text
    assert "ASSIGN_ALLOWED_CHANNELS" in text


def test_long_lists_are_cut_and_no_admins_is_said() -> None:
    policy = AccessPolicy(users=frozenset(f"U{i:02d}" for i in range(25)))
    text = describe(NotAllowed(Refusal.USER, policy))
    assert "<@U09> and 15 more" in text and "<@U10>" not in text
    assert "no admins are configured in ASSIGN_ADMINS" in text


def test_groups_that_could_not_be_read() -> None:
    policy = AccessPolicy(groups=frozenset({"@Eval-Leads"}))
    text = describe(NotAllowed(Refusal.USER, policy, groups_unchecked=True))
    assert "could not check whether you are a member of `@eval-leads`" in text
    assert "Try again shortly" in text


def test_answers_links_and_history() -> None:
    assert "or an admin" in describe(NotRequester("ULEAD"))
    assert "link me &lt;platform-user-id&gt;" in describe(NotAdmin(ADMINS, self_link=True))
    assert describe(NotAdmin(ADMINS)).startswith("Only admins can change user links.")
    history = describe(NotAdmin(ADMINS, action="see the assignment history"))
    assert history == "Only admins can see the assignment history. The admins are <@UADMIN>."
    # A mistyped admin id in the settings is shown as text, never as markup.
    odd = describe(NotAdmin(frozenset({"<!channel>"}), action="x"))
    assert "<!channel>" not in odd and "`&lt;!channel&gt;`" in odd
