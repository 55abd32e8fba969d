"""Start-up objects are frozen: full collections no longer walk them."""

from __future__ import annotations

import gc

from bot.memory import freeze_startup_objects


def test_objects_alive_at_startup_leave_the_collectors_sight() -> None:
    built = [{"n": i} for i in range(50_000)]  # what the app holds once it is built
    try:
        walked_before = len(gc.get_objects())
        frozen = freeze_startup_objects()
        assert frozen >= len(built)
        assert len(gc.get_objects()) <= walked_before - len(built)
        assert built[-1] == {"n": 49_999}  # frozen, not freed
    finally:
        gc.unfreeze()
