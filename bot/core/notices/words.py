"""Which words of a notification can be ids: the shape of an id, and the words that never are.

Notifications are written for people, so ids sit among sentence punctuation, emphasis,
statuses, counts and ordinary words. An id read with its period kept (`eval_77.`) is sent to
the platform and fails there; a status read as an id is worse. So every candidate word is
cleaned the same way here, and classified once.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final, NamedTuple

from bot.core.ids import is_valid_id

#: Around a word, never part of it: brackets, quotes, emphasis (`*bold*`, `_italic_`,
#: `~strike~`), a `#` before a number. Ids start with a letter or digit, so stripping the
#: start is safe; at the end, `.` `:` `_` `-` are sentence punctuation or emphasis, not id.
_LEADING: Final = "([{<\"'`*_~#\u201c\u2018\u00ab"
_TRAILING: Final = ")]}>\"'`*_~.,;:!?\u201d\u2019\u00bb-"
#: `PENDING`, `EVALUATION_AUDIT`: statuses and task types as enums, never ids.
_ENUM: Final = re.compile(r"[A-Z][A-Z_]+")
#: Numbers, dates, times, versions, priorities, ordinals, durations, sizes: never ids.
_NOT_ID: Final = re.compile(
    r"[\d.,:/+-]+"
    r"|[pvq]\d+"
    r"|\d+(?:st|nd|rd|th|s|m|h|d|w|k|x|min|mins|hr|hrs|ms|sec|secs|days?|weeks?|pct)"
    r"|(?:evaluation|contributor)_[a-z_]+",
    re.IGNORECASE,
)
#: `:white_check_mark:` (its closing colon may have been cleaned off as punctuation).
_EMOJI: Final = re.compile(r":[a-z0-9_+'-]+:?")
#: `@alice`, and the markers a platform link leaves (`notices.links`).
_SKIPPED_STARTS: Final = "@\ue000\ue001"
_HAS_LETTER: Final = re.compile(r"[A-Za-z]")
_HAS_DIGIT_OR_UNDERSCORE: Final = re.compile(r"[\d_]")

#: Status words (the platform's and the ones people write) and words that read as a value.
STATUS_WORDS: Final = frozenset(
    """
    pending pending_redo not_ready completed complete fixed done ready waiting assigned
    unassigned open opened closed new failed failing blocked in_progress inprogress todo to_do
    skipped expired expiring active inactive archived draft running queued success succeeded
    error errored cancelled canceled approved rejected review reviewed none null nil n/a na tbd
    yes no true false high low medium normal urgent critical annotation audit annotated
    """.split()  # noqa: SIM905 (a list of words, easier to read as words)
)
#: Ordinary words that come next to ids in notifications; a list of ids stops at them.
ORDINARY_WORDS: Final = frozenset(
    """
    a an the and or of in on at to for from by with without is are was were be been being
    has have had need needs needed please see below above here there this that these those it
    its all any some each every more less than then now today tomorrow yesterday asap soon
    task tasks evaluation evaluations eval evals id ids item items total left remaining count
    via per into onto over under about after before until by due thanks thank you hi hello team
    can could should would will may might must do does did not but so if as up out
    """.split()  # noqa: SIM905 (a list of words, easier to read as words)
)


class Kind(Enum):
    """What a word is to a reader of ids."""

    ID = "id"  # looks like an id wherever it stands
    WORD = "word"  # an id only where the text says so (a label with "id", code, a table)
    SKIP = "skip"  # a status, count, enum or emoji: read past it in a list
    STOP = "stop"  # an ordinary word or no id at all: a list of ids ends here


class Word(NamedTuple):
    """A word cleaned of what surrounds it; `code` when it was in backticks."""

    text: str
    code: bool
    #: It ended a sentence (`t2.`): a list stops after it.
    ends_sentence: bool
    #: It ended with a colon (`status:`): the label of what follows, when it is no id.
    ends_label: bool = False


def clean(raw: str) -> Word:
    """The word without brackets, quotes, emphasis and sentence punctuation around it."""
    code = raw.startswith("`") or raw.endswith("`")
    stripped = raw.rstrip(_TRAILING)
    tail = raw[len(stripped) :]
    ends = any(c in ".!?" for c in tail)
    return Word(stripped.lstrip(_LEADING).rstrip(_TRAILING), code, ends, ":" in tail)


def kind(text: str) -> Kind:
    """Classify a cleaned word (see Kind)."""
    if not text or text[0] in _SKIPPED_STARTS or _EMOJI.fullmatch(text):
        return Kind.SKIP  # nothing, a person (`@alice`), a link's marker or an emoji
    lowered = text.lower()
    if lowered in STATUS_WORDS or _ENUM.fullmatch(text) or _NOT_ID.fullmatch(text):
        return Kind.SKIP
    if lowered in ORDINARY_WORDS or not is_valid_id(text) or not _HAS_LETTER.search(text):
        return Kind.STOP
    if _HAS_DIGIT_OR_UNDERSCORE.search(text):
        return Kind.ID
    return Kind.WORD


def accepted(word: Word, *, loose: bool) -> bool:
    """Whether a cleaned word is taken as an id: id-shaped, or a plain word where the text
    says ids are (`loose`: a label that says "id", a table column) or in code."""
    found = kind(word.text)
    if found is Kind.ID:
        return True
    if found is Kind.WORD:
        return loose or word.code
    # `Task ids: 1001, 1002`: numbers are ids only where the label says so.
    return loose and word.text.isdigit() and is_valid_id(word.text)
