"""Links in a notification: the platform's name evaluations and tasks; all are then taken out
of the text, leaving a link's label, so nothing in a URL is read as a word.

A platform link leaves a marker where it stood (`TASK_MARK` or `EVALUATION_MARK`, the id, then
`END_MARK`: private-use characters, removed from the input first), so what links name is read
in the order written, among the other ids of the text.

Only links to the platform's app (the hosts given) count: a link to an issue tracker that
happens to have `/evaluations/` in its path is none of the bot's business.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final
from urllib.parse import unquote, urlsplit

from bot.core.ids import ANY_HOST, DEFAULT_PLATFORM_HOSTS, is_valid_id

#: The platform's app (ASSIGN_PLATFORM_HOSTS, by default): one default, kept in `core.ids`.
DEFAULT_APP_HOSTS: Final = DEFAULT_PLATFORM_HOSTS

#: Slack's markup: `<url|label>`, `<url>`, `<@U1>`, `<#C1|name>`, `<!here>`.
_MARKUP: Final = re.compile(r"<([^<>|\n]*)(?:\|([^<>\n]*))?>")
_BARE_URL: Final = re.compile(r"https?://[^\s<>|`\"']+", re.IGNORECASE)
_URL_TRAILING: Final = ".,;:!?)]}*_~"


TASK_MARK: Final = "\ue000"
EVALUATION_MARK: Final = "\ue001"
END_MARK: Final = "\ue002"
_MARKS: Final = str.maketrans(dict.fromkeys(map(ord, TASK_MARK + EVALUATION_MARK + END_MARK)))


def replace_links(text: str, hosts: Collection[str]) -> str:
    """`text` with every link replaced by its label, and each platform link by markers."""
    allowed = frozenset(host.lower() for host in hosts)

    def markup(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2) or ""
        if target[:1] in "@#!":
            return " "  # a person, a channel or a special: never an id, never echoed
        return f" {label} {_marks(target, allowed)} "

    def bare(match: re.Match[str]) -> str:
        url = match.group(0)
        kept = url.rstrip(_URL_TRAILING)
        return f" {_marks(kept, allowed)} {url[len(kept) :]}"

    return _BARE_URL.sub(bare, _MARKUP.sub(markup, text.translate(_MARKS)))


def _marks(url: str, allowed: frozenset[str]) -> str:
    """The markers for what a platform link points at; nothing for any other link."""
    found = platform_ids(url, allowed)
    if found is None:
        return ""
    evaluation, task = found
    marks = f"{EVALUATION_MARK}{evaluation}{END_MARK}"
    return marks + (f" {TASK_MARK}{task}{END_MARK}" if task is not None else "")


def platform_ids(url: str, hosts: Collection[str]) -> tuple[str, str | None] | None:
    """(evaluation, task or None) of `.../evaluations/<id>[/tasks/<id>]` on an allowed host.

    `hosts` are lower-case host names; `*` among them allows any host.
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not (host in hosts or ANY_HOST in hosts):
        return None
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    lowered = [segment.lower() for segment in segments]
    if "evaluations" not in lowered:
        return None
    at = lowered.index("evaluations")
    evaluation = segments[at + 1] if at + 1 < len(segments) else ""
    if not is_valid_id(evaluation):
        return None
    rest = lowered[at + 2 :]
    task = None
    if len(rest) >= 2 and rest[0] == "tasks" and is_valid_id(segments[at + 3]):
        task = segments[at + 3]
    return evaluation, task
