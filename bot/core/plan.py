"""Who gets which task ids, and how a list is cut into API-sized requests."""

from __future__ import annotations

from collections.abc import Sequence


def split_evenly(task_ids: Sequence[str], parts: int) -> list[tuple[str, ...]]:
    """Contiguous shares in the order given; sizes differ by at most one, earlier ones larger.

    Contiguous shares keep neighbouring tasks (often one test case's annotation and audit)
    with one person, and let a lead predict who gets what from the order they typed.
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    base, extra = divmod(len(task_ids), parts)
    shares: list[tuple[str, ...]] = []
    start = 0
    for index in range(parts):
        size = base + (1 if index < extra else 0)
        shares.append(tuple(task_ids[start : start + size]))
        start += size
    return shares


def chunked(task_ids: Sequence[str], size: int) -> list[tuple[str, ...]]:
    """Cut a list into requests of at most `size` ids; the API's own limit is undocumented."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [tuple(task_ids[i : i + size]) for i in range(0, len(task_ids), size)]


def dedupe(task_ids: Sequence[str]) -> tuple[tuple[str, ...], int]:
    """Keep the first occurrence of each id; return the ids and how many repeats were dropped."""
    unique = tuple(dict.fromkeys(task_ids))
    return unique, len(task_ids) - len(unique)


def job_chunks(
    shares: Sequence[tuple[str, Sequence[str]]], size: int
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Every request a job makes, numbered across shares: (chunk index, share index, ids).

    The numbering is stable for a given job, so a worker that takes a job over can tell which
    chunks a previous worker already finished.
    """
    numbered: list[tuple[int, int, tuple[str, ...]]] = []
    for share_index, (_, task_ids) in enumerate(shares):
        for chunk in chunked(task_ids, size):
            numbered.append((len(numbered), share_index, chunk))
    return numbered
