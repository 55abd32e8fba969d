"""The Workflow Builder step "Assign evaluation tasks" end to end: signed `function_executed`
events (shaped like bolt-python's own scenario tests) into the running bot, the fake Slack
recording functions.completeSuccess / completeError with the step's own token; and Enterprise
Grid payloads, whose links are the org's."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from bot.fakes.slack_requests import sign
from bot.fakes.slack_server import SlackCall
from bot.slack.ui_ids import Action
from bot.usecases.assigning import AssigningConfig
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.test_assign_command import button, seeded, text_of

ALICE = "UALICE"
CHANNEL = "CCHAN"
STEP_TOKEN = "xwfp-step-token-0123456789"


def run_step(
    bot: Bot,
    inputs: dict[str, Any],
    *,
    execution: str = "Fx1",
    event_id: str | None = None,
    retry_num: int | None = None,
    team: str = "T1",
    enterprise: str | None = None,
    token: str = STEP_TOKEN,
) -> str:
    """Slack runs the step: a function_executed event, signed; returns its event_id."""
    bot.slack.function_tokens.add(token)
    event_id = event_id or f"Ev{execution}"
    body: dict[str, Any] = {
        "token": "verification_token",
        "team_id": team,
        "api_app_id": "A1",
        "event": {
            "type": "function_executed",
            "function": {
                "id": "Fn1",
                "callback_id": "assign_tasks",
                "title": "Assign evaluation tasks",
                "type": "app",
                "app_id": "A1",
                "date_updated": 1659054991,
            },
            "inputs": inputs,
            "function_execution_id": execution,
            "workflow_execution_id": f"Wx{execution}",
            "event_ts": "1659055013.509853",
            "bot_access_token": token,
        },
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": enterprise,
                "team_id": None if enterprise else team,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": enterprise is not None,
            }
        ],
    }
    if enterprise is not None:
        body["enterprise_id"] = enterprise
        body["is_enterprise_install"] = True
    raw = json.dumps(body)
    headers = {**sign(bot.sender.secret, raw), "Content-Type": "application/json"}
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    started = time.monotonic()
    response = bot.sender.post(raw, headers)
    assert response.status_code == 200
    assert time.monotonic() - started < 3.0, "Slack needs its ack within 3 seconds"
    return event_id


def inputs(**extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "evaluation_id": "eval_123",
        "task_ids": "t1, t2\nt3",
        "assignees": [ALICE],
        "channel_id": CHANNEL,
        "interactivity": {
            "interactor": {"id": LEAD, "secret": "c2VjcmV0"},
            "interactivity_pointer": "123.456.abc",
        },
    }
    values.update(extra)
    return values


def completion(bot: Bot, count: int = 1) -> SlackCall:
    calls: list[SlackCall] = bot.slack.wait_for(
        lambda: len(bot.slack.completions()) >= count and bot.slack.completions(),
        what=f"{count} step completion(s)",
    )
    call = calls[count - 1]
    assert call.headers["authorization"] == f"Bearer {STEP_TOKEN}", "the step's own token"
    assert call.args["function_execution_id"] == "Fx1"
    return call


def preview(bot: Bot) -> SlackCall:
    call: SlackCall = bot.slack.wait_for(
        lambda: (found := bot.slack.calls_to("chat.postEphemeral")) and found[0],
        what="the step's preview",
    )
    return call


def test_preview_then_confirm_completes_the_step_with_its_outputs(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, inputs())

    shown = preview(bot)
    assert shown.args["channel"] == CHANNEL and shown.args["user"] == LEAD
    assert "eval_123" in text_of(shown.args) and "3 tasks" in text_of(shown.args)
    assert bot.sgp.batch_assign_calls() == [], "nothing is assigned before Confirm"
    assert bot.slack.completions() == [], "the step waits for the person"

    response, key = bot.sender.click(Action.CONFIRM, button(shown.args, Action.CONFIRM)["value"])
    assert response.status_code == 200
    done = completion(bot)
    assert done.method == "functions.completeSuccess"
    outputs = done.args["outputs"]
    assert outputs["assigned_count"] == 3 and outputs["failed_count"] == 0
    assert outputs["summary_permalink"].startswith("https://fake.slack.com/archives/CCHAN/p")
    [call] = bot.sgp.batch_assign_calls()
    assert call.json == {"task_ids": ["t1", "t2", "t3"], "assigned_to": "user-alice"}
    assert "Assigned 3 of 3 tasks" in text_of(bot.last_response(key, count=2))
    bot.settle()
    assert len(bot.slack.completions()) == 1
    assert STEP_TOKEN not in caplog.text, "the step's token never reaches a log line"
    token_left = bot.in_store(lambda store: store.redis.keys("*step-token*"))
    assert token_left == [], "the token is dropped once the step is completed"
    metrics = bot.runtime.metrics.render().decode()
    assert 'requests_total{outcome="ok",surface="workflow_step"} 1.0' in metrics


def test_auto_confirm_queues_the_job_at_once(bot: Bot) -> None:
    seeded(bot, count=4)
    bot.link(ALICE, "user-alice")
    run_step(bot, inputs(task_ids="", query="next 2", auto_confirm=True))

    done = completion(bot)
    assert done.method == "functions.completeSuccess"
    assert done.args["outputs"]["assigned_count"] == 2
    assert bot.slack.calls_to("chat.postEphemeral") == [], "no preview to confirm"
    [call] = bot.sgp.batch_assign_calls()
    assert len(call.json["task_ids"]) == 2 and call.json["assigned_to"] == "user-alice"
    bot.settle()
    records = bot.in_store(lambda store: store.audit.latest("T1", 10))
    assert records and records[0].requester_id == LEAD, "audited as /assign is"


def test_cancel_fails_the_step_with_cancelled(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, inputs())
    token = button(preview(bot).args, Action.CANCEL)["value"]
    bot.sender.click(Action.CANCEL, token)

    done = completion(bot)
    assert done.method == "functions.completeError" and done.args["error"] == "cancelled"
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []


def test_a_preview_nobody_answers_fails_the_step_when_it_expires(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    bot.runtime.usecases.assigning.config = AssigningConfig(confirmation_ttl_seconds=1)
    run_step(bot, inputs())
    preview(bot)

    done = completion(bot)
    assert done.method == "functions.completeError" and "expired" in done.args["error"]
    metrics = bot.runtime.metrics.render().decode()
    assert 'confirmations_total{event="expired"} 1.0' in metrics
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []


def test_a_redelivered_event_runs_the_step_once(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    event_id = run_step(bot, inputs(auto_confirm=True))
    run_step(bot, inputs(auto_confirm=True), event_id=event_id, retry_num=1)
    run_step(bot, inputs(auto_confirm=True), event_id=event_id, retry_num=2)

    completion(bot)
    bot.settle()
    assert len(bot.sgp.batch_assign_calls()) == 1
    assert len(bot.slack.completions()) == 1


def test_a_job_that_assigns_nothing_fails_the_step_with_the_reason(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    bot.sgp.fail_next(403, {"detail": "Not allowed to assign in this evaluation"})
    run_step(bot, inputs(auto_confirm=True))

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "Nothing was assigned" in done.args["error"]
    assert "eval_123" in done.args["error"]
    assert "<" not in done.args["error"] and "`" not in done.args["error"], "plain text"


def test_an_unlinked_assignee_fails_the_step_at_once(bot: Bot) -> None:
    seeded(bot)
    run_step(bot, inputs())

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "no linked platform account" in done.args["error"]
    bot.settle()
    assert bot.slack.calls_to("chat.postEphemeral") == [] and bot.sgp.batch_assign_calls() == []


def test_bad_inputs_and_a_missing_person_fail_the_step_in_words(bot: Bot) -> None:
    run_step(bot, inputs(task_ids="t1 <b>"))
    assert '"t1 <b>"' not in completion(bot).args["error"]
    assert "not a task id" in completion(bot).args["error"]
    run_step(bot, inputs(interactivity=None), execution="Fx1", event_id="Ev2")
    assert 'set the step\'s "auto_confirm" input to true' in completion(bot, 2).args["error"]


# -- Runs nobody started (a scheduled trigger: no `interactivity`) ------------------------------


def scheduled(**extra: Any) -> dict[str, Any]:
    """A schedule ("every morning, the next 2 unassigned tasks"): no person behind it."""
    values: dict[str, Any] = {
        "interactivity": None,
        "task_ids": "",
        "query": "next 2",
        "auto_confirm": True,
    }
    return inputs(**{**values, **extra})


def test_a_scheduled_run_assigns_reports_and_completes_as_the_workflow(bot: Bot) -> None:
    seeded(bot, count=4)
    bot.link(ALICE, "user-alice")
    run_step(bot, scheduled())

    done = completion(bot)
    assert done.method == "functions.completeSuccess", done.args
    outputs = done.args["outputs"]
    assert outputs["assigned_count"] == 2 and outputs["failed_count"] == 0
    assert outputs["summary_permalink"].startswith("https://fake.slack.com/archives/CCHAN/p")
    [call] = bot.sgp.batch_assign_calls()
    assert len(call.json["task_ids"]) == 2 and call.json["assigned_to"] == "user-alice"
    assert bot.slack.calls_to("chat.postEphemeral") == [], "nobody to show a preview to"
    bot.settle()
    posts = bot.slack.calls_to("chat.postMessage")
    [summary] = [c for c in posts if c.args["channel"] == CHANNEL and not c.args.get("thread_ts")]
    assert "`workflow:Fx1` assigned 2 of 2 tasks" in text_of(summary.args)
    assert [c for c in posts if c.args["channel"] == ALICE], "the assignee gets their DM"
    [record] = bot.in_store(lambda store: store.audit.latest("T1", 10))
    assert record.requester_id == "workflow:Fx1" and record.assigned == 2
    metrics = bot.runtime.metrics.render().decode()
    assert 'requests_total{outcome="ok",surface="workflow_step"} 1.0' in metrics


def test_a_scheduled_run_without_auto_confirm_fails_naming_the_input(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, scheduled(auto_confirm=False))

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "Nobody ran this workflow" in done.args["error"]
    assert '"auto_confirm" input to true' in done.args["error"]
    run_step(bot, scheduled(channel_id=""), execution="Fx1", event_id="Ev2")
    assert 'set the step\'s "channel_id" input' in completion(bot, 2).args["error"]
    bot.settle()
    assert bot.sgp.batch_assign_calls() == [] and bot.slack.calls_to("chat.postEphemeral") == []
    metrics = bot.runtime.metrics.render().decode()
    assert 'requests_total{outcome="usage_error",surface="workflow_step"} 2.0' in metrics


def test_a_scheduled_run_is_refused_where_only_allowed_people_may_assign(
    bot_factory: Any,
) -> None:
    bot: Bot = bot_factory(ASSIGN_ALLOWED_USERS=LEAD)
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, scheduled())

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "Nobody ran this workflow" in done.args["error"]
    assert "ASSIGN_WORKFLOW_RUNS_AS" in done.args["error"]
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []
    assert bot.in_store(lambda store: store.audit.latest("T1", 10)) == []
    metrics = bot.runtime.metrics.render().decode()
    assert 'requests_total{outcome="refused",surface="workflow_step"} 1.0' in metrics


def test_a_scheduled_run_keeps_to_the_allowed_channels(bot_factory: Any) -> None:
    bot: Bot = bot_factory(ASSIGN_ALLOWED_CHANNELS="COTHER")
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, scheduled())

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "ASSIGN_ALLOWED_CHANNELS" in done.args["error"]
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []


def test_a_scheduled_run_acts_as_the_configured_user_under_the_allow_lists(
    bot_factory: Any,
) -> None:
    bot: Bot = bot_factory(ASSIGN_ALLOWED_USERS="USERVICE", ASSIGN_WORKFLOW_RUNS_AS="USERVICE")
    seeded(bot, count=4)
    bot.link(ALICE, "user-alice")
    run_step(bot, scheduled())

    done = completion(bot)
    assert done.method == "functions.completeSuccess", done.args
    assert done.args["outputs"]["assigned_count"] == 2
    bot.settle()
    [record] = bot.in_store(lambda store: store.audit.latest("T1", 10))
    assert record.requester_id == "USERVICE", "audited as the user such runs act as"
    summaries = [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert "<@USERVICE> assigned 2 of 2 tasks" in text_of(summaries[0].args)


def test_a_configured_user_not_on_the_allow_lists_is_refused_by_name(bot_factory: Any) -> None:
    bot: Bot = bot_factory(ASSIGN_ALLOWED_USERS=LEAD, ASSIGN_WORKFLOW_RUNS_AS="USERVICE")
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, scheduled())

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "@USERVICE" in done.args["error"] and "ASSIGN_ALLOWED_USERS" in done.args["error"]
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []


def test_a_completion_slack_refuses_is_logged_not_retried(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    bot.slack.fail_next("functions.completeSuccess", "function_execution_not_found")
    run_step(bot, inputs(auto_confirm=True))

    completion(bot)
    bot.settle()
    assert len(bot.slack.completions()) == 1
    assert "function_execution_not_found" in caplog.text


def test_the_global_shortcut_still_opens_the_form_beside_the_step(bot: Bot) -> None:
    """Both use the callback id `assign_tasks`: Bolt routes them by payload type."""
    response = bot.sender.shortcut("assign_tasks")
    assert response.status_code == 200
    assert bot.slack.wait_for(lambda: bot.slack.calls_to("views.open"), what="the form")
    assert bot.slack.completions() == []


def test_the_allow_lists_of_assign_apply_to_the_person_who_ran_it(bot_factory: Any) -> None:
    bot: Bot = bot_factory(ASSIGN_ALLOWED_USERS="USOMEONE")
    seeded(bot)
    bot.link(ALICE, "user-alice")
    run_step(bot, inputs(auto_confirm=True))

    done = completion(bot)
    assert done.method == "functions.completeError"
    assert "allowed" in done.args["error"].lower()
    bot.settle()
    assert bot.sgp.batch_assign_calls() == []
    metrics = bot.runtime.metrics.render().decode()
    assert 'requests_total{outcome="refused",surface="workflow_step"} 1.0' in metrics
