from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.plan import chunked, dedupe, split_evenly


@pytest.mark.parametrize(
    ("ids", "parts", "expected"),
    [
        (["a", "b", "c"], 1, [("a", "b", "c")]),
        (list("abcdefghi"), 3, [("a", "b", "c"), ("d", "e", "f"), ("g", "h", "i")]),
        (list("abcdefg"), 3, [("a", "b", "c"), ("d", "e"), ("f", "g")]),
        (["a"], 2, [("a",), ()]),
    ],
)
def test_split_evenly(ids: list[str], parts: int, expected: list[tuple[str, ...]]) -> None:
    assert split_evenly(ids, parts) == expected


@given(st.lists(st.text(max_size=3), max_size=60), st.integers(min_value=1, max_value=12))
def test_split_keeps_order_and_balance(ids: list[str], parts: int) -> None:
    shares = split_evenly(ids, parts)
    assert len(shares) == parts
    assert [i for share in shares for i in share] == ids
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (2, [("a", "b"), ("c", "d"), ("e",)]),
        (5, [("a", "b", "c", "d", "e")]),
        (9, [tuple("abcde")]),
    ],
)
def test_chunked(size: int, expected: list[tuple[str, ...]]) -> None:
    assert chunked(list("abcde"), size) == expected


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        chunked(["a"], 0)
    with pytest.raises(ValueError):
        split_evenly(["a"], 0)


def test_dedupe_keeps_first_occurrence() -> None:
    assert dedupe(["b", "a", "b", "c", "a"]) == (("b", "a", "c"), 2)
