"""Evaluation and task ids named in a notification message, for the shortcut and thread mentions.

Notifications are written by people, by the platform and by other bots, so the reading is
broad (`bot.core.notices`: links, labelled fields, prose, lists, tables, rich text,
attachments) and the answer is strict: only valid ids come out, never a status, a count or an
ordinary word, and when a message names several evaluations none of them is picked
(`evaluation_id` is None): the caller asks which.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.core.ids import is_valid_id
from bot.core.notices.lines import read_text
from bot.core.notices.links import DEFAULT_APP_HOSTS, replace_links
from bot.core.notices.message import message_texts

#: Reading stops here: a notification is small, and an attacker's payload must stay cheap.
MAX_TEXT: Final = 200_000
_WORD_CHARS: Final = re.compile(r"[^\s,;`|<>]*")

__all__ = [
    "DEFAULT_APP_HOSTS",
    "MAX_TEXT",
    "Extracted",
    "extract_from_message",
    "extract_from_text",
]


@dataclass(frozen=True)
class Extracted:
    #: The evaluation, when the message names exactly one.
    evaluation_id: str | None
    task_ids: tuple[str, ...]
    #: Every distinct evaluation named, so a caller can ask which rather than guess.
    evaluation_ids: tuple[str, ...] = ()

    @property
    def several(self) -> bool:
        return len(self.evaluation_ids) > 1


def extract_from_message(
    message: Mapping[str, Any], hosts: Collection[str] = DEFAULT_APP_HOSTS
) -> Extracted:
    """Read the message's text, blocks, attachments and files, in that order.

    `hosts`: the platform app's host names, whose links name evaluations and tasks.
    """
    kept: list[str] = []
    size = 0
    for part in message_texts(message):
        if size >= MAX_TEXT:
            break
        kept.append(_cut(part, MAX_TEXT - size))
        size += len(kept[-1]) + 1
    return extract_from_text("\n".join(kept), hosts)


def extract_from_text(text: str, hosts: Collection[str] = DEFAULT_APP_HOSTS) -> Extracted:
    """Read one text (mrkdwn as Slack delivers it)."""
    # Slack's own markup first: a `<` a person typed arrives escaped, and stays text.
    text = replace_links(_cut(text, MAX_TEXT), hosts)
    reading = read_text(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    evaluations = _unique(reading.evaluations)
    tasks = _unique(reading.tasks)
    if not [t for t in tasks if t not in evaluations]:
        tasks = _unique(tasks + reading.spans)
    task_ids = tuple(t for t in tasks if t not in evaluations)
    only = evaluations[0] if len(evaluations) == 1 else None
    return Extracted(only, task_ids, tuple(evaluations))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, and never half a word: `t12345` cut to `t1` is another id."""
    if len(text) <= limit:
        return text
    kept = text[:limit]
    # The last word's length, matched on the reversed text: anchored, so linear (a search for
    # `word\Z` would backtrack quadratically on one long word followed by a separator).
    partial = _WORD_CHARS.match(kept[::-1])
    return kept[: limit - partial.end()] if partial else kept


def _unique(values: Iterable[str]) -> list[str]:
    """Each valid id once, in the order first named."""
    return [value for value in dict.fromkeys(values) if is_valid_id(value)]
