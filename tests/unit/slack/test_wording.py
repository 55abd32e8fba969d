"""Error wording is chosen by error type in one table, walked along the error's MRO."""

from __future__ import annotations

import pytest

from bot.core.commands import UsageError
from bot.sgp.errors import APIConnectionError, SGPError
from bot.slack.wording import NOTHING_ASSIGNED, WORDINGS, describe
from bot.store.errors import StoreUnavailable
from bot.usecases.refusals import ConfirmationGone, NotAdmin, RetryGone, UndoGone

UNEXPECTED = f"Something went wrong on the bot's side. {NOTHING_ASSIGNED} Please try again."


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (ConfirmationGone("confirmed"), "This request was already confirmed; it runs only once."),
        (
            ConfirmationGone("cancelled"),
            "This request was already cancelled. Run the command again to start over.",
        ),
        (
            ConfirmationGone(None),
            f"This confirmation has expired. Run the command again. {NOTHING_ASSIGNED}",
        ),
        (UndoGone(already=True), "This assignment was already undone; see the thread."),
        (
            UndoGone(already=False),
            "Undo is no longer available: it works for 24 hours after an assignment.",
        ),
        (
            RetryGone(already=True),
            "The failed tasks of this request are already being retried; see the thread.",
        ),
        (
            StoreUnavailable(),
            f"The bot's store is unavailable, try again shortly. {NOTHING_ASSIGNED}",
        ),
        (SGPError("bad <id>"), f"The platform refused: bad &lt;id&gt;. {NOTHING_ASSIGNED}"),
        (UsageError("no *such* thing"), "no *such* thing\nType `/assign help` for examples."),
        (RuntimeError("boom"), UNEXPECTED),
        (ValueError("not a usage error"), UNEXPECTED),
    ],
)
def test_each_error_type_has_its_words(error: Exception, text: str) -> None:
    assert describe(error) == text


def test_a_subclass_takes_its_nearest_base_class_wording() -> None:
    class Narrower(NotAdmin):
        pass

    lost = APIConnectionError(attempts=3, cause="ConnectError")
    assert describe(lost) == WORDINGS[SGPError](lost)
    assert describe(Narrower(frozenset())) == describe(NotAdmin(frozenset()))


def test_every_error_type_is_one_entry_and_exception_is_the_fallback() -> None:
    assert WORDINGS[Exception](KeyError("x")) == UNEXPECTED
    assert all(issubclass(kind, Exception) for kind in WORDINGS)
