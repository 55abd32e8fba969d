"""Who gets which task ids, and how a list is cut into API-sized requests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from bot.core.tasks import ListedTask, TaskStatus


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


# -- splits that follow workload ---------------------------------------------------------------

#: The form's split choices (a static_select's option values).
SPLIT_EVEN: Final = "even"
SPLIT_LOAD: Final = "load"
#: How many of the ids a cap left unassigned a confirmation keeps, to name them in the preview.
IDS_LEFT_SHOWN: Final = 20


class SplitRule(BaseModel):
    """How shares are sized: evenly (the default) or by load, each at most `cap` when set."""

    model_config = ConfigDict(frozen=True)

    by_load: bool = False
    cap: int | None = Field(default=None, ge=1)

    @property
    def is_default(self) -> bool:
        return not self.by_load and self.cap is None


#: The default: even shares, no cap.
EVEN_SPLIT: Final = SplitRule()


@dataclass(frozen=True)
class Split:
    """Contiguous shares, one per person in the order given, and the ids no share took."""

    shares: tuple[tuple[str, ...], ...]
    left: tuple[str, ...]


def share_sizes(total: int, loads: Sequence[int], cap: int | None = None) -> list[int]:
    """How many of `total` tasks each person gets so that their loads end up as level as can be.

    Task by task, the next goes to the person with the fewest (load + given so far) who is under
    `cap`, ties to the one named first: computed at once by finding the level that the
    tasks fill up to. All loads equal gives the even split (earlier people one more).
    """
    if total < 0 or any(load < 0 for load in loads) or (cap is not None and cap < 0):
        raise ValueError("counts must not be negative")
    if not loads:
        return []
    limit = total if cap is None else min(cap, total)

    def given(level: int) -> list[int]:
        return [min(limit, max(0, level - load)) for load in loads]

    low, high = 0, max(loads) + total  # given(high) >= total unless the caps bind first
    while low < high:  # the highest level whose shares do not exceed `total`
        middle = (low + high + 1) // 2
        if sum(given(middle)) <= total:
            low = middle
        else:
            high = middle - 1
    sizes = given(low)
    remaining = total - sum(sizes)
    for index, load in enumerate(loads):  # the next level: first named first, under the cap
        if remaining == 0:
            break
        if load + sizes[index] == low and sizes[index] < limit:
            sizes[index] += 1
            remaining -= 1
    return sizes


def plan_split(
    task_ids: Sequence[str], people: int, rule: SplitRule, loads: Sequence[int] | None = None
) -> Split:
    """The shares of `people` people under `rule`; `loads` (pending tasks each already has)
    is read only by a split by load, and None there means unknown: the split is even then.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    if loads is not None and len(loads) != people:
        raise ValueError("one load per person")
    weights = loads if rule.by_load and loads is not None else [0] * people
    sizes = share_sizes(len(task_ids), weights, rule.cap)
    shares: list[tuple[str, ...]] = []
    start = 0
    for size in sizes:
        shares.append(tuple(task_ids[start : start + size]))
        start += size
    return Split(shares=tuple(shares), left=tuple(task_ids[start:]))


def split_rule(choice: str | None, cap: str | None, max_ids: int) -> SplitRule:
    """The form's split choice and cap -> a rule; ValueError in plain words for the cap input."""
    text = (cap or "").strip()
    number: int | None = None
    if text:
        if not text.isascii() or not text.isdigit() or not 1 <= int(text[:9]) <= max_ids:
            raise ValueError(f"Enter a whole number from 1 to {max_ids:,}, or leave it empty.")
        number = int(text)
    return SplitRule(by_load=choice == SPLIT_LOAD, cap=number)


#: What counts as work a person still has to do, for a split by load.
PENDING_STATUSES: Final = frozenset({TaskStatus.PENDING, TaskStatus.PENDING_REDO})


def pending_loads(
    listed: Iterable[ListedTask], user_ids: Sequence[str], requested: Iterable[str] = ()
) -> tuple[int, ...]:
    """How many pending tasks of the listing each platform user holds, not counting the ids
    of this request (giving someone a task they already hold adds nothing to their load)."""
    skip = set(requested)
    counts: Counter[str] = Counter(
        task.assignee_id
        for task in {task.id: task for task in listed}.values()
        if task.assignee_id is not None and task.status in PENDING_STATUSES and task.id not in skip
    )
    return tuple(counts.get(user_id, 0) for user_id in user_ids)


class SplitNote(BaseModel):
    """How a request's shares were sized, for the preview to say why.

    `loads`: each assignee's pending tasks before, in share order (None: not used, or the listing
    could not be read, in which case the split fell back to even). `left`: ids no share took
    because of the cap (their count, and the first few).
    """

    model_config = ConfigDict(frozen=True)

    rule: SplitRule
    loads: tuple[int, ...] | None = None
    left: int = 0
    left_ids: tuple[str, ...] = ()
