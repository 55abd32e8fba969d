"""The page: a Slack-like window whose panes (sidebar, conversation, thread, modal) are HTML
rendered here. The page's script asks for the panes again after every action and every second.

Views: a channel id, "D" + the person's id (their DM with the bot), or "home" (the App Home).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from bot.playground import seed
from bot.playground.mrkdwn import escape, mrkdwn
from bot.playground.render import blocks_html, text_object
from bot.playground.timeline import Message, Modal, Timeline

HOME: Final = "home"
PEOPLE_CHOICES: Final = [(p.slack_id, f"{p.name} (@{p.handle})") for p in seed.PEOPLE]
CHANNEL_CHOICES: Final = [(seed.CHANNEL, f"#{seed.CHANNEL_NAME}")]


def names(user_id: str) -> str:
    return seed.display_name(user_id)


def panes(
    timeline: Timeline,
    home_views: Mapping[str, Mapping[str, Any]],
    person: str,
    view: str,
    thread: str | None,
) -> dict[str, str]:
    """Each pane's HTML for `person` looking at `view` (and a thread of it)."""
    if view == HOME:
        main = home_html(home_views.get(person))
    else:
        main = conversation_html(timeline, person, view)
    return {
        "sidebar": sidebar_html(person, view),
        "conversation": main,
        "thread-messages": thread_html(timeline, person, view, thread) if thread else "",
        "modal": modal_html(timeline.modal(person)),
    }


def sidebar_html(person: str, view: str) -> str:
    entries = [
        (seed.CHANNEL, f"# {seed.CHANNEL_NAME}"),
        ("D" + person, "\U0001f916 assign-bot (messages)"),
        (HOME, "\U0001f3e0 assign-bot (Home)"),
    ]
    links = "".join(
        f'<button type="button" class="nav{" active" if key == view else ""}" '
        f'data-view="{escape(key)}">{escape(label)}</button>'
        for key, label in entries
    )
    return (
        '<div class="workspace">Acme Evals</div>'
        f'<div class="nav-title">Conversations</div>{links}'
        '<div class="nav-title">Shortcuts</div>'
        '<button type="button" class="nav" data-shortcut="global">\u26a1 Assign tasks</button>'
    )


def conversation_html(timeline: Timeline, person: str, view: str) -> str:
    if view.startswith("D"):
        title, intro = "assign-bot", _dm_intro()
    else:
        title, intro = f"# {seed.CHANNEL_NAME}", _channel_intro()
    shown = [m for m in timeline.visible(person, view) if m.top_level]
    counts = _reply_counts(timeline, person, view)
    messages = "".join(message_html(m, counts.get(m.ts, 0)) for m in shown)
    return (
        f'<header class="conversation-title">{escape(title)}</header>'
        f'<div class="messages" id="messages">{intro}{messages}</div>'
    )


def _reply_counts(timeline: Timeline, person: str, view: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in timeline.visible(person, view):
        if not message.top_level and message.thread_ts:
            counts[message.thread_ts] = counts.get(message.thread_ts, 0) + 1
    return counts


def _channel_intro() -> str:
    tries = "".join(
        f'<button type="button" class="suggestion" data-suggest="{escape(text)}">'
        f"{escape(text)}</button>"
        for text in seed.SUGGESTIONS
    )
    return (
        '<div class="intro"><h2>Welcome to the playground</h2>'
        "<p>This is the real bot, talking to a fake Slack and a fake platform with a demo "
        f"evaluation, <code>{escape(seed.EVALUATION)}</code> ({seed.TASK_COUNT} tasks). "
        "Type a command below, or click one to fill the box. Mention "
        "<b>@assign-bot</b> in the notification's thread (\U0001f4ac Reply), or use "
        "\u22ef on a message for the message shortcut.</p>"
        f'<div class="suggestions">{tries}</div></div>'
    )


def _dm_intro() -> str:
    return (
        '<div class="intro"><p>Your direct messages with <b>assign-bot</b>: when someone '
        "assigns you tasks, the bot tells you here. Switch to an annotator (top right) to see "
        "theirs.</p></div>"
    )


def message_html(message: Message, replies: int = 0, in_thread: bool = False) -> str:
    name = names(message.user)
    is_app = message.user in (seed.BOT_USER, seed.NOTIFIER)
    badge = '<span class="app-badge">APP</span>' if is_app else ""
    only = (
        '<span class="only-you">\U0001f441 Only visible to you</span>' if message.only_for else ""
    )
    edited = '<span class="edited">(edited)</span>' if message.edited else ""
    if message.blocks:
        content = blocks_html(message.blocks, names)
    else:
        content = f'<div class="bk-text">{mrkdwn(message.text, names)}</div>'
    extra = _files_html(message) + _unfurls_html(message)
    thread = ""
    if replies and not in_thread:
        noun = "reply" if replies == 1 else "replies"
        thread = (
            f'<button type="button" class="replies" data-thread="{escape(message.ts)}">'
            f"{replies} {noun}</button>"
        )
    menu = _menu(message, in_thread)
    css = "message ephemeral" if message.only_for else "message"
    return (
        f'<div class="{css}" id="m{escape(message.ts)}" data-ts="{escape(message.ts)}">'
        f'<div class="avatar">{escape(_initials(name))}</div><div class="body">'
        f'<div class="meta"><b>{escape(name)}</b>{badge}{edited}{only}</div>'
        f'<div class="content">{content}{extra}</div>{thread}</div>{menu}</div>'
    )


def _menu(message: Message, in_thread: bool) -> str:
    if message.only_for:
        return ""
    reply = (
        ""
        if in_thread
        else f'<button type="button" title="Reply in thread" data-thread="{escape(message.ts)}">'
        "\U0001f4ac Reply</button>"
    )
    return (
        f'<div class="message-menu">{reply}<button type="button" title="Message shortcut: '
        f'Assign these tasks" data-message-shortcut="{escape(message.ts)}">\u22ef Assign these'
        " tasks</button></div>"
    )


def _files_html(message: Message) -> str:
    return "".join(
        f'<a class="file" href="/files/{escape(str(f.get("id", "")))}" target="_blank">'
        f"\U0001f4c4 {escape(str(f.get('title') or f.get('id', 'file')))}</a>"
        for f in message.files
    )


def _unfurls_html(message: Message) -> str:
    return "".join(
        f'<div class="unfurl">{blocks_html(u.get("blocks"), names)}</div>'
        for u in message.unfurls.values()
        if isinstance(u, Mapping)
    )


def _initials(name: str) -> str:
    return "".join(part[:1] for part in name.replace("-", " ").split()[:2]).upper() or "?"


def thread_html(timeline: Timeline, person: str, view: str, thread_ts: str) -> str:
    parent = timeline.messages.get(thread_ts)
    if parent is None or parent.channel != view:
        return '<p class="empty">This thread is not in this conversation.</p>'
    replies = timeline.replies(person, view, thread_ts)
    shown = "".join(message_html(m, in_thread=True) for m in replies)
    noun = "reply" if len(replies) == 1 else "replies"
    count = f'<div class="thread-count">{len(replies)} {noun}</div>' if replies else ""
    return message_html(parent, in_thread=True) + count + shown


def modal_html(modal: Modal | None) -> str:
    if modal is None:
        return ""
    view = modal.view
    title = text_object(view.get("title"), names) or "App"
    submit = view.get("submit")
    close = text_object(view.get("close"), names) or "Cancel"
    body = blocks_html(
        view.get("blocks"),
        names,
        errors=modal.errors,
        people=PEOPLE_CHOICES,
        channels=CHANNEL_CHOICES,
    )
    submit_button = (
        f'<button type="submit" class="bk-button bk-primary">{text_object(submit, names)}</button>'
        if submit
        else ""
    )
    return (
        '<div class="modal-backdrop">'
        f'<form class="modal" data-view-id="{escape(str(view.get("id", "")))}">'
        f'<header><h2>{title}</h2><button type="button" class="x" data-close="1" '
        'aria-label="Close">\u00d7</button></header>'
        f'<div class="modal-body">{body}</div>'
        f'<footer><button type="button" class="bk-button" data-close="1">{close}</button>'
        f"{submit_button}</footer></form></div>"
    )


def home_html(view: Mapping[str, Any] | None) -> str:
    if not view:
        body = (
            '<p class="empty">assign-bot has not published a Home tab (it never called '
            "<code>views.publish</code> for you).</p>"
        )
    else:
        body = blocks_html(view.get("blocks"), names)
    title = '<header class="conversation-title">assign-bot \u00b7 Home</header>'
    return f'{title}<div class="home">{body}</div>'


def document(person: str, view: str, thread: str | None, first: Mapping[str, str]) -> str:
    """The whole page, with its first panes (the script keeps them fresh)."""
    options = "".join(
        f'<option value="{escape(p.slack_id)}"{" selected" if p.slack_id == person else ""}>'
        f"{escape(p.name)} ({escape(p.role)})</option>"
        for p in seed.PEOPLE
    )
    thread_open = " open" if thread else ""
    return _TEMPLATE.format(
        person=escape(person),
        view=escape(view),
        thread=escape(thread or ""),
        options=options,
        thread_open=thread_open,
        placeholder=escape(f"Message #{seed.CHANNEL_NAME}, or /assign ..."),
        **{key.replace("-", "_"): html for key, html in first.items()},
    )


_TEMPLATE: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>assign-bot playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/playground.css"></head>
<body data-person="{person}" data-view="{view}" data-thread="{thread}">
<div class="topbar"><span class="brand">assign-bot playground</span>
<span class="hint">the real bot &middot; fake Slack &middot; fake platform</span>
<label class="acting">Acting as <select id="person">{options}</select></label></div>
<div class="window">
<nav id="sidebar">{sidebar}</nav>
<main><div id="conversation">{conversation}</div>
<form id="composer" class="composer"><input id="message" name="message" autocomplete="off"
 placeholder="{placeholder}"><button type="submit">Send</button></form>
<div id="note" class="note" role="status"></div></main>
<aside id="thread" class="thread{thread_open}"><header>Thread
<button type="button" class="x" data-close-thread="1" aria-label="Close thread">&times;</button>
</header><div id="thread-messages">{thread_messages}</div>
<form id="thread-composer" class="composer"><input id="reply" name="reply" autocomplete="off"
 placeholder="Reply... (@assign-bot next 5 to @bob)"><button type="submit">Send</button></form>
</aside></div>
<div id="modal">{modal}</div>
<script src="/static/playground.js"></script>
</body></html>
"""
