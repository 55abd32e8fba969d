"""What the playground shows: typed lines as Slack sends them, and the bot's calls as Slack
shows them (ephemeral answers, replacements through response_urls, modals)."""

from __future__ import annotations

import itertools
from typing import Any

from bot.playground.compose import read_typed, state_values
from bot.playground.timeline import Message, ReplyTarget, Timeline

LEAD, ALICE = "ULENA", "UALICE"


def timeline() -> Timeline:
    counter = itertools.count(1)
    return Timeline(lambda: f"1700000000.{next(counter):06d}", "UBOT")


def test_a_command_is_escaped_with_people_named_as_slack_escapes_them() -> None:
    typed = read_typed("/assign eval_1 t1 to @alice @Bob. <!channel> & more")
    assert typed.kind == "command"
    assert typed.text == "eval_1 t1 to <@UALICE|alice> <@UBOB|Bob>. &lt;!channel&gt; &amp; more"


def test_a_message_mentioning_the_bot_is_a_mention() -> None:
    typed = read_typed("@assign-bot next 5 to @cara in #evals")
    assert typed.kind == "message" and typed.mentions_bot
    assert typed.text == "<@UBOT> next 5 to <@UCARA> in <#CEVALS|evals>"
    assert not read_typed("hello @nobody").mentions_bot
    assert read_typed("/remind me").kind == "unknown_command"


def test_form_inputs_become_state_values() -> None:
    added: list[str] = []

    def add_file(name: str, content: bytes) -> dict[str, Any]:
        added.append(name)
        return {"id": "F1", "name": name}

    values = state_values(
        [
            {"type": "plain_text_input", "block_id": "a", "action_id": "a", "value": ""},
            {"type": "multi_users_select", "block_id": "u", "action_id": "u", "value": [ALICE]},
            {"type": "static_select", "block_id": "p", "action_id": "p", "value": "next"},
            {"type": "conversations_select", "block_id": "c", "action_id": "c", "value": "C1"},
            {
                "type": "file_input",
                "block_id": "f",
                "action_id": "f",
                "value": [{"name": "ids.txt", "content": "t1"}],
            },
        ],
        add_file,
    )
    assert values["a"]["a"] == {"type": "plain_text_input", "value": None}
    assert values["u"]["u"]["selected_users"] == [ALICE]
    assert values["p"]["p"]["selected_option"]["value"] == "next"
    assert values["c"]["c"]["selected_conversation"] == "C1"
    assert values["f"]["f"]["files"] == [{"id": "F1", "name": "ids.txt"}] and added == ["ids.txt"]


def test_ephemeral_answers_are_seen_by_one_person_and_replaced_where_clicked() -> None:
    shown = timeline()
    shown.register("cmd1", ReplyTarget(LEAD, "CEVALS"))
    shown.observe("response_url", {"key": "cmd1", "text": "Assign 2 tasks?"}, {})
    [preview] = shown.visible(LEAD, "CEVALS")
    assert preview.only_for == LEAD and shown.visible(ALICE, "CEVALS") == []

    shown.register("act2", ReplyTarget(LEAD, "CEVALS", source=preview.ts))
    shown.observe("response_url", {"key": "act2", "replace_original": True, "text": "Done"}, {})
    assert [m.text for m in shown.visible(LEAD, "CEVALS")] == ["Done"]


def test_posts_that_beat_the_ack_are_shown_once_the_key_is_known() -> None:
    shown = timeline()
    shown.observe("response_url", {"key": "cmd1", "text": "early"}, {})
    assert shown.visible(LEAD, "CEVALS") == []
    shown.register("cmd1", ReplyTarget(LEAD, "CEVALS"))
    assert [m.text for m in shown.visible(LEAD, "CEVALS")] == ["early"]


def test_dms_threads_and_updates() -> None:
    shown = timeline()
    shown.add(Message(ts="1.000001", channel="CEVALS", user=LEAD, text="top"))
    shown.observe("chat.postMessage", {"channel": ALICE, "text": "You got 2 tasks"}, {"ts": "2.1"})
    shown.observe(
        "chat.postMessage",
        {"channel": "CEVALS", "thread_ts": "1.000001", "text": "detail"},
        {"ts": "2.2"},
    )
    shown.observe("chat.update", {"channel": "CEVALS", "ts": "1.000001", "text": "edited"}, {})
    assert [m.text for m in shown.visible(ALICE, "D" + ALICE)] == ["You got 2 tasks"]
    assert [m.text for m in shown.replies(LEAD, "CEVALS", "1.000001")] == ["detail"]
    assert shown.messages["1.000001"].text == "edited" and shown.messages["1.000001"].edited


def test_modals_open_for_the_person_who_had_the_trigger_and_follow_updates() -> None:
    shown = timeline()
    shown.trigger_users = {"trig1": LEAD}
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Assign"}}
    shown.observe(
        "views.open", {"trigger_id": "trig1", "view": view}, {"view": {**view, "id": "V1"}}
    )
    assert shown.modal(ALICE) is None
    modal = shown.modal(LEAD)
    assert modal is not None and modal.view["id"] == "V1"
    before = shown.revision("V1")
    shown.observe("views.update", {"view_id": "V1"}, {"view": {"type": "modal", "id": "V1"}})
    assert shown.revision("V1") == before + 1
    shown.close_modal(LEAD)
    assert shown.modal(LEAD) is None


def test_every_suggestion_on_the_page_is_a_valid_command() -> None:
    from bot.core.commands import parse
    from bot.playground.seed import SUGGESTIONS

    for line in SUGGESTIONS:
        parse(read_typed(line).text, max_ids=10_000)  # a UsageError fails the test
