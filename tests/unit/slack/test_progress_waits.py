"""The requester's progress hears of the platform's waits: once, when worth it, in budget."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.slack.reporting.surfaces import Progress
from tests.unit.factories import NOW, confirmation


class Shown:
    """A surface with a response_url's budget that keeps what it was asked to show."""

    progress_updates: int | None = 3

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def show(self, content: Any, text: str, **_: Any) -> None:
        self.texts.append(text)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.wall = NOW

    def tick(self, seconds: float) -> None:
        self.now += seconds
        self.wall += timedelta(seconds=seconds)

    def wall_now(self) -> datetime:
        return self.wall


def progress() -> tuple[Progress, Shown, Clock]:
    surface, clock = Shown(), Clock()
    request = confirmation(("user-a", "UA", [f"t{i}" for i in range(4000)]))
    made = Progress(surface, request, clock=lambda: clock.now, wall=clock.wall_now)  # type: ignore[arg-type]
    return made, surface, clock


async def test_a_wait_is_shown_at_once_with_how_far_the_job_got() -> None:
    watched, surface, clock = progress()
    clock.tick(3)
    await watched(2000, 4000)
    await watched(2050, 4000)  # within 2 s of the last update: not shown
    await watched.wait(120, "429")
    assert surface.texts == [
        "Assigning... 2,000 / 4,000",
        "Assigning... 2,050 / 4,000 — the platform asked to wait 2 min; going on at 12:02 UTC",
    ]


async def test_chunks_told_the_same_wait_show_it_once_and_a_later_wait_again() -> None:
    watched, surface, clock = progress()
    for _ in range(4):  # four chunks in flight, each answered 429 Retry-After: 30
        await watched.wait(30, "429")
    clock.tick(31)
    await watched.wait(30, "429")
    assert len(surface.texts) == 2 and all("wait 30 s" in text for text in surface.texts)


async def test_the_usual_short_backoff_is_not_worth_a_message() -> None:
    watched, surface, _ = progress()
    await watched.wait(0.5, "503")
    await watched.wait(1.9, "ReadTimeout")
    assert surface.texts == []


async def test_waits_share_the_response_url_budget_with_progress() -> None:
    watched, surface, clock = progress()
    for _ in range(6):
        clock.tick(60)
        await watched.wait(10, "429")
    clock.tick(60)
    await watched(3000, 4000)
    assert len(surface.texts) == Shown.progress_updates, "the result keeps its use"
