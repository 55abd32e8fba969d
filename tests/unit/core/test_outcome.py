from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.outcome import (
    NOT_RETURNED_REASON,
    UNKNOWN,
    TaskOutcome,
    Verdict,
    in_order,
    judge,
    judge_chunk,
    summarize,
    summarize_judged,
)
from bot.core.tasks import ChunkError, ChunkResult
from tests.unit.factories import NOW, confirmation, task


def test_each_requested_id_gets_one_verdict_in_request_order() -> None:
    error = ChunkError("the platform failed with 500 after 3 attempts", status=500)
    results = [
        ChunkResult(("t1", "t2", "t3"), tasks=(task("t1"), task("t3", assigned_to="user-b"))),
        ChunkResult(("t4",), error=error),
        ChunkResult(("t5",), tasks=(task("t5", assigned_to=None),)),
    ]
    outcomes = judge(["t1", "t2", "t3", "t4", "t5"], "user-a", results)
    assert [o.verdict for o in outcomes] == [
        Verdict.ASSIGNED,
        Verdict.NOT_RETURNED,
        Verdict.ASSIGNED_TO_OTHER,
        Verdict.FAILED,
        Verdict.ASSIGNED_TO_OTHER,
    ]
    assert outcomes[1].reason == NOT_RETURNED_REASON
    assert "user-b" in (outcomes[2].reason or "")
    assert outcomes[3].reason == "the platform failed with 500 after 3 attempts"


def test_tasks_not_asked_for_are_ignored() -> None:
    outcomes = judge(["t1"], "user-a", [ChunkResult(("t1",), tasks=(task("t1"), task("zz")))])
    assert [o.task_id for o in outcomes] == ["t1"]


def test_summary_counts_only_what_was_assigned() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2", "t3"]), ("user-b", None, ["t4"]))
    later = NOW + timedelta(days=2)
    results_a = [
        ChunkResult(
            ("t1", "t2", "t3"),
            tasks=(
                task("t1", priority=5, status="PENDING"),
                task(
                    "t2",
                    priority=2,
                    status="FUTURE_STATUS",
                    task_type="EVALUATION_AUDIT",
                    assignment_expires_at=later.isoformat(),
                ),
            ),
        )
    ]
    results_b = [ChunkResult(("t4",), tasks=(task("t4", assigned_to="user-b"),))]
    summary = summarize(request, [results_a, results_b])
    share_a, share_b = summary.shares
    assert (share_a.requested, share_a.assigned, share_a.not_assigned) == (3, 2, 1)
    assert share_a.by_status == {"PENDING": 1, "FUTURE_STATUS": 1}
    assert share_a.by_type == {"EVALUATION_ANNOTATION": 1, "EVALUATION_AUDIT": 1}
    assert share_a.priority_range == (2, 5)
    assert share_a.earliest_expiry == NOW + timedelta(days=1)
    assert share_a.problems == {NOT_RETURNED_REASON: ["t3"]}
    assert share_b.assigned == 1
    assert (summary.requested, summary.assigned, summary.fully_assigned) == (4, 3, False)


def test_summary_of_nothing_assigned_has_no_ranges() -> None:
    request = confirmation(("user-a", "UA", ["t1"]))
    summary = summarize(request, [[ChunkResult(("t1",))]])
    [share] = summary.shares
    assert share.priority_range is None and share.earliest_expiry is None
    assert share.by_status == {} and summary.assigned == 0


def test_a_task_without_status_or_type_is_counted_as_unknown() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2"]))
    tasks = (task("t1", status=None, task_type=None, priority=None), task("t2", priority=None))
    summary = summarize(request, [[ChunkResult(("t1", "t2"), tasks=tasks)]])
    [share] = summary.shares
    assert share.assigned == 2
    assert share.by_status == {UNKNOWN: 1, "PENDING": 1}
    assert share.by_type == {UNKNOWN: 1, "EVALUATION_ANNOTATION": 1}
    assert share.priority_range is None


_ids = st.sampled_from([f"t{i}" for i in range(6)])
_answers = st.lists(st.tuples(_ids, st.sampled_from(["user-a", "user-b", None])), max_size=8)
_chunks = st.lists(
    st.tuples(st.lists(_ids, min_size=1, max_size=4, unique=True), _answers, st.booleans()),
    max_size=4,
)


@given(requested=st.lists(_ids, max_size=6, unique=True), chunks=_chunks)
def test_chunks_judged_one_by_one_sum_up_as_judged_at_once(
    requested: list[str], chunks: list[tuple[list[str], list[tuple[str, str | None]], bool]]
) -> None:
    """A job judges each chunk as its answer comes back (`judge_chunk`) and sums up at the
    end (`summarize_judged`): the lead's summary must be the one judging everything at the
    end gives, whatever the answers (duplicates, other assignees, errors)."""
    results = _results(chunks)
    asked = confirmation(("user-a", "UA", requested))
    judged = [[judge_chunk(result, "user-a") for result in results]]
    assert summarize_judged(asked, judged) == summarize(asked, [results])


def _results(
    chunks: list[tuple[list[str], list[tuple[str, str | None]], bool]],
) -> list[ChunkResult]:
    return [
        ChunkResult(
            tuple(ids),
            tasks=tuple(task(task_id, who) for task_id, who in answer),
            error=ChunkError("lost", status=None) if failed else None,
        )
        for ids, answer, failed in chunks
    ]


@given(other=st.lists(_ids, max_size=8), chunks=_chunks, as_sent=st.booleans())
def test_verdicts_are_put_in_request_order_whatever_the_chunks(
    other: list[str],
    chunks: list[tuple[list[str], list[tuple[str, str | None]], bool]],
    as_sent: bool,
) -> None:
    """`in_order` copies the chunks' verdicts straight when they are the request, in order
    (`as_sent`, as a job sends it); any other case (a repeated id, one missing, another
    order) reads each id up."""
    requested = [i for ids, _, _ in chunks for i in ids] if as_sent else other
    judged = [judge_chunk(result, "user-a") for result in _results(chunks)]
    latest: dict[str, TaskOutcome] = {}
    for chunk in judged:
        latest.update(chunk)
    missing = TaskOutcome("", Verdict.NOT_RETURNED, reason=NOT_RETURNED_REASON)
    expected = tuple(latest.get(t) or missing._replace(task_id=t) for t in requested)
    assert in_order(requested, judged) == expected


@given(requested=st.lists(_ids, max_size=6, unique=True), chunks=_chunks)
def test_a_shares_counts_are_its_outcomes_counted(
    requested: list[str], chunks: list[tuple[list[str], list[tuple[str, str | None]], bool]]
) -> None:
    """One pass over the outcomes gives every count the summary shows, each as its own
    definition would."""
    asked = confirmation(("user-a", "UA", requested))
    [share] = summarize(asked, [_results(chunks)]).shares
    outcomes = share.outcomes
    assert share.assigned == sum(o.verdict is Verdict.ASSIGNED for o in outcomes)
    assert share.assigned_tasks == tuple(o.task for o in outcomes if o.ok and o.task)
    assert share.failed_ids == tuple(o.task_id for o in outcomes if o.verdict is Verdict.FAILED)
    problems: dict[str, list[str]] = {}
    for o in outcomes:
        if not o.ok:
            problems.setdefault(o.reason or o.verdict.value, []).append(o.task_id)
    assert share.problems == problems
