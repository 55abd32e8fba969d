"""The channel's summary, what the requester's preview turns into, and assignee DMs."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.outcome import summarize
from bot.core.tasks import ChunkError, ChunkResult
from bot.slack import blocks
from bot.slack.reporting.publication import Publication
from bot.slack.ui_ids import Action
from tests.unit.factories import confirmation, task
from tests.unit.slack.block_kit import assert_valid_message
from tests.unit.slack.blocks.summaries import full_summary


def dump(built: list[dict[str, object]]) -> str:
    return json.dumps(built)


def test_summary_names_counts_and_problems() -> None:
    summary = full_summary(5)
    built = blocks.summary_blocks(summary)
    assert_valid_message(built)
    text = dump(built)
    assert "<@ULEAD> assigned 3 of 5 tasks" in text
    assert "PENDING 3" in text and "EVALUATION_ANNOTATION 3" in text
    assert "Priority: 1" in text and "Earliest assignment expiry" in text
    assert "did not return it" in text and "rejected the request" in text


def test_result_keeps_the_summary_when_the_channel_refused() -> None:
    summary = full_summary()
    built = blocks.result_blocks(summary, Publication(post_error="not_in_channel"))
    assert_valid_message(built)
    assert "not_in_channel" in dump(built) and "UA" in dump(built)
    posted = blocks.result_blocks(
        summary, Publication(permalink="https://x/p1", summary_posted=True)
    )
    assert "<https://x/p1|See the summary>" in dump(posted)


def test_failure_and_assignee_dm_are_valid() -> None:
    summary = full_summary()
    for built in (
        blocks.failure_blocks(summary),
        blocks.assignee_dm_blocks(summary, summary.shares[0], "https://x/p"),
    ):
        assert_valid_message(built)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=5000))
def test_any_reason_text_is_escaped_and_valid(reason: str) -> None:
    request = confirmation(("user-a", "UA", ["t1"]))
    error = ChunkError(reason, status=422)
    summary = summarize(request, [[ChunkResult(("t1",), error=error)]])
    for built in (
        blocks.summary_blocks(summary),
        blocks.failure_blocks(summary),
        *blocks.thread_detail_messages(summary),
    ):
        assert_valid_message(built)
        for block in built:
            text = json.dumps(block)
            assert "<!channel" not in text or "<!channel" not in reason


def test_note_is_escaped_and_quoted_in_the_summary_and_each_dm() -> None:
    request = confirmation(("user-a", "UA", ["t1"])).model_copy(
        update={"note": "line one <@U999>\n&lt;second&gt;"}
    )
    summary = summarize(request, [[ChunkResult(("t1",), tasks=(task("t1"),))]])
    for built in (
        blocks.summary_blocks(summary),
        blocks.assignee_dm_blocks(summary, summary.shares[0], None),
    ):
        assert_valid_message(built)
        seen = json.dumps(built)
        assert "*Note from <@ULEAD>:*\\n> line one &lt;@U999&gt;\\n> &amp;lt;second&amp;gt;" in seen


def test_no_note_no_note_block() -> None:
    summary = summarize(confirmation(("user-a", "UA", ["t1"])), [[ChunkResult(("t1",))]])
    assert "Note" not in json.dumps(blocks.summary_blocks(summary))


def test_a_result_the_channel_never_saw_carries_the_retry_button() -> None:
    summary = full_summary()
    refused = blocks.result_blocks(
        summary, Publication(post_error="not_in_channel"), retry_job_id="job123"
    )
    assert_valid_message(refused)
    [actions] = [b for b in refused if b["type"] == "actions"]
    [retry] = actions["elements"]
    assert (retry["action_id"], retry["value"]) == (Action.RETRY_FAILED, "job123")
    assert "Invite me" in dump(refused)
    posted = blocks.result_blocks(
        summary, Publication(permalink="https://x/p1", summary_posted=True), retry_job_id="job123"
    )
    assert Action.RETRY_FAILED not in dump(posted), "the channel's summary has the button"


def test_only_a_refusal_the_requester_can_fix_asks_for_an_invite() -> None:
    summary = full_summary()
    archived = dump(blocks.result_blocks(summary, Publication(post_error="is_archived")))
    assert "archived" in archived and "Invite me" not in archived
    other = dump(blocks.result_blocks(summary, Publication(post_error="fatal_error")))
    assert "fatal_error" in other and "Invite me" not in other
