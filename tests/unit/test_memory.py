"""Start-up objects are frozen: full collections no longer walk them."""

from __future__ import annotations

import gc
from types import SimpleNamespace

from bot.memory import freeze_startup_objects


def test_objects_alive_at_startup_leave_the_collectors_sight() -> None:
    built = [{"n": i} for i in range(50_000)]  # what the app holds once it is built
    thresholds = gc.get_threshold()
    try:
        walked_before = len(gc.get_objects())
        frozen = freeze_startup_objects()
        assert frozen >= len(built)
        assert len(gc.get_objects()) <= walked_before - len(built)
        assert built[-1] == {"n": 49_999}  # frozen, not freed
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _full_collections_while_keeping(count: int) -> int:
    """How many full collections `count` long-lived tasks set off (an instance, its dict and
    two containers: a parsed task is three, and its verdict a fourth)."""
    full: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    gc.callbacks.append(seen)
    try:
        kept = [SimpleNamespace(id=f"t{i}", fields={"n": [i]}) for i in range(count)]
        assert len(kept) == count
    finally:
        gc.callbacks.remove(seen)
    return len(full)


def test_a_big_jobs_worth_of_objects_sets_off_no_full_collection() -> None:
    """A job keeps about four objects alive per task: a 50,000-task job's set off no full
    collection once start-up is frozen (with Python's defaults they did)."""
    thresholds = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's defaults
        gc.collect()
        gc.freeze()
        assert _full_collections_while_keeping(50_000) > 0  # Python's defaults
        freeze_startup_objects()
        assert _full_collections_while_keeping(50_000) == 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
