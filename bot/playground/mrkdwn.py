"""Slack's text formats as HTML: mrkdwn, plain text and rich text elements.

Every character of the input is escaped; the only markup out is the fixed tags written here
(a user's `<script>` is shown, never run). Links keep only http(s) and mailto addresses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

#: Slack user id -> the name shown for a mention (the playground's people, the bot).
Names = Callable[[str], str]

EMOJI: Final = {
    "white_check_mark": "\u2705",
    "warning": "\u26a0\ufe0f",
    "x": "\u274c",
    "leftwards_arrow_with_hook": "\u21a9\ufe0f",
    "hourglass_flowing_sand": "\u23f3",
    "grey_question": "\u2754",
    "wave": "\U0001f44b",
    "tada": "\U0001f389",
    "bell": "\U0001f514",
    "memo": "\U0001f4dd",
    "link": "\U0001f517",
    "eyes": "\U0001f440",
}
SAFE_SCHEMES: Final = ("http://", "https://", "mailto:")

_TOKEN = re.compile(r"<([^<>\n]+)>")
_CODE_BLOCK = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_STYLES: Final = (
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])"), "del"),
)
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_HOLE = "\x00"


def escape(text: str) -> str:
    """Text as HTML content or a quoted attribute value."""
    return html.escape(text, quote=True)


def safe_href(url: str) -> str | None:
    """The address if a browser may follow it (no javascript:, data: or relative links)."""
    url = url.strip()
    return url if url.lower().startswith(SAFE_SCHEMES) else None


def link(url: str, label: str | None = None) -> str:
    """An anchor for a safe address; otherwise the label (or address) as plain text."""
    href = safe_href(url)
    shown = escape(label or url)
    if href is None:
        return shown
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">{shown}</a>'


def mention(user_id: str, names: Names) -> str:
    return f'<span class="mention">@{escape(names(user_id))}</span>'


def emoji(text: str) -> str:
    """`:name:` codes as their characters (on text already escaped: codes have no markup)."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def plain(text: str, use_emoji: bool = True) -> str:
    """A plain_text object: escaped, line breaks kept."""
    shown = escape(text)
    return (emoji(shown) if use_emoji else shown).replace("\n", "<br>")


def mrkdwn(text: str, names: Names) -> str:
    """Slack mrkdwn as HTML: <links|labels>, <@mentions>, <#channels>, *bold*, _italic_,
    ~strike~, `code`, ```blocks```, > quotes, :emoji: and line breaks."""
    holes: list[str] = []

    def hold(markup: str) -> str:
        holes.append(markup)
        return f"{_HOLE}{len(holes) - 1}{_HOLE}"

    text = text.replace(_HOLE, "")
    text = _TOKEN.sub(lambda m: hold(_token(m.group(1), names)), text)
    text = escape(html.unescape(_only_slack_entities(text)))
    text = _CODE_BLOCK.sub(lambda m: hold(f"<pre>{m.group(1).strip(chr(10))}</pre>"), text)
    text = _CODE.sub(lambda m: hold(f"<code>{m.group(1)}</code>"), text)
    for pattern, tag in _STYLES:
        text = pattern.sub(f"<{tag}>\\1</{tag}>", text)
    text = _quotes(emoji(text)).replace("\n", "<br>")
    while _HOLE in text:  # a code block may hold a link: holes within holes
        text = re.sub(f"{_HOLE}(\\d+){_HOLE}", lambda m: holes[int(m.group(1))], text)
    return text


def _only_slack_entities(text: str) -> str:
    """Slack escapes only &, < and >; any other entity is literal text and stays so."""
    return re.sub(r"&(?!(?:amp|lt|gt);)", "&amp;", text)


def _quotes(text: str) -> str:
    """Lines starting with `> ` (escaped by now) as a quote."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if line.startswith("&gt; ") or line == "&gt;":
            out.append(f'<span class="quote">{line[5:]}</span>')
        else:
            out.append(line)
    return "\n".join(out)


def _token(inner: str, names: Names) -> str:
    """One `<...>`: a mention, a channel, a special mention or a link."""
    target, _, label = inner.partition("|")
    target, label = html.unescape(target), html.unescape(label)
    if target.startswith("@"):
        return mention(target[1:], names)
    if target.startswith("#"):
        return f'<span class="mention">#{escape(label or target[1:])}</span>'
    if target.startswith("!date^"):  # a date in the reader's time zone: here, its fallback
        return escape(label or target)
    if target.startswith("!subteam^"):
        return f'<span class="mention">{escape(label or "@group")}</span>'
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        return f'<span class="mention">@{escape(label or word)}</span>'
    if safe_href(target) is None:  # not a link Slack would draw: the text as typed
        return escape(f"<{inner}>")
    return link(target, label or None)


def rich_text(block: Mapping[str, Any], names: Names) -> str:
    """A rich_text block: sections, lists, preformatted and quoted parts."""
    return "".join(_rich_part(part, names) for part in _dicts(block.get("elements")))


def _rich_part(part: Mapping[str, Any], names: Names) -> str:
    kind = part.get("type")
    inner = "".join(_rich_element(e, names) for e in _dicts(part.get("elements")))
    if kind == "rich_text_preformatted":
        return f"<pre>{inner}</pre>"
    if kind == "rich_text_quote":
        return f"<blockquote>{inner}</blockquote>"
    if kind == "rich_text_list":
        tag = "ol" if part.get("style") == "ordered" else "ul"
        items = "".join(
            f"<li>{''.join(_rich_element(e, names) for e in _dicts(item.get('elements')))}</li>"
            for item in _dicts(part.get("elements"))
        )
        return f"<{tag}>{items}</{tag}>"
    return f"<div>{inner}</div>"


def _rich_element(element: Mapping[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "text":
        shown = plain(str(element.get("text", "")), use_emoji=False)
    elif kind == "link":
        shown = link(str(element.get("url", "")), str(element.get("text") or "") or None)
    elif kind == "user":
        shown = mention(str(element.get("user_id", "")), names)
    elif kind == "channel":
        shown = f'<span class="mention">#{escape(str(element.get("channel_id", "")))}</span>'
    elif kind == "emoji":
        name = str(element.get("name", ""))
        shown = EMOJI.get(name, escape(f":{name}:"))
    elif kind == "broadcast":
        shown = f'<span class="mention">@{escape(str(element.get("range", "here")))}</span>'
    else:
        shown = escape(str(element.get("text", "")))
    return _styled(shown, element.get("style"))


def _styled(shown: str, style: Any) -> str:
    if not isinstance(style, Mapping):
        return shown
    for key, tag in (("code", "code"), ("bold", "strong"), ("italic", "em"), ("strike", "del")):
        if style.get(key):
            shown = f"<{tag}>{shown}</{tag}>"
    return shown


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
