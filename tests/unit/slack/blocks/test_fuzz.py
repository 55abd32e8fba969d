"""Every Block Kit builder with arbitrary text in every field a person or the platform controls.

Three properties, whatever the text: no crash; valid Block Kit within Slack's limits; and no
mention, special mention or link that the text itself spelled (`<!channel>` typed as a task id,
a note or a platform reason stays text).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.audit import AuditedShare, AuditRecord
from bot.core.commands import HELP_EXAMPLES
from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.outcome import Summary, summarize
from bot.core.tasks import AssignedTask, ChunkError, ChunkResult
from bot.sgp.errors import SGPError
from bot.slack import blocks
from bot.slack.blocks import modals
from bot.slack.reporting.publication import Publication
from bot.slack.wording import describe
from tests.unit.slack.block_kit import assert_valid_message, assert_valid_view

#: Markup the generated text may contain and no output may: each would ping or link.
FORBIDDEN = (
    "<!channel",
    "<!here",
    "<!everyone",
    "<!subteam",
    "<@UEVIL",
    "<http://x",
    "<mailto:",
    "<#CEVIL",
)
HOSTILE = st.sampled_from(
    [
        "<!channel>",
        "<!here|here>",
        "<!everyone>",
        "<!subteam^S1|@team>",
        "<@UEVIL>",
        "<@UEVIL|evil>",
        "<http://x|y>",
        "<mailto:a@b.c|mail>",
        "<#CEVIL|general>",
        "&lt;!here&gt;",
        "&amp;",
        "`",
        "```",
        "*",
        "_",
        "~",
        ">",
        "<",
        "|",
        "\n",
        "\u202e",
        "\x00",
        "😀",
    ]
)
TEXT = st.lists(HOSTILE | st.text(max_size=20), max_size=8).map("".join)
LONG_TEXT = TEXT | st.text(min_size=3000, max_size=5000) | TEXT.map(lambda t: t * 200)
SLACK_ID = (st.from_regex(r"U[A-D0-9]{1,8}", fullmatch=True) | TEXT).filter(
    lambda s: "EVIL" not in s
)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def assert_safe(built: Any) -> None:
    dumped = json.dumps(built, ensure_ascii=False)
    for markup in FORBIDDEN:
        assert markup not in dumped, (markup, dumped[:2000])


def assert_safe_message(built: list[dict[str, Any]]) -> None:
    assert_valid_message(built)
    assert_safe(built)


@st.composite
def confirmations(draw: st.DrawFn) -> Confirmation:
    shares = draw(
        st.lists(
            st.builds(
                Share,
                assignee=st.builds(
                    Assignee,
                    platform_user_id=TEXT,
                    slack_user_id=st.none() | SLACK_ID,
                ),
                task_ids=st.lists(TEXT, min_size=1, max_size=25).map(tuple),
            ),
            min_size=1,
            max_size=45,
        )
    )
    return Confirmation(
        team_id="T1",
        requester_id=draw(SLACK_ID),
        channel_id=draw(TEXT),
        evaluation_id=draw(LONG_TEXT),
        shares=tuple(shares),
        duplicates_dropped=draw(st.integers(0, 10**6)),
        note=draw(st.none() | LONG_TEXT),
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=15),
    )


def task(task_id: str, assigned_to: str | None, status: str, kind: str) -> AssignedTask:
    return AssignedTask.model_validate(
        {
            "id": task_id,
            "task_type": kind,
            "task_entity_parent_id": "e",
            "task_entity_id": "x",
            "account_id": "a",
            "status": status,
            "priority": 3,
            "assigned_to": assigned_to,
            "assignment_expires_at": (NOW + timedelta(days=1)).isoformat(),
        }
    )


@st.composite
def summaries(draw: st.DrawFn) -> tuple[Confirmation, Summary]:
    confirmation = draw(confirmations())
    results: list[list[ChunkResult]] = []
    for share in confirmation.shares:
        outcome = draw(st.sampled_from(["assigned", "other", "missing", "failed"]))
        if outcome == "failed":
            status = draw(st.none() | st.integers(400, 599))
            error = ChunkError(draw(LONG_TEXT) or "x", status=status)
            results.append([ChunkResult(share.task_ids, error=error)])
            continue
        assigned_to = (
            share.assignee.platform_user_id if outcome == "assigned" else draw(st.none() | TEXT)
        )
        tasks = (
            ()
            if outcome == "missing"
            else tuple(task(t, assigned_to, draw(TEXT), draw(TEXT)) for t in share.task_ids)
        )
        results.append([ChunkResult(share.task_ids, tasks=tasks)])
    return confirmation, summarize(confirmation, results)


publications = st.builds(
    Publication,
    permalink=st.none() | TEXT | st.just("https://acme.slack.com/archives/C1/p1"),
    summary_posted=st.booleans(),
    post_error=st.none() | TEXT,
    undelivered_dms=st.lists(SLACK_ID, max_size=5),
)

audit_records = st.builds(
    AuditRecord,
    kind=st.sampled_from(["assignment", "undo"]),
    at=st.datetimes(timezones=st.just(UTC)),
    team_id=st.just("T1"),
    channel_id=TEXT,
    requester_id=SLACK_ID,
    evaluation_id=LONG_TEXT,
    assignees=st.lists(
        st.builds(
            AuditedShare,
            platform_user_id=TEXT,
            slack_user_id=st.none() | SLACK_ID,
            requested=st.integers(0, 10**6),
            assigned=st.integers(0, 10**6),
        ),
        max_size=12,
    ).map(tuple),
    requested=st.integers(0, 10**6),
    assigned=st.integers(0, 10**6),
    failed=st.integers(0, 10**6),
    permalink=st.none() | TEXT,
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(confirmations())
def test_preview_and_its_states(confirmation: Confirmation) -> None:
    for built in (
        blocks.preview_blocks(confirmation, "tok_" + "x" * 20),
        blocks.preview_body(confirmation),
        blocks.assigning_blocks(confirmation),
        blocks.cancelled_blocks(confirmation),
    ):
        assert_safe_message(built)


@FUZZ
@given(summaries(), publications)
def test_summary_result_failure_thread_and_dms(
    drawn: tuple[Confirmation, Summary], publication: Publication
) -> None:
    _, summary = drawn
    assert_safe_message(blocks.summary_blocks(summary))
    assert_safe_message(blocks.result_blocks(summary, publication))
    assert_safe_message(blocks.failure_blocks(summary))
    assert_safe(blocks.summary_text(summary))
    assert_safe(blocks.csv_comment(summary))
    messages = blocks.thread_detail_messages(summary)
    assert messages
    for message in messages:
        assert_safe_message(message)
    for share in summary.shares:
        assert_safe_message(blocks.assignee_dm_blocks(summary, share, publication.permalink))
        for outcome in share.outcomes:
            assert_safe(blocks.detail_line(outcome))
    blocks.detail_csv(summary)  # a file, not mrkdwn: it only has to build


@FUZZ
@given(st.lists(audit_records, max_size=100), st.integers(1, 100))
def test_history(records: list[AuditRecord], asked: int) -> None:
    assert_safe_message(blocks.history_blocks(records, asked))


@FUZZ
@given(LONG_TEXT, st.none() | SLACK_ID)
def test_notes_errors_and_notices(text: str, author: str | None) -> None:
    assert_safe(blocks.note_text(text, author))
    assert_safe_message([blocks.section(blocks.note_text(text, author))])
    # error_blocks and notice_blocks take mrkdwn built by the caller; describe() is the caller.
    assert_safe_message(blocks.error_blocks(describe(SGPError(text or "x"))))
    assert_safe_message(blocks.help_blocks([*HELP_EXAMPLES, (text, text)]))


@FUZZ
@given(confirmations())
def test_modal_preview_and_status_views(confirmation: Confirmation) -> None:
    channel = confirmation.model_copy(update={"channel_id": "C0123ABCD"})
    for view in (
        modals.preview_view(channel, "tok_" + "x" * 20),
        modals.assigning_view(confirmation),
    ):
        assert_valid_view(dict(view))
        assert_safe(view)
