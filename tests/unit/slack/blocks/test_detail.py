"""Every task's outcome for the summary's thread, as messages and as a CSV file."""

from __future__ import annotations

import csv
import io
import json

from bot.core.outcome import summarize
from bot.core.tasks import ChunkError, ChunkResult
from bot.slack import blocks
from tests.unit.factories import confirmation
from tests.unit.slack.block_kit import assert_valid_message
from tests.unit.slack.blocks.summaries import full_summary


def test_thread_detail_splits_long_lists_into_valid_messages() -> None:
    summary = full_summary(2500)
    messages = blocks.thread_detail_messages(summary)
    assert len(messages) > 1
    for message in messages:
        assert_valid_message(message)
    lines = "\n".join(json.dumps(m) for m in messages)
    assert "`t0` assigned" in lines and "`t2499` *not assigned*" in lines


def test_detail_csv_has_a_row_per_task() -> None:
    rows = blocks.detail_csv(full_summary(4)).strip().splitlines()
    assert rows[0].split(",") == list(blocks.CSV_COLUMNS)
    assert len(rows) == 5 and rows[1].startswith("t0,assigned,user-a,UA,PENDING")


def test_detail_csv_never_carries_a_spreadsheet_formula() -> None:
    request = confirmation(("user-a", "UA", ["t1"]))
    error = ChunkError('=HYPERLINK("http://evil")', status=422)
    summary = summarize(request, [[ChunkResult(("t1",), error=error)]])
    [_, row] = list(csv.reader(io.StringIO(blocks.detail_csv(summary))))
    assert row[-1] == '\'=HYPERLINK("http://evil")'
