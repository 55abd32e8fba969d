from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.audit import AuditedShare, AuditRecord
from bot.core.grammar import HELP_EXAMPLES
from bot.core.outcome import summarize
from bot.sgp.errors import UnprocessableEntityError
from bot.sgp.models import ChunkResult
from bot.slack import blocks
from bot.slack.publication import Publication
from bot.slack.ui_ids import Action
from tests.unit.factories import NOW, confirmation, task
from tests.unit.slack.block_kit import assert_valid_message


def dump(built: list[dict[str, object]]) -> str:
    return json.dumps(built)


def test_help_shows_every_example() -> None:
    built = blocks.help_blocks(HELP_EXAMPLES)
    assert_valid_message(built)
    for text, _ in HELP_EXAMPLES:
        assert text.split()[0] in dump(built)


def test_preview_has_primary_confirm_and_cancel() -> None:
    request = confirmation(("user-a", "UA", [f"t{i}" for i in range(30)]), dropped=2)
    built = blocks.preview_blocks(request, "tok123")
    assert_valid_message(built)
    [actions] = [b for b in built if b["type"] == "actions"]
    confirm, cancel = actions["elements"]
    assert (confirm["action_id"], confirm["style"], confirm["value"]) == (
        Action.CONFIRM,
        "primary",
        "tok123",
    )
    assert (cancel["action_id"], cancel["text"]["text"]) == (Action.CANCEL, "Cancel")
    text = dump(built)
    assert "30 tasks" in text and "2 duplicate ids" in text and "and 20 more" in text
    assert "<@UA>" in text and "`user-a`" in text and "<!date^" in text


def test_preview_for_many_assignees_stays_within_limits() -> None:
    shares = [(f"user-{i}", f"U{i}", [f"t{i}"]) for i in range(60)]
    assert_valid_message(blocks.preview_blocks(confirmation(*shares), "tok"))


def full_summary(count: int = 3):  # type: ignore[no-untyped-def]
    ids = [f"t{i}" for i in range(count)]
    request = confirmation(("user-a", "UA", ids))
    error = UnprocessableEntityError("the platform rejected the request (422): bad", status=422)
    results = [
        ChunkResult(tuple(ids[:-1]), tasks=tuple(task(i) for i in ids[:-2])),
        ChunkResult((ids[-1],), error=error),
    ]
    return summarize(request, [results])


def test_summary_names_counts_and_problems() -> None:
    summary = full_summary(5)
    built = blocks.summary_blocks(summary)
    assert_valid_message(built)
    text = dump(built)
    assert "<@ULEAD> assigned 3 of 5 tasks" in text
    assert "PENDING 3" in text and "EVALUATION_ANNOTATION 3" in text
    assert "Priority: 1" in text and "Earliest assignment expiry" in text
    assert "did not return it" in text and "rejected the request" in text


def test_thread_detail_splits_long_lists_into_valid_messages() -> None:
    summary = full_summary(2500)
    messages = blocks.thread_detail_messages(summary)
    assert len(messages) > 1
    for message in messages:
        assert_valid_message(message)
    lines = "\n".join(dump(m) for m in messages)
    assert "`t0` assigned" in lines and "`t2499` *not assigned*" in lines


def test_detail_csv_has_a_row_per_task() -> None:
    rows = blocks.detail_csv(full_summary(4)).strip().splitlines()
    assert rows[0].split(",") == list(blocks.CSV_COLUMNS)
    assert len(rows) == 5 and rows[1].startswith("t0,assigned,user-a,UA,PENDING")


def test_result_keeps_the_summary_when_the_channel_refused() -> None:
    summary = full_summary()
    built = blocks.result_blocks(summary, Publication(post_error="not_in_channel"))
    assert_valid_message(built)
    assert "not_in_channel" in dump(built) and "UA" in dump(built)
    posted = blocks.result_blocks(
        summary, Publication(permalink="https://x/p1", summary_posted=True)
    )
    assert "<https://x/p1|See the summary>" in dump(posted)


def test_other_builders_are_valid() -> None:
    request = confirmation(("user-a", None, ["t1"]))
    summary = full_summary()
    for built in (
        blocks.assigning_blocks(request),
        blocks.cancelled_blocks(request),
        blocks.failure_blocks(summary),
        blocks.assignee_dm_blocks(summary, summary.shares[0], "https://x/p"),
        blocks.error_blocks("oops"),
        blocks.notice_blocks("fine"),
    ):
        assert_valid_message(built)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=5000))
def test_any_reason_text_is_escaped_and_valid(reason: str) -> None:
    request = confirmation(("user-a", "UA", ["t1"]))
    error = UnprocessableEntityError(reason, status=422)
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


def test_dates_render_in_the_readers_time_zone() -> None:
    request = confirmation(("user-a", None, ["t1"]))
    stamp = int((NOW + timedelta(minutes=15)).timestamp())
    assert f"<!date^{stamp}^" in dump(blocks.preview_blocks(request, "tok"))


def test_detail_csv_never_carries_a_spreadsheet_formula() -> None:
    request = confirmation(("user-a", "UA", ["t1"]))
    error = UnprocessableEntityError('=HYPERLINK("http://evil")', status=422)
    summary = summarize(request, [[ChunkResult(("t1",), error=error)]])
    [_, row] = list(csv.reader(io.StringIO(blocks.detail_csv(summary))))
    assert row[-1] == '\'=HYPERLINK("http://evil")'


def test_history_tells_an_undo_from_an_assignment() -> None:
    shares = (AuditedShare(platform_user_id="user_ann", requested=2, assigned=1),)
    common = {
        "at": NOW,
        "team_id": "T1",
        "channel_id": "C1",
        "requester_id": "UADMIN",
        "evaluation_id": "eval_1",
        "assignees": shares,
        "requested": 2,
        "assigned": 1,
        "failed": 1,
    }
    undo = blocks.history_line(AuditRecord(kind="undo", **common))
    assert "<@UADMIN> undid an assignment of `eval_1`: 1 of 2 tasks went back to" in undo
    assert "platform user `user_ann`" in undo and "(1 not put back)" in undo
    assigned = blocks.history_line(AuditRecord(**common))
    assert "<@UADMIN> assigned 1 of 2 tasks of `eval_1` to" in assigned
    assert "(1 not assigned)" in assigned
