"""The modal form's fields read into core values, or a problem worded for the field it is on.

Pure: no Slack, no I/O. A modal shows input errors as plain text under the input, so problems
here are plain text (no mrkdwn), and name the offending ids so a person can fix them.
Text inputs arrive as typed, not Slack-escaped: `<` is `<`, not `&lt;`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from typing import Final

from pydantic import BaseModel, ConfigDict

from bot.core import ids
from bot.core.plan import dedupe
from bot.core.query import NextTasks, UnassignedTasks

NOTE_MAX_LENGTH: Final = 500
#: Slack's own limit of a plain_text_input; longer lists go in a file.
TEXT_MAX_LENGTH: Final = 3000
BAD_IDS_NAMED: Final = 5
_SHOWN_LENGTH: Final = 40
_SEPARATORS_RE: Final = re.compile(r"[\s,;]+")
_WRAPPERS: Final = "\"'`()[]{}\u201c\u201d\u2018\u2019\u00ab\u00bb"
_CONNECTORS: Final = frozenset({"and", "&", "+"})


class Draft(BaseModel):
    """Where a form was opened, kept in Redis under the key its private_metadata carries.

    `channel_id`/`thread_ts`: the conversation (and message thread) it came from, the summary's
    default home. `task_ids`: ids read from a message, too many to pre-fill the text input.
    """

    model_config = ConfigDict(frozen=True)

    team_id: str
    requester_id: str
    channel_id: str | None = None
    thread_ts: str | None = None
    task_ids: tuple[str, ...] = ()


class FieldProblem(ValueError):
    """A field that cannot be used as given; `message` is plain text for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def shown(token: str) -> str:
    """A token quoted for plain text, short enough that one bad paste stays readable."""
    text = " ".join(token.split())
    if len(text) > _SHOWN_LENGTH:
        text = text[: _SHOWN_LENGTH - 1] + "\u2026"
    return f"\u201c{text}\u201d"


def plain_rule(text: str) -> str:
    """An ids rule written for mrkdwn (`code` spans), readable as plain text."""
    return text.replace("`", '"')


def split_ids(text: str) -> list[str]:
    """Words separated by spaces, commas, semicolons or new lines; quotes and `and` dropped."""
    words = (word.strip(_WRAPPERS) for word in _SEPARATORS_RE.split(text))
    return [word for word in words if word and word.lower() not in _CONNECTORS]


def bad_ids_problem(bad: Sequence[str], total: int | None = None, prefix: str = "") -> FieldProblem:
    """Name the first few invalid ids (of `total`, default all of `bad`) and the rule broken."""
    count = len(bad) if total is None else total
    named = ", ".join(shown(token) for token in bad[:BAD_IDS_NAMED])
    more = f" and {count - BAD_IDS_NAMED:,} more" if count > BAD_IDS_NAMED else ""
    what = "is not a valid task id" if count == 1 else "are not valid task ids"
    rule = ids.id_problem(bad[0]) if count == 1 else None
    reason = plain_rule(rule or ids.ID_RULE)
    return FieldProblem(f"{prefix}{named}{more} {what}: {reason}.")


def read_evaluation(text: str | None, hosts: Collection[str] = ids.DEFAULT_PLATFORM_HOSTS) -> str:
    """The evaluation id from an id or a link to the evaluation on the platform's `hosts`
    (ASSIGN_PLATFORM_HOSTS, `*` for any); a link to another host is refused, naming it."""
    value = (text or "").strip()
    if not value:
        raise FieldProblem("Enter the evaluation id (like eval_123) or paste its link.")
    evaluation_id = ids.evaluation_id_from(value, hosts)
    if evaluation_id is not None:
        return evaluation_id
    foreign = ids.link_host_problem(value, hosts)
    if foreign is not None:
        raise FieldProblem(f"{shown(value)} can't be used: {foreign}.")
    if "/" in value:
        reason = "a link needs an /evaluations/<id> part"
    else:
        reason = plain_rule(ids.id_problem(value) or ids.ID_RULE)
    raise FieldProblem(f"{shown(value)} is not an evaluation id or link: {reason}.")


def read_task_ids(text: str | None) -> list[str]:
    """Task ids as typed (duplicates kept: `combine` counts them); every one must be valid."""
    tokens = split_ids(text or "")
    bad = [token for token in tokens if not ids.is_valid_id(token)]
    if bad:
        raise bad_ids_problem(bad)
    return tokens


def combine(sources: Iterable[Sequence[str]], max_ids: int) -> tuple[tuple[str, ...], int]:
    """All ids in the order given, each once, and how many repeats were dropped."""
    task_ids, dropped = dedupe([task_id for source in sources for task_id in source])
    if not task_ids:
        raise FieldProblem("Enter task ids, or attach a .txt or .csv file of them.")
    if len(task_ids) > max_ids:
        raise FieldProblem(
            f"{len(task_ids):,} task ids is more than the {max_ids:,} one request may hold; "
            "split the list into several requests."
        )
    return task_ids, dropped


#: The form's choices of tasks picked on the platform (a static_select's option values).
PICK_NEXT: Final = "next"
PICK_UNASSIGNED: Final = "unassigned"


class PickProblem(FieldProblem):
    """A problem with the pick; `on_count` puts it under the count input rather than the pick."""

    def __init__(self, message: str, *, on_count: bool) -> None:
        super().__init__(message)
        self.on_count = on_count


def read_pick(
    choice: str | None, count: str | None, max_ids: int
) -> NextTasks | UnassignedTasks | None:
    """The form's "pick tasks for me" input and its count -> a query, None when not used.

    A count without a choice means the next that many tasks: typing a number says enough.
    """
    text = (count or "").strip()
    number: int | None = None
    if text:
        if not text.isascii() or not text.isdigit() or not 1 <= int(text[:9]) <= max_ids:
            raise PickProblem(f"Enter a whole number from 1 to {max_ids:,}.", on_count=True)
        number = int(text)
    if choice == PICK_UNASSIGNED:
        if number is not None:
            raise PickProblem(
                "Every pending task takes no count: clear it, or pick the next pending tasks.",
                on_count=True,
            )
        return UnassignedTasks()
    if choice == PICK_NEXT or (choice is None and number is not None):
        if number is None:
            raise PickProblem("How many of the next pending tasks? Enter a number.", on_count=True)
        return NextTasks(count=number)
    if choice is not None:
        raise PickProblem("Pick one of the options, or clear it to use task ids.", on_count=False)
    return None


def read_note(text: str | None) -> str | None:
    """An optional note for the summary and the assignees' messages; blank is none."""
    note = (text or "").strip()
    if not note:
        return None
    if len(note) > NOTE_MAX_LENGTH:
        raise FieldProblem(
            f"The note is {len(note):,} characters; keep it to {NOTE_MAX_LENGTH} or fewer."
        )
    return note


def prefill(task_ids: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """Ids found in a message: as text for the input when they fit, else carried in the draft."""
    if not task_ids:
        return None, ()
    text = "\n".join(task_ids)
    if len(text) <= TEXT_MAX_LENGTH:
        return text, ()
    return None, tuple(task_ids)
