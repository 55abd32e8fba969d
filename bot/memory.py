"""Keep full garbage collections short: each one stops the event loop, and every ack with it.

After start-up the process holds about 100,000 long-lived objects (modules, the Bolt app, the
clients, pydantic's schemas). A full collection walks all of them, about 20 ms on an idle
machine and 40 to 60 ms under load, and it comes every few seconds in a busy workspace: the
slowest acks were the ones waiting for it. Frozen objects are never walked again.

What lives long after start-up is a job's tasks (about 40,000 objects for 10,000 tasks), and
with the default thresholds a job set off one to four full collections of 3 to 23 ms each
under a burst, some in the middle of its chunks, and the closed-loop ack bench's p99 was 25.4 ms.
A full collection now waits for FULL_AFTER collections of the middle generation instead of 10
(that p99: 13.7 ms); the young ones, which free the short-lived cycles of each request, are
unchanged.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

#: Collections of the middle generation before a full one (Python's default: 10).
FULL_AFTER = 100


def freeze_startup_objects() -> int:
    """Collect once, move every object alive now out of the collector's sight, and space
    the full collections out.

    Call it when the app is built and before it serves; returns how many objects were frozen.
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_AFTER)
    frozen = gc.get_freeze_count()
    log.debug("froze %d start-up objects", frozen)
    return frozen
