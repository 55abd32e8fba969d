"""Lists of ids as notifications write them: after a label or a colon, joined with commas,
`and` or new lines, as bullets or numbers, with statuses and notes beside the ids.

A list is read word by word: an id is kept, a status, count or emoji is read past, and the
first ordinary word (or the end of a sentence) ends the list, so "Tasks: t1 and t2 are
waiting. Due Friday." yields `t1`, `t2` and nothing of the prose after them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bot.core.notices.words import Kind, accepted, clean, kind

_SPLIT: Final = re.compile(r"[\s,;/|+]+")
#: A word of a list, or a whole bracket (read as one piece); lazily, so a list that ends
#: early costs only what was read of it.
_PIECE: Final = re.compile(r"\([^()\n]*\)|[^\s,;/|+()]+")
_JOINERS: Final = frozenset({"and", "or", "&", "plus", "\u2022", "-", "\u2013"})
#: A list item: a bullet (`-`, `*`, `•`, ...) or a number (`1.`, `2)`), then its text.
_ITEM: Final = re.compile(r"\s*(?:[-*\u2022\u25e6\u25aa\u2023\u2013\u00b7>]|\(?\d{1,4}[.)])\s+(.*)")


def read_list(text: str, start: int = 0, *, loose: bool = False) -> list[str]:
    """The ids listed in `text` from `start`, up to the first word that ends the list.

    Brackets that hold only ids are read (`(t1, t2)`); any other bracket (`(in review)`) is a
    note and skipped whole. `loose`: plain words and numbers count, as under `Task ids:`.
    """
    found: list[str] = []
    for piece in _PIECE.finditer(text, start):
        raw = piece.group(0)
        if raw.startswith("("):
            found.extend(_bracket(raw[1:-1], loose))
            continue
        if raw.lower() in _JOINERS:
            continue
        word = clean(raw)
        if word.ends_label and kind(word.text) is Kind.WORD:
            break  # the next field's label: `"status": ...`
        if accepted(word, loose=loose):
            found.append(word.text)
        elif kind(word.text) is not Kind.SKIP:
            break
        if word.ends_sentence:
            break
    return found


def _bracket(inner: str, loose: bool) -> list[str]:
    """A bracket's ids when it holds ids only; a note (`(in review)`) is skipped whole."""
    words = [clean(w) for w in _SPLIT.split(inner) if w and w.lower() not in _JOINERS]
    if words and all(accepted(word, loose=loose) for word in words):
        return [word.text for word in words]
    return []


def item_text(line: str) -> str | None:
    """The text of a list item (`- t1`, `2. t2`), or None when the line is no item."""
    match = _ITEM.fullmatch(line)
    return match.group(1) if match else None


def read_items(lines: Sequence[str], start: int, *, loose: bool = False) -> list[str]:
    """Ids of the list that starts at `lines[start]`: bullets, numbers, or bare ids one per
    line; it ends at a blank line or a line that starts with no id."""
    found: list[str] = []
    while start < len(lines) and not lines[start].strip():
        start += 1  # a blank line between a heading and its list
    for index in range(start, len(lines)):  # no slice: a copy per heading would be quadratic
        line = lines[index]
        if not line.strip():
            break
        item = item_text(line)
        ids = read_list(item if item is not None else line, loose=loose)
        if item is None and not ids:
            break
        found.extend(ids)
    return found
