"""GET /metrics after real flows: every counter an operator alerts on moves when it should.

Counters are compared before and after each flow, so the test holds whether the bot counts in
its own registry or in the process's shared one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.fakes.waiting import wait_until
from bot.slack.ui_ids import Action, Callback
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.test_assign_command import button, preview_for, seeded
from tests.e2e.test_mentions import ephemerals, mention

ALICE = "UALICE"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(bot: Bot) -> Samples:
    response = httpx.get(f"{bot.url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


class Meter:
    """Differences between two scrapes of one bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.before = scrape(bot)

    def moved(self, name: str, **labels: str) -> float:
        return value(scrape(self.bot), name, **labels) - value(self.before, name, **labels)

    def wait_moved(
        self, name: str, at_least: float = 1, timeout: float = 10, **labels: str
    ) -> float:
        moved: list[float] = []  # each scrape's value, for the message if it never gets there

        def enough() -> bool:
            moved.append(self.moved(name, **labels))
            return moved[-1] >= at_least

        try:
            wait_until(enough, what=name, timeout=timeout)
        except AssertionError:
            raise AssertionError(f"{name}{labels} moved {moved[-1]}, not {at_least}") from None
        return moved[-1]


def requests_of(surface: str, outcome: str) -> dict[str, Any]:
    return {"name": "assignbot_requests_total", "surface": surface, "outcome": outcome}


def test_metrics_are_prometheus_text_with_every_family(bot: Bot) -> None:
    response = httpx.get(f"{bot.url}/metrics", timeout=10)
    names = {family.name for family in text_string_to_metric_families(response.text)}
    for expected in (
        "assignbot_requests",
        "assignbot_confirmations",
        "assignbot_jobs",
        "assignbot_tasks",
        "assignbot_platform_request_seconds",
        "assignbot_slack_api_errors",
        "assignbot_slack_rate_limited",
        "assignbot_slack_ack_seconds",
        "assignbot_answers_in_progress",
        "process_cpu_seconds",
    ):
        assert expected in names


def test_command_outcomes_and_ack_latency_are_counted(bot: Bot) -> None:
    meter = Meter(bot)
    flows: list[tuple[str, str]] = [
        ("help", "ok"),
        ("eval_123", "usage_error"),  # no task ids, no assignee
        (f"eval_123 t1 to <@{ALICE}|alice>", "refused"),  # Alice has no linked account
        (f"link <@{ALICE}|alice> user-alice", "refused"),  # only admins link
    ]
    for text, _ in flows:
        response, key = bot.sender.command(text)
        assert response.status_code == 200
        bot.last_response(key)
    for outcome in ("ok", "usage_error", "refused"):
        expected = sum(1 for _, o in flows if o == outcome)
        name = "assignbot_requests_total"
        assert meter.wait_moved(name, expected, surface="command", outcome=outcome) == expected
    assert meter.moved("assignbot_slack_ack_seconds_count") >= len(flows)


def test_confirmations_created_confirmed_cancelled_expired(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    meter = Meter(bot)
    _, first = preview_for(bot, f"eval_123 t1 t2 to <@{ALICE}|alice>")
    preview, _ = preview_for(bot, f"eval_123 t3 to <@{ALICE}|alice>")
    second = button(preview, Action.CANCEL)["value"]

    response, key = bot.sender.click(Action.CONFIRM, first)
    assert response.status_code == 200
    bot.responses(key, count=2)
    response, key = bot.sender.click(Action.CANCEL, second)
    assert response.status_code == 200
    bot.last_response(key)
    response, key = bot.sender.click(Action.CONFIRM, "0" * 32)  # never existed: expired
    assert response.status_code == 200
    bot.last_response(key)

    name = "assignbot_confirmations_total"
    assert meter.wait_moved(name, 2, event="created") == 2
    assert meter.wait_moved(name, 1, event="confirmed") == 1
    assert meter.wait_moved(name, 1, event="cancelled") == 1
    assert meter.wait_moved(name, 1, event="expired") == 1
    assert meter.moved("assignbot_requests_total", surface="command", outcome="ok") == 2


def test_mentions_shortcuts_and_slack_api_errors(bot: Bot) -> None:
    meter = Meter(bot)
    bot.slack.fail_next("chat.postEphemeral", "channel_not_found")
    mention(bot, "help")
    ephemerals(bot, 1)
    meter.wait_moved("assignbot_requests_total", 1, surface="app_mention", outcome="ok")
    meter.wait_moved(
        "assignbot_slack_api_errors_total",
        1,
        method="chat.postEphemeral",
        error="channel_not_found",
    )

    bot.slack.rate_limit_next("views.open", retry_after=0)
    assert bot.sender.shortcut(Callback.GLOBAL_SHORTCUT.value).status_code == 200
    meter.wait_moved("assignbot_requests_total", 1, surface="shortcut", outcome="ok")
    assert meter.moved("assignbot_slack_rate_limited_total", method="views.open") == 1

    response, _ = bot.sender.message_action(
        Callback.MESSAGE_SHORTCUT.value, {"ts": "1.2", "text": "eval_9 tasks t1 t2"}
    )
    assert response.status_code == 200
    meter.wait_moved("assignbot_requests_total", 1, surface="message_action", outcome="ok")


def test_form_submissions_are_counted(bot: Bot) -> None:
    meter = Meter(bot)
    assert bot.sender.shortcut(Callback.GLOBAL_SHORTCUT.value, user=LEAD).status_code == 200
    [opened] = bot.slack.wait_for(lambda: bot.slack.views(), what="views.open")
    response = bot.sender.view_submission(opened, values={})
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"
    meter.wait_moved(
        "assignbot_requests_total", 1, surface="view_submission", outcome="usage_error"
    )


def test_platform_latency_and_job_outcomes_are_counted(bot: Bot) -> None:
    seeded(bot)
    bot.link(ALICE, "user-alice")
    meter = Meter(bot)
    _, token = preview_for(bot, f"eval_123 t1 t2 t9 to <@{ALICE}|alice>")
    _, key = bot.sender.click(Action.CONFIRM, token)
    bot.responses(key, count=2)
    # The result is on screen, so the job has ended: what was counted is there by now.
    wait: Callable[..., float] = partial(meter.wait_moved, timeout=2)
    wait("assignbot_platform_request_seconds_count", 1, status="200")
    wait("assignbot_jobs_total", 1, outcome="partial")
    assert wait("assignbot_tasks_total", 2, outcome="assigned") == 2
    assert wait("assignbot_tasks_total", 1, outcome="failed") == 1


def test_answers_in_progress_count_acked_requests_until_answered(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_1", ["t1"])
    bot.sgp.latency_per_request = 1.0  # the preview's task listing takes a second
    response, key = bot.sender.command("eval_1 t1 to sgp:user_42")
    assert response.status_code == 200
    assert value(scrape(bot), "assignbot_answers_in_progress") == 1  # acked, not yet answered
    bot.slack.wait_for(lambda: bot.slack.posts_to(key), what="the preview")
    wait_until(
        lambda: value(scrape(bot), "assignbot_answers_in_progress") == 0,
        "the posted answer to be counted out",
        timeout=5,
    )
