"""Answers read strictly: each case of issue 13 as a row of a table (pure, no platform)."""

from __future__ import annotations

import pytest

from bot.core.outcome import (
    AUTH_HINT,
    CONTRADICTED_REASON,
    NOT_LISTED_REASON,
    NOT_RETURNED_REASON,
    NOT_SAID_REASON,
    UNASSIGNED_ON_READ_BACK,
    Verdict,
    judge,
    needs_read_back,
    stops_run,
    summarize,
    unrequested,
    unsent,
)
from bot.core.tasks import ChunkError, ChunkResult
from tests.unit.factories import confirmation, task

LOST = ChunkError("the platform did not answer in time (ReadTimeout)", status=None)
KEY = ChunkError(f"the platform did not accept the bot's API key (401); {AUTH_HINT}", status=401)


@pytest.mark.parametrize(
    ("result", "verdicts", "reason"),
    [
        pytest.param(
            ChunkResult(("t1",), (task("t1", "other"), task("t1", "user-a"))),
            [Verdict.UNCERTAIN],
            CONTRADICTED_REASON,
            id="listed twice, different assignees: uncertain, not counted",
        ),
        pytest.param(
            ChunkResult(("t1",), (task("t1", "user-a"), task("t1", None))),
            [Verdict.UNCERTAIN],
            CONTRADICTED_REASON,
            id="listed twice, once without assignee: uncertain",
        ),
        pytest.param(
            ChunkResult(("t1",), (task("t1"), task("t1"))),
            [Verdict.ASSIGNED],
            None,
            id="listed twice, same assignee: assigned once",
        ),
        pytest.param(
            ChunkResult(("t1", "t2"), silent=True),
            [Verdict.NOT_RETURNED, Verdict.NOT_RETURNED],
            NOT_SAID_REASON,
            id="200 null: the platform did not say",
        ),
        pytest.param(
            ChunkResult(("t1",)),
            [Verdict.NOT_RETURNED],
            NOT_RETURNED_REASON,
            id="200 [] without it: not returned",
        ),
        pytest.param(
            ChunkResult(("t1",), (task("t1"), task("t9"))),
            [Verdict.ASSIGNED],
            None,
            id="an id nobody asked for is not counted",
        ),
        pytest.param(
            ChunkResult(("t1", "t2"), (task("t1"),), error=LOST, read_back=True),
            [Verdict.ASSIGNED, Verdict.FAILED],
            f"{LOST} (read back: not assigned to the requested user)",
            id="lost answer read back: what the listing shows is counted, the rest failed",
        ),
        pytest.param(
            ChunkResult(("t1", "t2"), (task("t1"),), silent=True, read_back=True),
            [Verdict.ASSIGNED, Verdict.NOT_RETURNED],
            NOT_LISTED_REASON,
            id="null read back: an id not in the listing",
        ),
        pytest.param(
            ChunkResult(("t1",), (task("t1", None),), silent=True, read_back=True),
            [Verdict.ASSIGNED_TO_OTHER],
            UNASSIGNED_ON_READ_BACK,
            id="null read back: still unassigned",
        ),
        pytest.param(
            unsent(("t1", "t2"), KEY),
            [Verdict.FAILED, Verdict.FAILED],
            f"not sent, because the platform refused an earlier request: {KEY}",
            id="not sent after a 401: failed, with the hint",
        ),
    ],
)
def test_each_answer_case(result: ChunkResult, verdicts: list[Verdict], reason: str | None) -> None:
    outcomes = judge(result.task_ids, "user-a", [result])
    assert [o.verdict for o in outcomes] == verdicts
    reasons = {o.reason for o in outcomes if not o.ok}
    assert reasons == ({reason} if reason else set())


def test_a_task_returned_in_another_chunks_answer_is_not_counted() -> None:
    first = ChunkResult(("t1",), (task("t1"), task("t2")))
    second = ChunkResult(("t2",), silent=True)
    outcomes = judge(["t1", "t2"], "user-a", [first, second])
    assert [o.verdict for o in outcomes] == [Verdict.ASSIGNED, Verdict.NOT_RETURNED]
    assert unrequested(first) == ("t2",)
    assert unrequested(second) == ()


def test_uncertain_tasks_are_not_counted_nor_retried() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2"]))
    answer = ChunkResult(("t1", "t2"), (task("t1", "x"), task("t1"), task("t2")))
    summary = summarize(request, [[answer]])
    assert (summary.assigned, summary.not_assigned) == (1, 1)
    assert summary.problems == {CONTRADICTED_REASON: ["t1"]}
    assert summary.shares[0].failed_ids == ()


def test_ids_not_sent_after_a_refusal_stay_retryable() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2", "t3"]))
    refused = ChunkResult(("t1",), error=KEY)
    summary = summarize(request, [[refused, unsent(("t2", "t3"), KEY)]])
    assert summary.shares[0].failed_ids == ("t1", "t2", "t3")
    assert all(AUTH_HINT in reason for reason in summary.problems)


@pytest.mark.parametrize(
    ("result", "stops"),
    [
        (ChunkResult(("t1",), error=ChunkError("x", status=401)), True),
        (ChunkResult(("t1",), error=ChunkError("x", status=403)), True),
        (ChunkResult(("t1",), error=ChunkError("x", status=404)), False),
        (ChunkResult(("t1",), error=ChunkError("x", status=500)), False),
        (ChunkResult(("t1",), error=LOST), False),
        (ChunkResult(("t1",), (task("t1"),)), False),
    ],
)
def test_only_a_refused_key_stops_a_run(result: ChunkResult, stops: bool) -> None:
    assert stops_run(result) is stops


@pytest.mark.parametrize(
    ("result", "read"),
    [
        (ChunkResult(("t1",), silent=True), True),
        (ChunkResult(("t1",), error=LOST), True),
        (ChunkResult(("t1",), error=ChunkError("unreadable body", status=200)), True),
        (ChunkResult(("t1",), error=ChunkError("gateway timeout", status=504)), True),
        (ChunkResult(("t1",), error=ChunkError("bad", status=422)), False),
        (ChunkResult(("t1",), error=KEY), False),
        (ChunkResult(("t1",), (task("t1"),)), False),
        (ChunkResult(("t1",), silent=True, read_back=True), False),
    ],
)
def test_which_answers_are_read_back(result: ChunkResult, read: bool) -> None:
    assert needs_read_back(result) is read
