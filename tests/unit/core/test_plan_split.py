"""Splits that follow workload: shares sized by each person's pending tasks, capped per person."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.plan import (
    EVEN_SPLIT,
    SplitRule,
    pending_loads,
    plan_split,
    share_sizes,
    split_evenly,
    split_rule,
)
from bot.core.tasks import ListedTask


@pytest.mark.parametrize(
    ("total", "loads", "cap", "sizes"),
    [
        (10, [0, 0, 0], None, [4, 3, 3]),  # equal loads: the even split, earlier ones larger
        (10, [5, 0, 2], None, [1, 6, 3]),  # fewer pending tasks, more new ones: 6, 6, 5 after
        (3, [1, 0, 0], None, [1, 1, 1]),
        (4, [10, 0], None, [0, 4]),  # far more work already: nothing new
        (10, [0, 0], 3, [3, 3]),  # the cap leaves 4
        (10, [8, 0], 4, [4, 4]),  # the lighter one capped first, then the other, 2 left
        (6, [8, 0], 5, [1, 5]),
        (0, [1, 2], None, [0, 0]),
        (5, [0], None, [5]),
    ],
)
def test_share_sizes(total: int, loads: list[int], cap: int | None, sizes: list[int]) -> None:
    assert share_sizes(total, loads, cap) == sizes


def test_a_split_by_load_keeps_the_order_and_says_what_the_cap_left() -> None:
    split = plan_split(list("abcdefg"), 3, SplitRule(by_load=True, cap=2), [0, 5, 1])
    assert split.shares == (("a", "b"), ("c", "d"), ("e", "f"))
    assert split.left == ("g",)


def test_the_default_rule_is_the_even_split() -> None:
    ids = [f"t{i}" for i in range(11)]
    assert list(plan_split(ids, 3, EVEN_SPLIT).shares) == split_evenly(ids, 3)


def test_unknown_loads_split_evenly() -> None:
    split = plan_split(list("abcd"), 2, SplitRule(by_load=True), None)
    assert split.shares == (("a", "b"), ("c", "d"))


def test_pending_loads_count_pending_tasks_not_the_requested_ones() -> None:
    listed = [
        ListedTask(id="x1", assignee_id="u1", status="PENDING"),
        ListedTask(id="x2", assignee_id="u1", status="PENDING_REDO"),
        ListedTask(id="x3", assignee_id="u1", status="COMPLETED"),
        ListedTask(id="x4", assignee_id="u2", status="PENDING"),
        ListedTask(id="t1", assignee_id="u2", status="PENDING"),  # part of this request
    ]
    assert pending_loads(listed, ["u1", "u2", "u3"], ["t1"]) == (2, 1, 0)


@pytest.mark.parametrize(
    ("choice", "cap", "rule"),
    [
        (None, None, EVEN_SPLIT),
        ("load", None, SplitRule(by_load=True)),
        ("even", "5", SplitRule(cap=5)),
        ("load", " 7 ", SplitRule(by_load=True, cap=7)),
    ],
)
def test_the_forms_split_inputs(choice: str | None, cap: str | None, rule: SplitRule) -> None:
    assert split_rule(choice, cap, 100) == rule


@pytest.mark.parametrize("cap", ["0", "-1", "abc", "101", "2.5"])
def test_a_bad_cap_is_refused_in_words(cap: str) -> None:
    with pytest.raises(ValueError, match="whole number from 1 to 100"):
        split_rule("load", cap, 100)


@given(
    ids=st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=3), max_size=60, unique=True),
    loads=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=8),
    cap=st.none() | st.integers(min_value=1, max_value=20),
    by_load=st.booleans(),
)
def test_every_id_at_most_once_caps_respected_order_kept(
    ids: list[str], loads: list[int], cap: int | None, by_load: bool
) -> None:
    split = plan_split(ids, len(loads), SplitRule(by_load=by_load, cap=cap), loads)
    assert len(split.shares) == len(loads)
    flat = [task for share in split.shares for task in share]
    assert flat + list(split.left) == ids  # each id once, in the order given
    assert all(cap is None or len(share) <= cap for share in split.shares)
    if split.left:  # something is left only when every share is full
        assert cap is not None and all(len(share) == cap for share in split.shares)
    if by_load:  # nobody with more work after the split got a task someone lighter could take
        after = [load + len(share) for load, share in zip(loads, split.shares, strict=True)]
        for i, share in enumerate(split.shares):
            if share:
                lighter = [
                    j for j in range(len(loads)) if (cap is None or len(split.shares[j]) < cap)
                ]
                assert all(after[j] >= after[i] - 1 for j in lighter)
