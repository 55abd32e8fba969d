"""ASSIGN_PLATFORM_HOSTS end to end: one setting, read by /assign, the form, mentions in a
notification's thread, the message shortcut, unfurls and the bot's own links."""

from __future__ import annotations

from collections.abc import Callable

from bot.slack.ui_ids import Action, Callback, Field
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.forms import ack_of, initial, values
from tests.e2e.test_assign_command import button, text_of
from tests.e2e.test_mentions import answer_to, notification_thread
from tests.e2e.test_shortcuts import opened

HOST = "platform.example.com"
OURS = f"https://{HOST}/evaluations/eval_123"
DEFAULTS = "https://app.sgp.scale.com/evaluations/eval_123"


def hosted(bot_factory: Callable[..., Bot], hosts: str = f"{HOST}, app.example.org") -> Bot:
    bot = bot_factory(ASSIGN_PLATFORM_HOSTS=hosts)
    bot.sgp.add_tasks("eval_123", ["t1", "t2"])
    bot.link(LEAD, "user-lead")
    return bot


def command(bot: Bot, text: str) -> str:
    response, key = bot.sender.command(text)
    assert response.status_code == 200
    return text_of(bot.last_response(key))


def test_assign_accepts_the_configured_hosts_and_refuses_the_default(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = hosted(bot_factory)
    refused = command(bot, f"{DEFAULTS} t1 to me")
    assert "app.sgp.scale.com" in refused and "ASSIGN_PLATFORM_HOSTS" in refused
    assert "Confirm" not in refused
    preview = command(bot, f"<{OURS}|the evaluation> t1 to me")
    assert "eval_123" in preview and "Confirm" in preview


def test_by_default_only_the_platforms_app_counts(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_123", ["t1"])
    bot.link(LEAD, "user-lead")
    refused = command(bot, "https://evil.example/evaluations/eval_123 t1 to me")
    assert "evil.example" in refused and "ASSIGN_PLATFORM_HOSTS" in refused
    assert "Confirm" in command(bot, f"{DEFAULTS} t1 to me")


def test_a_star_accepts_any_host_and_the_bots_links_keep_the_default(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = hosted(bot_factory, hosts="*")
    assert "Confirm" in command(bot, "https://anything.example/evaluations/eval_123 t1 to me")
    assert bot.runtime.usecases.home.app_host == "app.sgp.scale.com"


def test_the_bots_own_links_point_at_the_first_host(bot_factory: Callable[..., Bot]) -> None:
    bot = hosted(bot_factory)
    assert bot.runtime.usecases.home.app_host == HOST


def test_the_form_refuses_another_hosts_link_under_the_evaluation(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = hosted(bot_factory)
    bot.sender.shortcut(Callback.GLOBAL_SHORTCUT)
    form = opened(bot)
    answer = ack_of(
        bot.sender.view_submission(form, values(form, evaluation=DEFAULTS, task_ids="t1"))
    )
    assert answer["response_action"] == "errors"
    said = answer["errors"][Field.EVALUATION]
    assert "app.sgp.scale.com" in said and "ASSIGN_PLATFORM_HOSTS" in said


def test_a_mention_reads_its_threads_link_on_the_configured_host(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = hosted(bot_factory)
    thread = notification_thread(bot, {"text": f"New tasks: <{OURS}|Eval 123>", "bot_id": "BN"})
    preview = answer_to(bot, "t1 to me", thread_ts=thread)
    assert "eval_123" in text_of(preview.args)
    assert button(preview.args, Action.CONFIRM)


def test_a_mention_with_another_hosts_link_is_refused_not_read_as_the_threads(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = hosted(bot_factory)
    thread = notification_thread(bot, {"text": f"New tasks: <{OURS}|Eval 123>", "bot_id": "BN"})
    answer = text_of(answer_to(bot, f"<{DEFAULTS}> t1 to me", thread_ts=thread).args)
    assert "app.sgp.scale.com" in answer and "ASSIGN_PLATFORM_HOSTS" in answer


def test_the_message_shortcut_reads_links_on_the_configured_host_only(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = hosted(bot_factory)
    message = {"text": f"Ready: <{OURS}|x>\nTask ids: t1, t2", "ts": "1700000500.1", "user": "UN"}
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, message)
    assert initial(opened(bot), Field.EVALUATION) == "eval_123"


def test_unfurls_follow_the_setting(bot_factory: Callable[..., Bot]) -> None:
    bot = hosted(bot_factory)
    bot.sgp.add_evaluation("eval_123", name="Helpfulness")
    event = {
        "type": "link_shared",
        "channel": "CCHAN",
        "user": LEAD,
        "message_ts": "1700000800.000100",
        "unfurl_id": "C1.1700000800.000100.abc",
        "source": "conversations_history",
        "links": [
            {"domain": "app.sgp.scale.com", "url": DEFAULTS},
            {"domain": HOST, "url": OURS},
        ],
        "event_ts": "1700000800.000200",
    }
    assert bot.sender.event(event)[0].status_code == 200
    [call] = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.unfurl"), what="chat.unfurl")
    assert list(call.args["unfurls"]) == [OURS]
