"""Block Kit as HTML, the way Slack draws it: sections, fields, context, headers, dividers,
actions with buttons, rich text, images, files, and a modal's inputs.

User text never becomes markup: every string is escaped (`bot.playground.mrkdwn`). Buttons
carry what a click needs in data attributes; the page's script posts them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from bot.playground.mrkdwn import Names, escape, link, mrkdwn, plain, rich_text

#: A block's inputs: block_id -> the error Slack shows under it (response_action "errors").
Errors = Mapping[str, str]

#: Choices for the user and conversation pickers of a modal: (id, name).
Choices = list[tuple[str, str]]

BUTTON_STYLES: Final = ("primary", "danger")


def text_object(obj: Any, names: Names) -> str:
    """A text object (mrkdwn or plain_text) as HTML; anything else as nothing."""
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn(text, names) if obj.get("type") == "mrkdwn" else plain(text)


def blocks_html(
    blocks: Any,
    names: Names,
    *,
    errors: Errors | None = None,
    people: Choices | None = None,
    channels: Choices | None = None,
) -> str:
    """Every block, in order; an unknown block type is named rather than dropped."""
    if not isinstance(blocks, list):
        return ""
    pickers = _Pickers(people or [], channels or [])
    return "".join(
        block_html(block, names, errors or {}, pickers)
        for block in blocks
        if isinstance(block, Mapping)
    )


class _Pickers:
    def __init__(self, people: Choices, channels: Choices) -> None:
        self.people = people
        self.channels = channels


def block_html(
    block: Mapping[str, Any], names: Names, errors: Errors, pickers: _Pickers | None = None
) -> str:
    kind = str(block.get("type", ""))
    if kind == "section":
        return _section(block, names)
    if kind == "context":
        parts = [_context_element(e, names) for e in _list(block.get("elements"))]
        return f'<div class="bk-context">{" ".join(parts)}</div>'
    if kind == "header":
        return f'<h3 class="bk-header">{text_object(block.get("text"), names)}</h3>'
    if kind == "divider":
        return '<hr class="bk-divider">'
    if kind == "actions":
        buttons = "".join(_element(e, block, names) for e in _list(block.get("elements")))
        return f'<div class="bk-actions">{buttons}</div>'
    if kind == "rich_text":
        return f'<div class="bk-rich">{rich_text(block, names)}</div>'
    if kind == "image":
        return _image(block)
    if kind == "file":
        return (
            f'<div class="bk-file">\U0001f4c4 {escape(str(block.get("external_id", "file")))}</div>'
        )
    if kind == "input":
        return _input(block, names, errors, pickers or _Pickers([], []))
    return f'<div class="bk-unknown">[{escape(kind or "unknown")} block]</div>'


def _section(block: Mapping[str, Any], names: Names) -> str:
    text = text_object(block.get("text"), names)
    fields = "".join(
        f'<div class="bk-field">{text_object(f, names)}</div>' for f in _list(block.get("fields"))
    )
    accessory = block.get("accessory")
    side = _element(accessory, block, names) if isinstance(accessory, Mapping) else ""
    body = f'<div class="bk-text">{text}</div>' if text else ""
    if fields:
        body += f'<div class="bk-fields">{fields}</div>'
    return f'<div class="bk-section"><div class="bk-main">{body}</div>{side}</div>'


def _context_element(element: Mapping[str, Any], names: Names) -> str:
    if element.get("type") == "image":
        return _img(element, "bk-context-image")
    return f"<span>{text_object(element, names)}</span>"


def _element(element: Mapping[str, Any], block: Mapping[str, Any], names: Names) -> str:
    """An interactive element: buttons work; other elements are drawn, not yet usable."""
    kind = element.get("type")
    if kind == "button":
        return _button(element, block, names)
    if kind == "image":
        return _img(element, "bk-accessory-image")
    label = text_object(element.get("placeholder"), names) or escape(str(kind))
    return f'<button class="bk-button" disabled title="not in the playground">{label}</button>'


def _button(element: Mapping[str, Any], block: Mapping[str, Any], names: Names) -> str:
    label = text_object(element.get("text"), names)
    style = element.get("style")
    css = "bk-button" + (f" bk-{style}" if style in BUTTON_STYLES else "")
    url = element.get("url")
    if isinstance(url, str) and url:
        return link(url, str((element.get("text") or {}).get("text", url)))
    data = {
        "data-click": "1",
        "data-action-id": str(element.get("action_id", "")),
        "data-block-id": str(block.get("block_id", "")),
        "data-value": str(element.get("value", "")),
    }
    attrs = " ".join(f'{key}="{escape(value)}"' for key, value in data.items())
    return f'<button type="button" class="{css}" {attrs}>{label}</button>'


def _image(block: Mapping[str, Any]) -> str:
    title = text_object(block.get("title"), lambda user: user)
    return f'<figure class="bk-image">{_img(block, "")}<figcaption>{title}</figcaption></figure>'


def _img(element: Mapping[str, Any], css: str) -> str:
    url = str(element.get("image_url", ""))
    alt = escape(str(element.get("alt_text", "")))
    if not url.startswith(("http://", "https://")):
        return f'<span class="{css}">[{alt}]</span>'
    return f'<img class="{css}" src="{escape(url)}" alt="{alt}">'


def _input(block: Mapping[str, Any], names: Names, errors: Errors, pickers: _Pickers) -> str:
    """A modal input: its label, its control (named by block and action id), hint and error."""
    block_id = str(block.get("block_id", ""))
    element = block.get("element")
    element = element if isinstance(element, Mapping) else {}
    optional = " <small>(optional)</small>" if block.get("optional") else ""
    label = f"<label>{text_object(block.get('label'), names)}{optional}</label>"
    control = _control(block_id, element, pickers)
    hint = text_object(block.get("hint"), names)
    error = errors.get(block_id)
    parts = [label, control]
    if hint:
        parts.append(f'<div class="bk-hint">{hint}</div>')
    if error:
        parts.append(f'<div class="bk-error" role="alert">{plain(error)}</div>')
    css = "bk-input has-error" if error else "bk-input"
    return f'<div class="{css}" data-block="{escape(block_id)}">{"".join(parts)}</div>'


def _control(block_id: str, element: Mapping[str, Any], pickers: _Pickers) -> str:
    kind = str(element.get("type", ""))
    attrs = (
        f'data-input="{escape(kind)}" data-block-id="{escape(block_id)}" '
        f'data-action-id="{escape(str(element.get("action_id", "")))}"'
    )
    placeholder = escape(str((element.get("placeholder") or {}).get("text", "")))
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        value = escape(str(element.get("initial_value") or ""))
        if element.get("multiline"):
            return f'<textarea {attrs} placeholder="{placeholder}">{value}</textarea>'
        return f'<input type="text" {attrs} placeholder="{placeholder}" value="{value}">'
    if kind in ("static_select", "multi_static_select"):
        options = [o for o in _list(element.get("options"))]
        initial = (element.get("initial_option") or {}).get("value")
        return _select(attrs, _option_choices(options), [initial], kind.startswith("multi"))
    if kind in ("users_select", "multi_users_select"):
        chosen = element.get("initial_users") or [element.get("initial_user")]
        return _select(attrs, pickers.people, list(chosen), kind.startswith("multi"))
    if kind in ("conversations_select", "channels_select"):
        chosen = [element.get("initial_conversation") or element.get("initial_channel")]
        return _select(attrs, pickers.channels, chosen, False)
    if kind == "file_input":
        return f'<input type="file" {attrs}>'
    return f'<div class="bk-unknown" {attrs}>[{escape(kind)} input]</div>'


def _option_choices(options: list[Mapping[str, Any]]) -> Choices:
    return [(str(o.get("value", "")), str((o.get("text") or {}).get("text", ""))) for o in options]


def _select(attrs: str, choices: Choices, chosen: list[Any], multiple: bool) -> str:
    many = " multiple" if multiple else ""
    empty = "" if multiple else '<option value="">Choose...</option>'
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value in chosen else ""}>'
        f"{escape(label)}</option>"
        for value, label in choices
    )
    return f"<select {attrs}{many}>{empty}{options}</select>"


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
