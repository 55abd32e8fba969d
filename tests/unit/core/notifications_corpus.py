"""Notifications as people, the platform and other bots write them, each with what the bot
must read out of it: the evaluation(s) named and the task ids. One table, kept in two files
(`notifications_plain.py`, `notifications_rich.py`) and read by one test
(`test_extract.py::test_corpus`); `python -m tests.unit.core.notifications_corpus` prints
how many are read exactly.

`message` is a message's text, or a whole message (text, blocks, attachments, files).
"""

from __future__ import annotations

from tests.unit.core.notices import Notice
from tests.unit.core.notifications_plain import PLAIN
from tests.unit.core.notifications_rich import RICH

__all__ = ["CORPUS", "Notice", "read_exactly"]

CORPUS: tuple[Notice, ...] = PLAIN + RICH


def read_exactly() -> tuple[int, list[str]]:
    """How many entries the extractor reads exactly, and the names of those it does not."""
    from bot.core.extract import extract_from_message

    missed = []
    for notice in CORPUS:
        message = notice.message if isinstance(notice.message, dict) else {"text": notice.message}
        found = extract_from_message(message)
        if (found.evaluation_ids, found.task_ids) != (notice.evaluations, notice.tasks):
            missed.append(notice.name)
    return len(CORPUS) - len(missed), missed


if __name__ == "__main__":
    exact, missed = read_exactly()
    print(f"{exact} of {len(CORPUS)} notifications read exactly")
    for name in missed:
        print(f"  missed: {name}")
