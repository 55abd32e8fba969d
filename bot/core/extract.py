"""Evaluation and task ids named in a notification message, for the shortcut and thread mentions.

Notifications name things in a few shapes, all accepted: links to the platform
(`.../evaluations/<id>`, `.../tasks/<id>`), labelled values (`Evaluation: eval_1`,
`Task ids: t1, t2`), and ids in inline code (`` `t1` ``). Labelled values and links win over
inline code, which is only a fallback because notifications also put statuses in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from bot.core.ids import evaluation_id_from, is_valid_id

_URL = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)
_TASK_IN_URL = re.compile(r"/tasks/([^/?#\s]+)", re.IGNORECASE)
_EVALUATION_LABEL = re.compile(r"\bevaluation(?:[ _]?id)?\s*[:=]\s*`?([^\s`,;]+)", re.IGNORECASE)
_TASKS_LABEL = re.compile(r"\btasks?(?:[ _]?ids?)?\s*[:=]\s*([^\n]*)", re.IGNORECASE)
_CODE = re.compile(r"`([^`\n]{1,128})`")
#: `PENDING`, `EVALUATION_AUDIT`: statuses and types that notifications put in code, not ids.
_ENUM = re.compile(r"^[A-Z][A-Z_]+$")
_SEPARATORS = re.compile(r"[\s,;`]+|\band\b")
#: Emphasis around a listed id (`*t1*`, `_t1_`); inside an id, `_` is part of it.
_EMPHASIS = "*_"
_WORD_CHARS = re.compile(r"[^\s,;`|<>]*")
_INLINE_TEXT_KEYS = ("text", "url")
_TEXT_KEYS = ("text", "fallback", "pretext", "title", "title_link", "value", "footer", "url")
#: Reading stops here: a notification is small, and an attacker's payload must stay cheap.
MAX_TEXT = 200_000


@dataclass(frozen=True)
class Extracted:
    evaluation_id: str | None
    task_ids: tuple[str, ...]
    #: Every distinct evaluation named, so a caller can refuse to guess between several.
    evaluation_ids: tuple[str, ...] = ()


def extract_from_message(message: Mapping[str, Any]) -> Extracted:
    """Read the message's text, blocks and attachments, in that order."""
    text = message.get("text")
    parts = chain(
        [text] if isinstance(text, str) else [],
        _texts(message.get("blocks")),
        _texts(message.get("attachments")),
    )
    kept: list[str] = []
    size = 0
    for part in parts:
        if size >= MAX_TEXT:
            break
        kept.append(_cut(part, MAX_TEXT - size))
        size += len(kept[-1]) + 1
    return extract_from_text("\n".join(kept))


def extract_from_text(text: str) -> Extracted:
    text = _cut(text, MAX_TEXT).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    evaluations = _unique(_evaluations(text))
    evaluation = evaluations[0] if evaluations else None
    tasks = _unique(_labelled_tasks(text) + _tasks_in_urls(text))
    if not tasks:
        tasks = _unique(
            code for code in _CODE.findall(text) if is_valid_id(code) and not _ENUM.match(code)
        )
    task_ids = tuple(t for t in tasks if t not in evaluations)
    return Extracted(evaluation, task_ids, tuple(evaluations))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, and never half a word: `t12345` cut to `t1` is another id."""
    if len(text) <= limit:
        return text
    kept = text[:limit]
    # The last word's length, matched on the reversed text: anchored, so linear (a search for
    # `word\Z` would backtrack quadratically on one long word followed by a separator).
    partial = _WORD_CHARS.match(kept[::-1])
    return kept[: limit - partial.end()] if partial else kept


def _evaluations(text: str) -> list[str]:
    found = [e for url in _URL.findall(text) if (e := evaluation_id_from(url)) and "/" in url]
    found += [m for m in _EVALUATION_LABEL.findall(text) if is_valid_id(m.strip("`*_"))]
    return [e.strip("`*_") for e in found]


def _labelled_tasks(text: str) -> list[str]:
    ids: list[str] = []
    for listed in _TASKS_LABEL.findall(text):
        tokens = (token.strip(_EMPHASIS) for token in _SEPARATORS.split(listed))
        ids.extend(token for token in tokens if token and is_valid_id(token))
    return ids


def _tasks_in_urls(text: str) -> list[str]:
    return [
        match
        for url in _URL.findall(text)
        for match in _TASK_IN_URL.findall(url)
        if is_valid_id(match)
    ]


def _texts(node: Any) -> Iterator[str]:
    """Strings of Block Kit and attachments; a rich text line's pieces are joined into one."""
    if isinstance(node, list):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, Mapping):
        if node.get("type") in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            yield "".join(_inline(element) for element in node.get("elements") or [])
            return
        for key, value in node.items():
            if not isinstance(value, str):
                yield from _texts(value)
            elif key in _TEXT_KEYS:
                yield value


def _inline(element: Any) -> str:
    if not isinstance(element, Mapping):
        return ""
    pieces = [element[k] for k in _INLINE_TEXT_KEYS if isinstance(element.get(k), str)]
    if element.get("style", {}).get("code") if isinstance(element.get("style"), Mapping) else False:
        return " ".join(f"`{piece}`" for piece in pieces)
    return " ".join(pieces)


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))
