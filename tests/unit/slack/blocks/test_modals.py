"""Every modal view (and the messages that show the note) is valid Block Kit within limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.core.form import TEXT_MAX_LENGTH, prefill
from bot.core.outcome import summarize
from bot.core.tasks import ChunkResult
from bot.slack import blocks
from bot.slack.blocks import modals
from bot.slack.reporting.publication import Publication
from bot.slack.ui_ids import Block, Callback, Field
from tests.unit.factories import confirmation, task
from tests.unit.slack.block_kit import assert_valid_view

KEY = "k" * 24


def element(view: dict[str, Any], field: Field) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == field]
    assert block["element"]["action_id"] == field, "listeners read state.values[field][field]"
    return dict(block["element"])


def form(**extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "draft_key": KEY,
        "requester_id": "ULEAD",
        "channel_id": "C1",
        "max_task_ids": 10_000,
    }
    values.update(extra)
    return modals.form_view(**values)


def test_form_defaults_to_the_requester_and_the_channel() -> None:
    view = form()
    assert_valid_view(view)
    assert view["callback_id"] == Callback.FORM and view["private_metadata"] == KEY
    assert element(view, Field.ASSIGNEES)["initial_users"] == ["ULEAD"]
    assert element(view, Field.DESTINATION)["initial_conversation"] == "C1"
    assert element(view, Field.FILE)["filetypes"] == ["txt", "csv"]
    assert element(view, Field.NOTE)["max_length"] == 500
    assert element(view, Field.TASK_IDS)["max_length"] == TEXT_MAX_LENGTH
    assert "initial_value" not in element(view, Field.EVALUATION)


@pytest.mark.parametrize("channel", [None, "D123"])
def test_form_without_a_channel_uses_the_current_conversation(channel: str | None) -> None:
    view = form(channel_id=channel)
    assert_valid_view(view)
    destination = element(view, Field.DESTINATION)
    assert destination["default_to_current_conversation"] is True
    assert "initial_conversation" not in destination


def test_form_from_a_message_is_prefilled_and_says_what_it_found() -> None:
    text, carried = prefill(("t1", "t2"))
    view = form(
        evaluation_id="eval_7",
        task_ids_text=text,
        carried=carried,
        from_message=True,
    )
    assert_valid_view(view)
    assert element(view, Field.EVALUATION)["initial_value"] == "eval_7"
    assert element(view, Field.TASK_IDS)["initial_value"] == "t1\nt2"
    said = json.dumps(view["blocks"][0])
    assert "`eval_7`" in said and "2 task ids" in said


def test_form_carries_ids_too_many_for_the_text_input() -> None:
    ids = tuple(f"task_{i:06d}" for i in range(2000))
    text, carried = prefill(ids)
    assert text is None and carried == ids
    view = form(evaluation_id="eval_7", carried=carried, from_message=True)
    assert_valid_view(view)
    [block] = [b for b in view["blocks"] if b.get("block_id") == Block.FORM_CARRIED]
    assert "2,000 task ids" in block["text"]["text"] and "and 1,990 more" in block["text"]["text"]


def test_form_from_a_message_with_nothing_found() -> None:
    view = form(from_message=True)
    assert_valid_view(view)
    assert "found no evaluation or task ids" in json.dumps(view["blocks"][0])


def test_form_offers_to_pick_tasks() -> None:
    view = modals.form_view(
        draft_key="k" * 24, requester_id="ULEAD", channel_id="C1", max_task_ids=500
    )
    assert_valid_view(view)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    pick = by_id["assign_form_pick"]["element"]
    assert [o["value"] for o in pick["options"]] == ["next", "unassigned"]
    count = by_id["assign_form_pick_count"]["element"]
    assert count["type"] == "number_input" and count["max_value"] == "500"
    assert by_id["assign_form_pick"]["optional"] and by_id["assign_form_pick_count"]["optional"]


def test_preview_shows_each_share_the_note_and_where_the_summary_goes() -> None:
    request = confirmation(
        ("user-a", "UA", ["t1", "t2"]), ("user-b", "UB", ["t3"]), dropped=1
    ).model_copy(update={"note": "Due <!channel> Friday & co", "thread_ts": "1.5"})
    view = modals.preview_view(request, "tok")
    assert_valid_view(view)
    assert view["callback_id"] == Callback.FORM_PREVIEW and view["private_metadata"] == "tok"
    assert view["submit"]["text"] == "Assign"
    seen = json.dumps(view["blocks"])
    assert "gets 2 tasks" in seen and "gets 1 task" in seen and "1 duplicate id" in seen
    assert "&lt;!channel&gt; Friday &amp; co" in seen and "<!channel>" not in seen
    assert "the message's thread in <#C1>" in seen


def test_preview_of_forty_assignees_fits_a_modal() -> None:
    shares = [(f"user-{i}", f"U{i}", [f"t{i}"]) for i in range(modals.MAX_ASSIGNEES)]
    request = confirmation(*shares).model_copy(update={"note": "x" * 500})
    assert_valid_view(modals.preview_view(request, "tok"))


def test_status_views_have_nothing_to_submit() -> None:
    request = confirmation(("user-a", "UA", ["t1"]))
    for view in (modals.assigning_view(request), modals.error_view("It *expired*.")):
        assert_valid_view(view)
        assert "submit" not in view and "callback_id" not in view


def test_result_of_a_summary_that_could_not_be_posted_fits_a_modal() -> None:
    ids = [f"t{i}" for i in range(30)]
    shares = [(f"user-{i}", f"U{i}", ids[i : i + 1]) for i in range(20)]
    request = confirmation(*shares).model_copy(update={"note": "n"})
    summary = summarize(
        request,
        [[ChunkResult((s.task_ids[0],), tasks=(task(s.task_ids[0]),))] for s in request.shares],
    )
    publication = Publication(post_error="not_in_channel", undelivered_dms=["U1"])
    assert_valid_view(modals.status_view(blocks.result_blocks(summary, publication)))
