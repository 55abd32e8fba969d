"""How the requester's "Assigning..." says that the platform asked the bot to wait."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.slack import blocks
from bot.slack.blocks.preview import PlatformWait, duration_text, wait_text
from tests.unit.factories import NOW, confirmation
from tests.unit.slack.block_kit import assert_valid_message


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.2, "1 s"),
        (3, "3 s"),
        (59.5, "1 min"),
        (120, "2 min"),
        (121, "3 min"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
    ],
)
def test_a_wait_is_said_as_a_person_says_it(seconds: float, said: str) -> None:
    assert duration_text(seconds) == said


def test_assigning_says_how_long_and_until_when() -> None:
    request = confirmation(("user-a", "UA", [f"t{i}" for i in range(4000)]))
    wait = PlatformWait(120, NOW + timedelta(minutes=2))
    built = blocks.assigning_blocks(request, done=2000, wait=wait)
    assert_valid_message(built)
    text = json.dumps(built)
    assert "Assigning... 2,000 / 4,000 tasks" in text
    assert "the platform asked to wait 2 min; going on at <!date^" in text
    assert "|12:02 UTC>" in text, "clients that cannot show local time read UTC"
    assert wait_text(wait) == "the platform asked to wait 2 min; going on at 12:02 UTC"


def test_a_short_wait_names_the_second() -> None:
    wait = PlatformWait(3, NOW + timedelta(seconds=3))
    assert wait_text(wait).endswith("going on at 12:00:03 UTC")
    assert "{time_secs}" in wait_text(wait, local=True)


def test_assigning_without_a_wait_is_unchanged() -> None:
    request = confirmation(("user-a", "UA", ["t1", "t2"]))
    assert "wait" not in json.dumps(blocks.assigning_blocks(request, done=1))
