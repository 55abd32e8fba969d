"""Who may assign, link and answer, and the audit trail: signed HTTP in, recorded calls out."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.slack.ui_ids import Action
from bot.store.connection import Store
from tests.e2e.conftest import ADMIN, LEAD, Bot
from tests.e2e.test_assign_command import button, confirm, preview_for, seeded, text_of

ALICE = "UALICE"
BOB = "UBOB"


def keys(bot: Bot) -> list[str]:
    async def scan(store: Store) -> list[str]:
        return sorted([key async for key in store.redis.scan_iter(match=f"{store.prefix}*")])

    return bot.in_store(scan)


def confirmation_keys(bot: Bot) -> list[str]:
    return [key for key in keys(bot) if ":confirmation:" in key]


def answer(bot: Bot, text: str, user: str = LEAD, channel: str = "CCHAN") -> str:
    response, key = bot.sender.command(text, user=user, channel=channel)
    assert response.status_code == 200
    return text_of(bot.last_response(key))


# -- who may assign --------------------------------------------------------------------------


def test_allowed_users_refusal_says_who_may_and_how_to_get_access(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory(ASSIGN_ALLOWED_USERS="UALLOWED,UOTHER")
    seeded(bot)
    bot.link(ALICE, "user-alice")

    refused = answer(bot, f"eval_123 t1 to <@{ALICE}>")
    assert "You are not allowed to assign tasks" in refused
    assert "<@UALLOWED>" in refused and "<@UOTHER>" in refused, "says who may"
    assert f"ask an admin (<@{ADMIN}>)" in refused and "ASSIGN_ALLOWED_USERS" in refused
    assert "Nothing was assigned" in refused
    assert confirmation_keys(bot) == [], "a refusal stores nothing"

    # An allowed user and an admin both get a preview.
    for user in ("UALLOWED", ADMIN):
        preview, _ = preview_for(bot, f"eval_123 t1 to <@{ALICE}>", user=user)
        assert button(preview, Action.CONFIRM)
    assert bot.sgp.batch_assign_calls() == []


def test_allowed_channels(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(ASSIGN_ALLOWED_CHANNELS="CGOOD")
    seeded(bot)
    bot.link(ALICE, "user-alice")
    refused = answer(bot, f"eval_123 t1 to <@{ALICE}>", channel="CCHAN")
    assert "works only in <#CGOOD>" in refused and "ASSIGN_ALLOWED_CHANNELS" in refused
    allowed = answer(bot, f"eval_123 t1 to <@{ALICE}>", channel="CGOOD")
    assert "Assign 1 task?" in allowed
    # Admins may assign anywhere.
    assert "Assign 1 task?" in answer(bot, f"eval_123 t1 to <@{ALICE}>", user=ADMIN)


def test_allowed_groups_are_read_from_slack_and_cached(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(ASSIGN_ALLOWED_GROUPS="@eval-leads")
    bot.slack.usergroups["S0LEADS"] = ("eval-leads", [LEAD])
    seeded(bot)
    bot.link(ALICE, "user-alice")

    assert "Assign 1 task?" in answer(bot, f"eval_123 t1 to <@{ALICE}>")
    refused = answer(bot, f"eval_123 t1 to <@{ALICE}>", user=BOB)
    assert "members of `@eval-leads`" in refused and "or join `@eval-leads`" in refused
    assert "Assign 1 task?" in answer(bot, f"eval_123 t1 to <@{ALICE}>")

    # Three commands, one look-up of each kind: the answers are cached in Redis for minutes.
    assert len(bot.slack.calls_to("usergroups.list")) == 1
    [members_call] = bot.slack.calls_to("usergroups.users.list")
    assert members_call.args["usergroup"] == "S0LEADS"

    async def ttl(store: Store) -> int:
        return int(await store.redis.ttl(store.cache.key("usergroup-members", "S0LEADS")))

    assert 0 < bot.in_store(ttl) <= 300


def test_group_ids_need_no_handle_lookup(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(ASSIGN_ALLOWED_GROUPS="S0LEADS")
    bot.slack.usergroups["S0LEADS"] = ("eval-leads", [LEAD])
    assert "Assign 1 task?" in answer(bot, "eval_123 t1 to sgp:user-x")
    assert bot.slack.calls_to("usergroups.list") == []


def test_slack_not_answering_about_groups_says_try_again(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(ASSIGN_ALLOWED_GROUPS="eval-leads")
    bot.slack.usergroups["S0LEADS"] = ("eval-leads", [LEAD])
    bot.slack.fail_next("usergroups.list", "missing_scope")
    refused = answer(bot, "eval_123 t1 to sgp:user-x")
    assert "could not check whether you are a member of `@eval-leads`" in refused
    assert "Try again shortly" in refused
    assert confirmation_keys(bot) == []
    # The failure is not cached: the next try asks Slack again and works.
    assert "Assign 1 task?" in answer(bot, "eval_123 t1 to sgp:user-x")


# -- who may answer a confirmation -------------------------------------------------------------


def test_an_admin_may_confirm_for_the_requester_and_others_may_not(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    _, token = preview_for(bot, f"eval_123 t1 to <@{ALICE}>")
    refused = text_of(bot.last_response(confirm(bot, token, user=BOB)))
    assert f"Only <@{LEAD}>, who made this request, or an admin" in refused
    assert bot.sgp.batch_assign_calls() == []

    bot.responses(confirm(bot, token, user=ADMIN), count=2)
    assert len(bot.sgp.batch_assign_calls()) == 1


def test_an_admin_may_cancel_and_others_may_not(bot: Bot) -> None:
    seeded(bot)
    _, token = preview_for(bot, "eval_123 t1 to sgp:user-x")
    response, key = bot.sender.click(Action.CANCEL, token, user=BOB)
    assert response.status_code == 200
    assert "Only <@ULEAD>" in text_of(bot.last_response(key))
    assert len(confirmation_keys(bot)) == 1, "the refused cancel left the request pending"
    response, key = bot.sender.click(Action.CANCEL, token, user=ADMIN)
    assert "Cancelled" in text_of(bot.last_response(key))
    response, key = bot.sender.click(Action.CONFIRM, token, user=ADMIN)
    assert "already cancelled" in text_of(bot.last_response(key)), "the cancel took it"


# -- who may change links ----------------------------------------------------------------------


def test_self_linking_lets_a_user_link_only_themself(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(ASSIGN_ALLOW_SELF_LINK="true")
    assert "Linked <@ULEAD> to platform user `user-lead`" in answer(bot, "link me user-lead")
    refused = answer(bot, f"link <@{ALICE}|alice> user-alice")
    assert "only yourself" in refused and f"<@{ADMIN}>" in refused
    assert "Unlinked <@ULEAD>" in answer(bot, "unlink me")
    assert "only yourself" in answer(bot, f"unlink <@{ALICE}>")
    assert f"Linked <@{ALICE}>" in answer(bot, f"link <@{ALICE}> user-alice", user=ADMIN)


def test_without_self_linking_links_are_admin_only(bot: Bot) -> None:
    refused = answer(bot, "link me user-lead")
    assert "Only admins can change user links" in refused

    async def links(store: Store) -> dict[str, str]:
        return await store.identities.all("T1")

    assert bot.in_store(links) == {}


# -- the audit trail ---------------------------------------------------------------------------


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        json.loads(record.getMessage()) for record in caplog.records if record.name == "bot.audit"
    ]


def test_every_executed_assignment_is_audited_and_admins_read_it(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.audit")
    bot.sgp.add_tasks("eval_1", ["t1", "t2"])
    bot.sgp.add_tasks("eval_2", ["t9"])
    bot.link(ALICE, "user-alice")

    _, token = preview_for(bot, f"eval_1 t1 t2 ghost to <@{ALICE}> sgp:user-b")
    bot.responses(confirm(bot, token), count=2)
    # The result reaches the requester before the audit record is written: wait for it, so
    # the two records come in the order the two requests were made.
    bot.slack.wait_for(lambda: len(audit_lines(caplog)) >= 1)
    # Nothing assigned is still an executed request: it is audited, without a permalink.
    _, token = preview_for(bot, "eval_2 nope to sgp:user-c", user=ADMIN)
    bot.responses(confirm(bot, token, user=ADMIN), count=2)

    lines = bot.slack.wait_for(lambda: len(audit_lines(caplog)) >= 2 and audit_lines(caplog))
    first, second = lines
    assert first["event"] == "assignment" and first["requester_id"] == LEAD
    assert (first["requested"], first["assigned"], first["failed"]) == (3, 2, 1)
    assert first["evaluation_id"] == "eval_1" and first["team_id"] == "T1"
    assert [a["platform_user_id"] for a in first["assignees"]] == ["user-alice", "user-b"]
    assert first["assignees"][0]["slack_user_id"] == ALICE
    assert first["permalink"].startswith("https://fake.slack.com/archives/CCHAN/p")
    assert first["at"]
    assert (second["assigned"], second["failed"], second["permalink"]) == (0, 1, None)

    async def stream(store: Store) -> list[Any]:
        return [record.model_dump(mode="json") for record in await store.audit.latest("T1", 10)]

    stored = bot.in_store(stream)
    assert [{k: v for k, v in record.items()} for record in stored] == [
        {k: v for k, v in line.items() if k != "event"} for line in (second, first)
    ], "the stream holds the logged records, newest first"

    history = answer(bot, "history", user=ADMIN)
    assert "The last 2 assignments" in history and "(only 2 recorded)" in history
    assert history.index("eval_2") < history.index("eval_1"), "newest first"
    assert f"<@{LEAD}> assigned 2 of 3 tasks of `eval_1`" in history
    assert "(1 not assigned)" in history and "|summary>" in history

    only_one = answer(bot, "history 1", user=ADMIN)
    assert "eval_2" in only_one and "eval_1" not in only_one

    refused = answer(bot, "history")
    assert "Only admins can see the assignment history" in refused and "eval_1" not in refused


def test_history_when_nothing_ran(bot: Bot) -> None:
    assert "No assignments have been recorded yet" in answer(bot, "history 5", user=ADMIN)
    assert "is not a number" in answer(bot, "history lots", user=ADMIN)


def test_the_audit_cap_is_configurable(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(ASSIGN_AUDIT_MAX_ENTRIES=100)
    assert bot.runtime.store.audit.max_entries == 100  # trimming: tests/integration/store


def test_mentions_follow_the_same_rules(bot_factory: Callable[..., Bot]) -> None:
    """The rule lives in the service, so a mention in a thread is refused like the command."""
    from tests.e2e.test_mentions import answer_to, notification_thread

    bot = bot_factory(ASSIGN_ALLOWED_USERS="UALLOWED")
    bot.link(ALICE, "user-alice")
    refused = text_of(answer_to(bot, f"t1 to <@{ALICE}>", thread_ts=notification_thread(bot)).args)
    assert "You are not allowed to assign tasks" in refused and "<@UALLOWED>" in refused
    assert confirmation_keys(bot) == [] and bot.sgp.requests == []
