"""A Slack message -> the text a reader of ids reads: its text, its Block Kit (rich text
included), its attachments and their fields, and files such as a forwarded email.

Every shape is accepted, and anything unexpected is skipped, never an error: messages come
from other bots and integrations the bot knows nothing about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

#: Keys whose string values are text a person reads (or a link they follow).
_TEXT_KEYS: Final = frozenset(
    {"text", "pretext", "title", "title_link", "footer", "url", "subject", "plain_text", "preview"}
)
_RICH_LINES: Final = frozenset({"rich_text_section", "rich_text_quote"})
#: Deeper than this is no message a person wrote: a hostile payload stops here.
_MAX_DEPTH: Final = 24


def message_texts(message: Mapping[str, Any]) -> Iterator[str]:
    """The message's pieces of text, in reading order: text, blocks, attachments, files."""
    text = message.get("text")
    if isinstance(text, str):
        yield text
    for key in ("blocks", "attachments", "files"):
        yield from _texts(message.get(key), 0)


def _texts(node: Any, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _texts(item, depth + 1)
    elif isinstance(node, Mapping):
        yield from _mapping_texts(node, depth)


def _mapping_texts(node: Mapping[str, Any], depth: int) -> Iterator[str]:
    kind = node.get("type")
    if kind in _RICH_LINES:
        yield _rich_line(node.get("elements"))
        return
    if kind == "rich_text_list":
        for item in _list_of(node.get("elements")):
            yield "- " + _rich_line(item.get("elements") if isinstance(item, Mapping) else None)
        return
    if kind == "rich_text_preformatted":
        yield "```\n" + _rich_line(node.get("elements"), code=False) + "\n```"
        return
    title, value = node.get("title"), node.get("value")
    if isinstance(title, str) and isinstance(value, str):  # an attachment's field
        yield f"{title}:\n{value}" if "\n" in value else f"{title}: {value}"
        return
    if isinstance(node.get("fallback"), str) and not _has_content(node):
        yield node["fallback"]  # an attachment that is only its fallback
    for key, value in node.items():
        if isinstance(value, str):
            if key in _TEXT_KEYS:
                yield value
        else:
            yield from _texts(value, depth + 1)


def _has_content(attachment: Mapping[str, Any]) -> bool:
    return any(attachment.get(key) for key in ("text", "fields", "blocks", "title"))


def _list_of(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _rich_line(elements: Any, *, code: bool = True) -> str:
    """A rich text line's pieces joined, written as mrkdwn: code in backticks, bold in stars,
    links as Slack's `<url|label>`."""
    return "".join(_inline(element, code) for element in _list_of(elements))


def _inline(element: Any, code: bool) -> str:
    if not isinstance(element, Mapping):
        return ""
    kind = element.get("type")
    raw = element.get("text")
    text = raw if isinstance(raw, str) else ""
    if kind == "link" and isinstance(element.get("url"), str):
        url = element["url"]
        if any(c in url for c in "<>|\n"):
            return f" {text} "
        return f"<{url}|{text}>" if text else f"<{url}>"
    if kind == "emoji" and isinstance(element.get("name"), str):
        return f":{element['name']}:"
    if kind in ("user", "channel", "usergroup", "broadcast"):
        return " "
    style = element.get("style")
    if isinstance(style, Mapping) and text.strip():
        if code and style.get("code"):
            return f"`{text}`"
        if style.get("bold"):
            return f"*{text}*"
    return text
