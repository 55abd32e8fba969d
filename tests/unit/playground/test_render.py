"""Block Kit -> HTML for the playground: drawn like Slack, and user text never becomes markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.playground.mrkdwn import mrkdwn, plain, rich_text
from bot.playground.render import blocks_html

NAMES = {"UALICE": "Alice Chen", "UBOT": "assign-bot"}

HOSTILE = (
    "<script>alert(1)</script> \"quoted\" 'single' <img src=x onerror=alert(1)> &amp; &lt;b&gt;"
)


def names(user_id: str) -> str:
    return NAMES.get(user_id, user_id)


class _Tags(HTMLParser):
    """Every tag and attribute an HTML parser (like a browser's) finds."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


def tags_of(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def section(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": "section", "text": {"type": kind, "text": text}}


# -- escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["mrkdwn", "plain_text"])
def test_hostile_text_is_shown_not_run(kind: str) -> None:
    html = blocks_html([section(HOSTILE, kind)], names)
    found = tags_of(html)
    assert "script" not in found.tags and "img" not in found.tags
    assert not any(name.startswith("on") for name, _ in found.attributes)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_slack_escapes_are_shown_as_the_characters_they_stand_for() -> None:
    html = mrkdwn("a &lt;b&gt; &amp; c &quot;", names)
    assert html == "a &lt;b&gt; &amp; c &amp;quot;"


@given(st.text(max_size=200))
def test_no_text_ever_makes_a_tag_the_renderer_did_not_write(text: str) -> None:
    allowed = {"strong", "em", "del", "code", "pre", "br", "span", "a", "div", "section"}
    for html in (mrkdwn(text, names), plain(text)):
        assert set(tags_of(html).tags) <= allowed
        assert not any(name.startswith("on") for name, _ in tags_of(html).attributes)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "/relative"]
)
def test_links_to_unsafe_addresses_are_plain_text(url: str) -> None:
    html = mrkdwn(f"<{url}|click me>", names)
    assert "<a" not in html and "click me" in html


def test_button_values_and_labels_are_escaped_attributes() -> None:
    block = {
        "type": "actions",
        "block_id": 'b"><script>',
        "elements": [
            {
                "type": "button",
                "action_id": "assign_confirm",
                "value": '"><img src=x onerror=alert(1)>',
                "text": {"type": "plain_text", "text": "<b>Confirm</b>"},
                "style": "primary",
            }
        ],
    }
    html = blocks_html([block], names)
    found = tags_of(html)
    assert found.tags == ["div", "button"]
    attributes = dict(found.attributes)
    assert attributes["data-value"] == '"><img src=x onerror=alert(1)>'
    assert attributes["data-block-id"] == 'b"><script>'
    assert "bk-primary" in (attributes["class"] or "")
    assert "&lt;b&gt;Confirm&lt;/b&gt;" in html


def test_rich_text_elements_are_escaped() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "<i>hi</i>", "style": {"bold": True}},
                    {"type": "link", "url": "javascript:x", "text": "<u>link</u>"},
                    {"type": "user", "user_id": "UALICE"},
                ],
            }
        ],
    }
    html = rich_text(block, names)
    assert "<strong>&lt;i&gt;hi&lt;/i&gt;</strong>" in html
    assert "<a" not in html and "&lt;u&gt;link&lt;/u&gt;" in html
    assert "@Alice Chen" in html


def test_modal_inputs_escape_initial_values_labels_and_errors() -> None:
    block = {
        "type": "input",
        "block_id": "assign_form_note",
        "label": {"type": "plain_text", "text": "<Note>"},
        "element": {
            "type": "plain_text_input",
            "action_id": "assign_form_note",
            "initial_value": '"><script>x</script>',
        },
    }
    html = blocks_html([block], names, errors={"assign_form_note": "<b>too long</b>"})
    assert "script" not in tags_of(html).tags and "b" not in tags_of(html).tags
    assert "&lt;Note&gt;" in html and "&lt;b&gt;too long&lt;/b&gt;" in html
    assert 'role="alert"' in html


# -- drawn like Slack ----------------------------------------------------------------------------


def test_mrkdwn_formatting_mentions_and_links() -> None:
    html = mrkdwn(
        "*Assign 2 tasks?* _soon_ ~old~ `task_1` <@UALICE> <#CEVALS|evals> "
        "<https://example.com/a?b=1&amp;c=2|the summary> :white_check_mark:",
        names,
    )
    assert "<strong>Assign 2 tasks?</strong>" in html
    assert "<em>soon</em>" in html and "<del>old</del>" in html
    assert "<code>task_1</code>" in html
    assert '<span class="mention">@Alice Chen</span>' in html
    assert '<span class="mention">#evals</span>' in html
    assert 'href="https://example.com/a?b=1&amp;c=2"' in html and ">the summary</a>" in html
    assert "\u2705" in html


def test_ids_with_underscores_are_not_italic() -> None:
    assert "<em>" not in mrkdwn("task_0001 and task_0002", names)


def test_code_keeps_its_text_as_is() -> None:
    html = mrkdwn("`*not bold*` ```line 1\n<b>line 2</b>```", names)
    assert "<code>*not bold*</code>" in html
    assert "<pre>line 1\n&lt;b&gt;line 2&lt;/b&gt;</pre>" in html


def test_dates_show_their_fallback() -> None:
    html = mrkdwn("expires <!date^1700000000^{date_short} {time}|2023-11-14 22:13 UTC>.", names)
    assert html == "expires 2023-11-14 22:13 UTC."


def test_every_block_kind_is_drawn_and_unknown_ones_are_named() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Summary"}},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "_small_"}]},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "*Tasks*"}, {"type": "plain_text", "text": "3"}],
        },
        {"type": "video", "title": {"type": "plain_text", "text": "x"}},
    ]
    html = blocks_html(blocks, names)
    assert '<h3 class="bk-header">Summary</h3>' in html
    assert '<hr class="bk-divider">' in html
    assert '<div class="bk-context"><span><em>small</em></span></div>' in html
    assert len(re.findall('class="bk-field"', html)) == 2
    assert "[video block]" in html


def test_selects_offer_the_people_and_keep_the_initial_choice() -> None:
    block = {
        "type": "input",
        "block_id": "who",
        "label": {"type": "plain_text", "text": "Assign to"},
        "element": {
            "type": "multi_users_select",
            "action_id": "who",
            "initial_users": ["UALICE"],
        },
    }
    people = [("UALICE", "Alice"), ("UBOB", "Bob")]
    html = blocks_html([block], names, people=people)
    assert '<option value="UALICE" selected>Alice</option>' in html
    assert '<option value="UBOB">Bob</option>' in html
    assert 'data-input="multi_users_select"' in html and " multiple" in html
