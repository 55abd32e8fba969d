"""Text of a mention of the bot (`@assign-bot t1 t2 to @alice`) -> a Command.

Pure: no Slack, no I/O. A mention differs from `/assign` in two ways: the text holds the bot's
own mention, and in a notification's thread the evaluation may be left out, because the
thread's first message names it. Which evaluation that is comes from `core.extract`; this
module decides how the text is read in its light:

- one evaluation in the thread: it is the default (`commands.parse(..., evaluation_id=...)`);
- several: the text must start with one of them (or a link), else the person is asked which;
- none (or the first message could not be read): the text must name the evaluation itself.
  A first word that the thread's message lists as a *task* is refused rather than read as an
  evaluation: that is someone relying on a notification whose evaluation could not be found.
"""

from __future__ import annotations

import re
from typing import Final

from bot.core import ids
from bot.core.commands import SUBCOMMANDS, Assign, Command, UsageError, parse
from bot.core.extract import Extracted

_EXAMPLE: Final = "`eval_123 t1 t2 to @alice`"
_SHOWN_EVALUATIONS: Final = 5
_WORD_SEPARATORS: Final = re.compile(r"[\s,;]+")
_QUOTES: Final = "\"'`"


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """The text without the bot's own mentions (`<@UBOT>` or `<@UBOT|name>`), anywhere."""
    if not bot_user_id:
        return text.strip()
    own = re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]*)?>")
    return own.sub(" ", text).strip()


def parse_mention(text: str, *, max_ids: int, thread: Extracted | None) -> Command:
    """Read a mention's text (bot mention already stripped); raise UsageError when it is none.

    `thread` is what the first message of the mention's thread names; None outside a thread.
    """
    if thread is None:
        return parse(text, max_ids=max_ids)
    evaluations = thread.evaluation_ids or ((thread.evaluation_id,) if thread.evaluation_id else ())
    if len(evaluations) == 1:
        return parse(text, max_ids=max_ids, evaluation_id=evaluations[0])

    first = _first_word(text)
    named = first in evaluations or _is_evaluation_link(first)
    hint = _several_hint(evaluations) if evaluations else _none_hint()
    try:
        parsed = parse(text, max_ids=max_ids)
    except UsageError as exc:
        if named or _is_subcommand(first):
            raise
        raise UsageError(f"{exc.message} {hint}.") from exc
    if not isinstance(parsed, Assign) or named:
        return parsed
    if evaluations:
        raise UsageError(f"{hint}.")
    if parsed.evaluation_id in thread.task_ids:
        raise UsageError(
            f"This thread's first message lists {_quote(parsed.evaluation_id)} as a task but "
            "names no evaluation, so I can't tell which evaluation it belongs to. Start with "
            f"the evaluation's id or link: {_EXAMPLE}."
        )
    return parsed


def _first_word(text: str) -> str:
    """The word a command starts with, past an optional `assign` (as the grammar skips it)."""
    words = [w.strip(_QUOTES) for w in _WORD_SEPARATORS.split(text) if w.strip(_QUOTES)]
    if words and words[0].lower() == "assign":
        words = words[1:]
    return words[0] if words else ""


def _is_evaluation_link(word: str) -> bool:
    return "/" in word and ids.evaluation_id_from(word) is not None


def _is_subcommand(word: str) -> bool:
    """Help, link, ... have nothing to do with the thread's evaluation: no thread hint."""
    name = word.lower().rstrip("?!.")
    return not name or name in SUBCOMMANDS


def _several_hint(evaluations: tuple[str, ...]) -> str:
    shown = ", ".join(f"`{e}`" for e in evaluations[:_SHOWN_EVALUATIONS])
    more = len(evaluations) - _SHOWN_EVALUATIONS
    if more > 0:
        shown += f" and {more} more"
    return (
        f"This thread's first message names several evaluations ({shown}), so start with "
        f"the one you mean: `{evaluations[0]} t1 t2 to @alice`"
    )


def _none_hint() -> str:
    return (
        "This thread's first message names no evaluation I can read, so start with the "
        f"evaluation's id or link: {_EXAMPLE}"
    )


def _quote(word: str) -> str:
    return f"`{word[:40]}`"
