"""Messages the bot reads back (metadata, "Reassign these tasks") and link unfurls, end to end:
signed requests into the running bot, a fake Slack that keeps message metadata as Slack does."""

from __future__ import annotations

import json
from typing import Any

from bot.core.readback import EVENT_TYPE
from bot.slack.listeners.unfurls import OPEN_FORM_ACTION
from bot.slack.ui_ids import Callback, Field
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.forms import ack_of, initial, values
from tests.e2e.test_assign_command import confirm, preview_for
from tests.e2e.test_shortcuts import opened
from tests.unit.slack.block_kit import assert_valid_message

ALICE, BOB = "UALICE", "UBOB"
EVAL = "eval_7"
LINK = f"https://app.sgp.scale.com/evaluations/{EVAL}/tasks/t2"


def _assign_all(bot: Bot) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`/assign eval_7 t1..t4 to @alice`, confirmed: the posts (summary, DM, detail), the result."""
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3", "t4"])
    bot.link(ALICE, "user-alice")
    bot.link(BOB, "user-bob")
    _, token = preview_for(bot, f"{EVAL} t1 t2 t3 t4 to <@{ALICE}>")
    _, result = bot.responses(confirm(bot, token), count=2)
    posts = bot.slack.wait_for(
        lambda: (calls := bot.slack.calls_to("chat.postMessage")) and len(calls) >= 3 and calls
    )
    return [dict(call.args) for call in posts[:3]], result


def test_every_assignment_message_carries_the_jobs_metadata(bot: Bot) -> None:
    (summary, dm, detail), result = _assign_all(bot)
    payloads = []
    for message in (summary, detail, dm, result):
        assert message["metadata"]["event_type"] == EVENT_TYPE
        payloads.append(message["metadata"]["event_payload"])
    assert [p["part"] for p in payloads] == ["summary", "detail", "dm", "result"]
    job_ids = {p["job_id"] for p in payloads}
    assert len(job_ids) == 1 and job_ids != {""}
    for payload in payloads:
        assert payload["evaluation_id"] == EVAL and payload["requester_id"] == LEAD
        assert (payload["requested"], payload["assigned"], payload["not_assigned"]) == (4, 4, 0)
        assert payload["assignees"] == [
            {
                "platform_user_id": "user-alice",
                "slack_user_id": ALICE,
                "requested": 4,
                "assigned": 4,
            }
        ]


def test_reassign_on_the_summary_opens_the_form_with_its_open_tasks(bot: Bot) -> None:
    (summary, _, _), _ = _assign_all(bot)
    # The job's reporting ends with the lead's and Alice's App Homes, each listing the
    # evaluation: done before the tasks change, or the form would share a listing read before.
    bot.slack.wait_for(lambda: len(bot.slack.calls_to("views.publish")) >= 2, what="the Homes")
    summary_ts = bot.slack.calls_to("chat.getPermalink")[0].args["message_ts"]
    bot.sgp.set_status(EVAL, ["t1", "t3"], "COMPLETED")
    # The shortcut's payload: the message as a person sees it, without its metadata.
    shown = {"ts": summary_ts, "user": "UBOT", "bot_id": "BBOT", "text": summary["text"]}
    shown["blocks"] = summary["blocks"]

    response, _ = bot.sender.message_action(Callback.MESSAGE_SHORTCUT, shown)
    assert response.status_code == 200
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == EVAL
    assert initial(form, Field.TASK_IDS) == "t2\nt4", "t1 and t3 are completed"
    [read] = bot.slack.calls_to("conversations.history")
    assert read.args["include_all_metadata"] in (True, "1", "true")

    answer = ack_of(bot.sender.view_submission(form, values(form, users=[BOB])))
    assert answer["response_action"] == "update", answer
    assert ack_of(bot.sender.view_submission(answer["view"], {}, view_id="VPREV"))["view"]
    bot.slack.wait_for(lambda: len(bot.sgp.batch_assign_calls()) == 2, what="the reassignment")
    assert bot.sgp.batch_assign_calls()[1].json == {
        "task_ids": ["t2", "t4"],
        "assigned_to": "user-bob",
    }
    new_summary = bot.slack.wait_for(
        lambda: next(
            (
                c.args
                for c in bot.slack.calls_to("chat.postMessage")[3:]
                if c.args["channel"] == "CCHAN"
            ),
            None,
        ),
        what="the new summary",
    )
    assert new_summary["thread_ts"] == summary_ts, "the new summary answers the old one"


def test_metadata_on_someone_elses_message_is_not_trusted(bot: Bot) -> None:
    bot.sgp.add_tasks("eval_9", ["t8"])
    spoof = {
        "ts": "1700000700.000100",
        "user": "UOTHERAPP",
        "bot_id": "BOTHER",
        "text": "Evaluation: eval_9\nTask ids: t8",
        "metadata": {
            "event_type": EVENT_TYPE,
            "event_payload": {"version": 1, "evaluation_id": EVAL, "job_id": "job_x"},
        },
    }
    bot.sender.message_action(Callback.MESSAGE_SHORTCUT, spoof)
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == "eval_9"
    assert bot.slack.calls_to("conversations.history") == []


def _link_shared(bot: Bot, event_id: str | None = None, url: str = LINK) -> str:
    event = {
        "type": "link_shared",
        "channel": "CCHAN",
        "user": LEAD,
        "message_ts": "1700000800.000100",
        "unfurl_id": "C123456.1700000800.000100.abc",
        "source": "conversations_history",
        "links": [
            {"domain": "app.sgp.scale.com", "url": url},
            {"domain": "example.com", "url": "https://example.com/evaluations/eval_x"},
        ],
        "event_ts": "1700000800.000200",
    }
    response, sent_id = bot.sender.event(event, event_id=event_id)
    assert response.status_code == 200
    return sent_id


def test_a_platform_link_unfurls_with_name_status_progress_and_no_task_content(bot: Bot) -> None:
    bot.sgp.add_evaluation(EVAL, name="Helpfulness <!channel> & co", status="PENDING")
    bot.sgp.add_tasks(EVAL, ["t1", "t2", "t3", "t4"])
    bot.sgp.set_status(EVAL, ["t1"], "COMPLETED")

    event_id = _link_shared(bot)
    [call] = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.unfurl"), what="chat.unfurl")
    assert call.args["unfurl_id"] == "C123456.1700000800.000100.abc"
    assert call.args["source"] == "conversations_history"
    assert list(call.args["unfurls"]) == [LINK], "only the platform's link is unfurled"
    shown = call.args["unfurls"][LINK]["blocks"]
    assert_valid_message(shown)
    seen = json.dumps(shown)
    for expected in ("Helpfulness &lt;!channel&gt; &amp; co", "PENDING", "1 of 4", EVAL):
        assert expected in seen
    assert "<!channel>" not in seen
    for content in ("Generated answer", "retrieved passage", "tcr_", "t1", "t3"):
        assert content not in seen, f"no task content in an unfurl: {content}"

    # A redelivery is not unfurled twice; another link to it within the cache's life is
    # unfurled without asking the platform again.
    _link_shared(bot, event_id=event_id)
    _link_shared(bot, url=f"https://app.sgp.scale.com/evaluations/{EVAL}")
    bot.slack.wait_for(lambda: len(bot.slack.calls_to("chat.unfurl")) == 2, what="2 unfurls")
    assert len(bot.sgp.evaluation_calls(EVAL)) == 1


def test_the_unfurls_button_opens_the_form_filled_with_the_link(bot: Bot) -> None:
    bot.sgp.add_evaluation(EVAL, name="Helpfulness")
    bot.sgp.add_tasks(EVAL, ["t1", "t2"])
    _link_shared(bot)
    [call] = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.unfurl"), what="chat.unfurl")
    [button] = [
        element
        for block in call.args["unfurls"][LINK]["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == OPEN_FORM_ACTION
    ]
    assert button["text"]["text"] == "Assign tasks..."
    click = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "acme"},
        "user": {"id": LEAD, "username": "lead", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "trigger_id": "trig-unfurl",
        "container": {
            "type": "message_attachment",
            "message_ts": "1700000800.000100",
            "channel_id": "CCHAN",
            "is_app_unfurl": True,
            "app_unfurl_url": LINK,
        },
        "channel": {"id": "CCHAN", "name": "evals"},
        "actions": [
            {
                "action_id": OPEN_FORM_ACTION,
                "block_id": "assign_unfurl_actions",
                "type": "button",
                "value": button["value"],
                "action_ts": "1700000900.1",
            }
        ],
    }
    assert bot.sender.interaction(click).status_code == 200
    form = opened(bot)
    assert initial(form, Field.EVALUATION) == EVAL
    assert initial(form, Field.TASK_IDS) == "t2"
    assert initial(form, Field.DESTINATION) == "CCHAN"
