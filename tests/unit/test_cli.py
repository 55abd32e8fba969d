"""The command line's pure parts: the progress bar (terminals only) and the tables."""

from __future__ import annotations

import io

from bot.cli.render import ProgressBar, table
from bot.core.tasks import ChunkError, ChunkResult


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_the_bar_redraws_in_place_on_a_terminal() -> None:
    screen = Terminal()
    bar = ProgressBar(1000, screen)
    bar.draw()
    await bar.advance(ChunkResult(task_ids=tuple(f"t{i}" for i in range(500))))
    await bar.advance(ChunkResult(task_ids=("x",) * 250, error=ChunkError("down")))
    bar.close()
    frames = screen.getvalue().split("\r")[1:]
    assert frames[0] == "Assigning [" + "." * 30 + "] 0/1,000 tasks"
    assert frames[1] == "Assigning [" + "#" * 15 + "." * 15 + "] 500/1,000 tasks"
    assert frames[2].startswith("Assigning [" + "#" * 22)
    assert frames[2].endswith("750/1,000 tasks, 1 request(s) failed\n")


async def test_no_bar_when_not_a_terminal() -> None:
    piped = io.StringIO()
    bar = ProgressBar(10, piped)
    bar.draw()
    await bar.advance(ChunkResult(task_ids=("t1",)))
    bar.close()
    assert piped.getvalue() == ""


def test_tables_align_numbers_right() -> None:
    rendered = table(("who", "n"), [("alice", "1,000"), ("bo", "7")], right=(1,))
    assert rendered.splitlines() == ["who        n", "alice  1,000", "bo         7"]
