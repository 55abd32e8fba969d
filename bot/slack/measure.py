"""Which request outcome an error counts as, for the requests metric (one rule, every listener)."""

from __future__ import annotations

from bot.core.commands import UsageError
from bot.core.form import FieldProblem
from bot.metrics import RequestOutcome
from bot.usecases.refusals import ServiceError


def outcome_of(error: BaseException | None) -> RequestOutcome:
    """`usage_error`: the person typed something wrong; `refused`: the bot said no (access,
    unlinked assignee, expired confirmation...); `error`: the bot or a service it needs failed.
    """
    if error is None:
        return "ok"
    if isinstance(error, UsageError | FieldProblem):
        return "usage_error"
    if isinstance(error, ServiceError):
        return "refused"
    return "error"
