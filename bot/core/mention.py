"""Text of a mention of the bot (`@assign-bot t1 t2 to @alice`) -> a Command.

Pure: no Slack, no I/O. A mention differs from `/assign` in two ways: the text holds the bot's
own mention, and in a notification's thread the evaluation may be left out, because the
thread's first message names it. Which evaluation that is comes from `core.extract`; this
module decides how the text is read in its light, and never guesses:

- the mention names an evaluation explicitly (a link, a label such as `evaluation eval_9`, or
  the same id the thread names): that one;
- else, the thread names one evaluation: the mention's ids are all tasks of it, and `next N`
  and `unassigned` pick from it;
- the thread names several: the person is asked which (`ChooseEvaluation`, shown as buttons);
- the thread names none: the person is asked to say which id is the evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

from bot.core import ids
from bot.core.commands import SUBCOMMANDS, Command, UsageError, parse
from bot.core.extract import Extracted

_SHOWN_EVALUATIONS: Final = 5
_WORD_SEPARATORS: Final = re.compile(r"[\s,;]+")
_QUOTES: Final = "\"'`"
#: `evaluation eval_9 ...`, `evaluation: eval_9 ...`, `eval=eval_9 ...` at the start (after an
#: optional `assign`): the mention says which id is the evaluation.
_LABEL: Final = re.compile(
    r"(\s*(?:assign\s+)?)(?:evaluation|eval)(?:[ _-]?id)?(?:\s*[:=]\s*|\s+)(?=\S)", re.IGNORECASE
)
HOW_TO_NAME: Final = (
    "start with `evaluation` and its id (`evaluation eval_123 t1 t2 to @alice`) or paste the "
    "evaluation's link"
)


class ChooseEvaluation(UsageError):
    """The thread names several evaluations and the mention none of them: ask which.

    `evaluations` are the choices; answering with one reads `text` again with it.
    """

    def __init__(self, evaluations: tuple[str, ...], text: str) -> None:
        super().__init__(_several_question(evaluations))
        self.evaluations = evaluations
        self.text = text


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """The text without the bot's own mentions (`<@UBOT>` or `<@UBOT|name>`), anywhere."""
    if not bot_user_id:
        return text.strip()
    own = re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]*)?>")
    return own.sub(" ", text).strip()


def parse_mention(
    text: str,
    *,
    max_ids: int,
    thread: Extracted | None,
    hosts: Collection[str] = ids.DEFAULT_PLATFORM_HOSTS,
) -> Command:
    """Read a mention's text (bot mention already stripped); raise UsageError when it is none.

    `thread` is what the first message of the mention's thread names; None outside a thread.
    Raises ChooseEvaluation when the thread names several evaluations and the text none.
    `hosts` (ASSIGN_PLATFORM_HOSTS) are the platform's: an evaluation link to another host is
    refused, naming it, even in a thread (never silently replaced by the thread's evaluation).
    """
    labelled = _LABEL.match(text)
    if labelled is not None:  # `evaluation eval_9 t1 to me`: the first id is the evaluation
        return parse(labelled.group(1) + text[labelled.end() :], max_ids=max_ids, hosts=hosts)
    first = _first_word(text)
    if thread is None or _is_subcommand(first) or _is_link(first):
        return parse(text, max_ids=max_ids, hosts=hosts)
    evaluations = thread.evaluation_ids or ((thread.evaluation_id,) if thread.evaluation_id else ())
    if first in evaluations:
        return parse(text, max_ids=max_ids, evaluation_id=first, hosts=hosts)
    if len(evaluations) == 1:
        return parse(text, max_ids=max_ids, evaluation_id=evaluations[0], hosts=hosts)
    if evaluations:
        raise ChooseEvaluation(evaluations, text)
    raise UsageError(_none_answer(first, thread))


def answer_choice(
    text: str,
    evaluation_id: str,
    *,
    max_ids: int,
    hosts: Collection[str] = ids.DEFAULT_PLATFORM_HOSTS,
) -> Command:
    """The mention's text read again once the person picked `evaluation_id` (a button)."""
    return parse(text, max_ids=max_ids, evaluation_id=evaluation_id, hosts=hosts)


def _first_word(text: str) -> str:
    """The word a command starts with, past an optional `assign` (as the grammar skips it)."""
    words = [w.strip(_QUOTES) for w in _WORD_SEPARATORS.split(text) if w.strip(_QUOTES)]
    if words and words[0].lower() == "assign":
        words = words[1:]
    return words[0] if words else ""


def _is_link(word: str) -> bool:
    """An evaluation link on any host: the mention names its evaluation (a foreign host's
    link is then refused by `parse`, not taken as a task id of the thread's evaluation)."""
    return "/" in word and ids.evaluation_id_from(word) is not None


def _is_subcommand(word: str) -> bool:
    """Help, link, ... have nothing to do with the thread's evaluation."""
    name = word.lower().rstrip("?!.")
    return not name or name in SUBCOMMANDS


def _several_question(evaluations: tuple[str, ...]) -> str:
    shown = ", ".join(f"`{e}`" for e in evaluations[:_SHOWN_EVALUATIONS])
    more = len(evaluations) - _SHOWN_EVALUATIONS
    if more > 0:
        shown += f" and {more} more"
    return (
        f"This thread's first message names several evaluations ({shown}). Which one are "
        f"these tasks in? Pick it below, or mention me again and start with its id: "
        f"`{evaluations[0]} t1 t2 to @alice`."
    )


def _none_answer(first: str, thread: Extracted) -> str:
    """Why the bot will not guess, and how to say which id is the evaluation."""
    if first and first in thread.task_ids:
        said = f"lists {_quote(first)} as a task but names no evaluation"
    else:
        said = "names no evaluation I can read"
    return (
        f"This thread's first message {said}, so I can't tell which of your ids is the "
        f"evaluation. To say which, {HOW_TO_NAME}."
    )


def _quote(word: str) -> str:
    return f"`{word[:40]}`"
