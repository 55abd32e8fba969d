"""Enterprise Grid: an org-wide install shares links across the org's workspaces."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from bot.slack.ui_ids import Action
from tests.e2e.conftest import ADMIN, LEAD, Bot
from tests.e2e.test_assign_command import button, seeded, text_of
from tests.e2e.test_workflow_step import ALICE, CHANNEL, completion, inputs, run_step


def grid_command(bot: Bot, text: str, team: str, user: str = LEAD) -> str:
    """`/assign` from workspace `team` of org E1, the app installed org-wide."""
    key = f"grid{time.monotonic_ns()}"
    form = {
        "token": "legacy-unused",
        "team_id": team,
        "team_domain": team.lower(),
        "enterprise_id": "E1",
        "enterprise_name": "Acme Org",
        "is_enterprise_install": "true",
        "channel_id": CHANNEL,
        "user_id": user,
        "command": "/assign",
        "text": text,
        "api_app_id": "A1",
        "response_url": bot.slack.response_url(key),
        "trigger_id": "trig",
    }
    assert bot.sender.post(urlencode(form)).status_code == 200
    return key


def test_a_link_made_in_one_workspace_holds_in_every_workspace_of_the_org(bot: Bot) -> None:
    seeded(bot)
    linked = bot.last_response(grid_command(bot, f"link <@{ALICE}> user-alice", "T1", ADMIN))
    assert "Linked" in text_of(linked)
    assert bot.in_store(lambda store: store.identities.get("E1", ALICE)) == "user-alice"

    shown = bot.last_response(grid_command(bot, f"eval_123 t1 to <@{ALICE}>", "T2"))
    assert "user-alice" in text_of(shown) and button(shown, Action.CONFIRM)

    run_step(bot, inputs(auto_confirm=True), team="T2", enterprise="E1")
    done = completion(bot)
    assert done.method == "functions.completeSuccess", done.args
    assert done.args["outputs"]["assigned_count"] == 3


def test_a_workspace_link_from_before_the_org_wide_install_still_counts(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice-old", team="T2")
    shown = bot.last_response(grid_command(bot, f"eval_123 t1 to <@{ALICE}>", "T2"))
    assert "user-alice-old" in text_of(shown)
    whoami = bot.last_response(grid_command(bot, "whoami", "T2", ALICE))
    assert "user-alice-old" in text_of(whoami)


def test_org_wide_group_reads_name_the_workspace(bot_factory: Any) -> None:
    bot: Bot = bot_factory(ASSIGN_ALLOWED_GROUPS="eval-leads")
    bot.slack.usergroups["S0LEADS"] = ("eval-leads", [LEAD])
    seeded(bot)
    bot.link(ALICE, "user-alice", team="E1")
    shown = bot.last_response(grid_command(bot, f"eval_123 t1 to <@{ALICE}>", "T2"))
    assert button(shown, Action.CONFIRM)
    [listed] = bot.slack.calls_to("usergroups.list")
    [members] = bot.slack.calls_to("usergroups.users.list")
    assert listed.args["team_id"] == "T2" and members.args["team_id"] == "T2"
