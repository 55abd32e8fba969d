"""Safe pieces of Slack mrkdwn: user text is escaped so it can never ping or link."""

from __future__ import annotations

import re
from datetime import datetime

SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75

_SLACK_ID = re.compile(r"[A-Z0-9]{1,32}")


def escape(text: str) -> str:
    """Slack's three control characters; `<!channel>` typed by a user then stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Inline code for an id; backticks inside would end the span, so they are dropped."""
    return f"`{escape(text).replace('`', '')}`"


def user(user_id: str) -> str:
    """A mention of a Slack user id; anything not shaped like one is shown as code instead."""
    if _SLACK_ID.fullmatch(user_id) is None:
        return code(user_id)
    return f"<@{user_id}>"


def link(url: str, label: str) -> str:
    """A link with a label; the URL cannot end the markup early or open another one."""
    target = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{target}|{escape(label)}>"


def date(moment: datetime) -> str:
    """A date each reader sees in their own time zone, with a UTC fallback for old clients."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def truncate(text: str, limit: int) -> str:
    """Cut to a Slack length limit, marking the cut so nobody mistakes it for the whole."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def id_list(ids: list[str] | tuple[str, ...], shown: int) -> str:
    """The first few ids as code, and how many more there are."""
    head = ", ".join(code(task_id) for task_id in ids[:shown])
    rest = len(ids) - shown
    return f"{head} and {rest:,} more" if rest > 0 else head
