"""Hostile and broken input from the outside: escaping, size, garbage payloads, Redis down."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.fakes.slack_requests import sign
from bot.slack.ui_ids import Action, Callback
from bot.store.connection import Store
from tests.e2e.conftest import ADMIN, LEAD, SIGNING_SECRET, Bot
from tests.e2e.test_access import keys
from tests.e2e.test_assign_command import confirm, preview_for, seeded, text_of
from tests.fakes.server import free_port

#: What must never appear in anything the bot sends when a person typed it.
PINGS_AND_LINKS = ("<!channel>", "<!here>", "<!everyone>", "<@UEVIL", "<http://x|y>", "<!subteam")


def everything_sent(bot: Bot) -> str:
    """Every Web API call's arguments and every response_url post, as one text."""
    with bot.slack._lock:
        calls = [call.args for call in bot.slack.calls]
        posts = [post.body for post in bot.slack.response_posts]
    return json.dumps([calls, posts], ensure_ascii=False)


def assert_nothing_pings(bot: Bot) -> None:
    sent = everything_sent(bot)
    for danger in PINGS_AND_LINKS:
        assert danger not in sent, danger


# -- escaping ------------------------------------------------------------------------------------


HOSTILE_COMMANDS = [
    "eval_1 <!channel> to me",
    "eval_1 <!here> t1 to me",
    "eval_1 t1 <@UEVIL|evil> t2 to me",
    "eval_1 <http://x|y> to me",
    "<!channel> t1 to me",
    "<http://x|y> t1 to me",
    "eval_1 t1 to <!everyone>",
    "eval_1 t1 to <!subteam^S1|@team>",
    "link <@U1> <http://x|y>",
    "link <!channel> sgp:u1",
    "history <!here>",
    "&lt;!channel&gt; t1 to me",
    "eval_1 &lt;@UEVIL&gt; to me",
    "eval_1 t1 to sgp:&lt;!here&gt;",
    "frobnicate <!channel>",
]


def test_user_text_never_pings_or_links(bot: Bot) -> None:
    for text in HOSTILE_COMMANDS:
        response, key = bot.sender.command(text)
        assert response.status_code == 200
        answer = text_of(bot.last_response(key))
        assert "help" in answer, (text, answer)
    assert_nothing_pings(bot)


def test_hostile_ids_that_pass_the_grammar_are_escaped_everywhere(bot: Bot) -> None:
    """Ids are plain words by rule, but the platform's answers are not: a reason or a status
    the platform returns goes into the channel too."""
    bot.sgp.add_tasks("eval_1", ["t1"])
    bot.sgp.assign_elsewhere(["t1"], "<!channel> <@UEVIL> <http://x|y>")
    _, token = preview_for(bot, "eval_1 t1 t2 to sgp:user-x")
    bot.responses(confirm(bot, token), count=2)
    assert_nothing_pings(bot)
    assert "&lt;!channel&gt;" in everything_sent(bot), "shown, escaped"


# -- size ----------------------------------------------------------------------------------------


def timed_answer(bot: Bot, text: str) -> tuple[float, str]:
    started = time.monotonic()
    response, key = bot.sender.command(text)
    answer = text_of(bot.last_response(key))
    assert response.status_code == 200
    return time.monotonic() - started, answer


def test_a_megabyte_of_command_text_is_refused_quickly(bot: Bot) -> None:
    seconds, answer = timed_answer(bot, "eval_1 " + "t1 " * 333_333 + "to me")
    assert "1,000,011 characters, more than the 200,000 I read" in answer
    assert seconds < 2.0, seconds
    assert bot.sgp.requests == [] and not [k for k in keys(bot) if "confirmation" in k]


def test_a_hundred_thousand_ids_are_refused_quickly(bot: Bot) -> None:
    ids = " ".join(f"t{i}" for i in range(100_000))
    seconds, answer = timed_answer(bot, f"eval_1 {ids} to me")
    assert "more than the 200,000 I read" in answer and "smaller requests" in answer
    assert seconds < 2.0, seconds
    # Under the length cap, the id count is what refuses (and names the limit).
    short = " ".join(f"{i:x}" for i in range(30_000))
    seconds, answer = timed_answer(bot, f"eval_1 {short} to me")
    assert "30000 task ids is more than the 10000" in answer
    assert seconds < 2.0, seconds


def test_parsing_the_largest_text_read_has_bounded_memory() -> None:
    from bot.core.commands import MAX_TEXT_CHARS, UsageError, parse

    worst = "eval_1 " + "t1 " * ((MAX_TEXT_CHARS - 20) // 3) + "to me"
    tracemalloc.start()
    try:
        parse(worst)
        with pytest.raises(UsageError):
            parse("x" * 1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000, peak


def test_a_huge_body_is_refused_before_it_is_read(bot: Bot) -> None:
    body = "payload=" + "x" * (20 * 1024 * 1024)
    started = time.monotonic()
    response = bot.sender.post(body, headers=sign(SIGNING_SECRET, body))
    assert response.status_code == 413
    assert time.monotonic() - started < 5

    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * (512 * 1024)

    streamed = httpx.post(bot.sender.events_url, content=chunks(), timeout=10)
    assert streamed.status_code == 413
    assert bot.slack.calls == [] and bot.sgp.requests == []
    assert httpx.get(f"{bot.url}/healthz").status_code == 200


# -- payloads that do not parse, or lie ----------------------------------------------------------


FORM = "application/x-www-form-urlencoded"


def _form(payload: Any) -> str:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)})


BROKEN_BODIES: list[tuple[str, str, str]] = [
    # (name, body, content type)
    ("empty", "", FORM),
    ("not json", _form("{not json"), FORM),
    ("json array", _form([1, 2]), FORM),
    ("empty object", _form({}), FORM),
    ("unknown type", _form({"type": "nonsense"}), FORM),
    (
        "actions missing",
        _form({"type": "block_actions", "user": {"id": LEAD}}),
        FORM,
    ),
    (
        "actions not a list",
        _form({"type": "block_actions", "user": {"id": LEAD}, "actions": "x"}),
        FORM,
    ),
    (
        "unknown action id",
        _form(
            {
                "type": "block_actions",
                "user": {"id": LEAD},
                "actions": [{"action_id": "no_such_action", "value": "v"}],
                "response_url": "http://127.0.0.1:9/nowhere",
            }
        ),
        FORM,
    ),
    (
        "confirm without a value or user",
        _form({"type": "block_actions", "actions": [{"action_id": Action.CONFIRM}]}),
        FORM,
    ),
    (
        "confirm with a user that is a string",
        _form(
            {
                "type": "block_actions",
                "user": "ULEAD",
                "actions": [{"action_id": Action.CONFIRM, "value": ["not", "a", "token"]}],
            }
        ),
        FORM,
    ),
    (
        "unknown view",
        _form({"type": "view_submission", "user": {"id": LEAD}, "view": {"callback_id": "nope"}}),
        FORM,
    ),
    (
        "form without state",
        _form(
            {
                "type": "view_submission",
                "user": {"id": LEAD},
                "view": {"callback_id": Callback.FORM, "private_metadata": "stale-key"},
            }
        ),
        FORM,
    ),
    (
        "unknown shortcut",
        _form({"type": "shortcut", "callback_id": "nope", "user": {"id": LEAD}}),
        FORM,
    ),
    (
        "command without fields",
        urlencode({"command": "/assign"}),
        FORM,
    ),
    (
        "unknown command",
        urlencode({"command": "/other", "text": "x"}),
        FORM,
    ),
    ("json garbage", "{", "application/json"),
    ("event without event", json.dumps({"type": "event_callback"}), "application/json"),
    (
        "event of unknown type",
        json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {"type": "nope"}}),
        "application/json",
    ),
    ("form of nonsense", "a=1&&&=&b", FORM),
]


def test_broken_payloads_never_get_a_server_error(bot: Bot) -> None:
    """Signed, so they reach Bolt: each gets an answer under 500 and changes nothing."""
    statuses: dict[str, int] = {}
    for name, body, content_type in BROKEN_BODIES:
        headers = {**sign(SIGNING_SECRET, body), "Content-Type": content_type}
        statuses[name] = bot.sender.post(body, headers=headers).status_code
    assert {name: status for name, status in statuses.items() if status >= 500} == {}
    assert statuses["unknown action id"] == 200, "acked and logged, not Bolt's 404"
    assert statuses["not json"] == 400
    assert httpx.get(f"{bot.url}/healthz").status_code == 200
    bot.settle()
    assert bot.sgp.requests == []
    assert not [k for k in keys(bot) if "confirmation" in k]


def test_bytes_that_are_not_utf8_never_get_a_server_error(bot: Bot) -> None:
    body = b"payload=\xff\xfe\xfa"
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    response = httpx.post(
        bot.sender.events_url,
        content=body,
        headers={
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": f"v0={digest.hexdigest()}",
            "Content-Type": FORM,
        },
    )
    assert response.status_code < 500


def test_a_click_on_a_forged_token_is_answered(bot: Bot) -> None:
    for token in ("", "x" * 5000, "../../etc", "assignbot:*", "<!channel>"):
        response, key = bot.sender.click(Action.CONFIRM, token)
        assert response.status_code == 200
        assert "expired" in text_of(bot.last_response(key))
    assert bot.sgp.requests == []
    assert_nothing_pings(bot)


# -- Redis down ----------------------------------------------------------------------------------


def closed_redis() -> Store:
    """A store whose Redis port nobody listens on; failing at once, without retries."""
    redis = Redis(
        host="127.0.0.1",
        port=free_port(),
        decode_responses=True,
        socket_connect_timeout=1,
        retry=Retry(NoBackoff(), 0),
    )
    return Store(redis, prefix="down:")


def test_redis_down_refuses_cleanly(bot_factory: Callable[..., Bot]) -> None:
    bot = bot_factory(store=closed_redis())
    seeded(bot)
    for text in ("eval_123 t1 to sgp:user-x", "link me user-x", "whoami", "users"):
        user = ADMIN if text.startswith("link") else LEAD
        response, key = bot.sender.command(text, user=user)
        assert response.status_code == 200
        answer = text_of(bot.last_response(key, count=1))
        assert "The bot's store is unavailable, try again shortly" in answer, (text, answer)
    response, key = bot.sender.click(Action.CONFIRM, "a-token-that-cannot-be-read")
    assert "store is unavailable" in text_of(bot.last_response(key))
    assert httpx.get(f"{bot.url}/healthz").status_code == 503
    # The preview may read the task listing (its warnings); nothing is written, nothing half-done.
    assert [r for r in bot.sgp.requests if r.method != "GET"] == [], "nothing is half-done"
    assert "/assign link" in text_of(bot.last_response(bot.sender.command("help")[1]))


def test_redis_down_with_allowed_groups(bot_factory: Callable[..., Bot]) -> None:
    """The group cache is in Redis too: still the store's answer, and Slack is not asked."""
    bot = bot_factory(store=closed_redis(), ASSIGN_ALLOWED_GROUPS="eval-leads")
    _, key = bot.sender.command("eval_123 t1 to sgp:user-x")
    assert "store is unavailable" in text_of(bot.last_response(key))
    assert bot.sgp.requests == []


# -- the form's file and note --------------------------------------------------------------------


def test_a_20_megabyte_file_is_refused_quickly(bot: Bot) -> None:
    from tests.e2e.test_modal import open_form, submit

    huge = b"t1\n" * (20 * 1024 * 1024 // 3)
    declared = bot.slack.add_file("ids.txt", huge)
    started = time.monotonic()
    answer = submit(bot, open_form(bot), evaluation="eval_1", task_ids="", files=[declared])
    assert "The file is 20.0 MB; files up to 4 MB are read" in str(answer["errors"])
    assert time.monotonic() - started < 3.0
    assert bot.slack.downloads == [], "refused on its declared size, before any download"

    lying = {**bot.slack.add_file("ids.txt", huge), "size": 10}
    started = time.monotonic()
    answer = submit(bot, open_form(bot), evaluation="eval_1", task_ids="", files=[lying])
    assert "larger than 4 MB, the most I read" in str(answer["errors"])
    assert time.monotonic() - started < 3.0
    assert bot.sgp.requests == []


def test_a_file_over_the_limit_for_files_is_refused(bot: Bot) -> None:
    """Files may carry whole evaluations (ASSIGN_MAX_PICKED_TASKS, 100,000), and no more."""
    from tests.e2e.test_modal import open_form, submit

    ids = "\n".join(f"t{i}" for i in range(100_001)).encode()
    file = bot.slack.add_file("ids.txt", ids)
    started = time.monotonic()
    answer = submit(bot, open_form(bot), evaluation="eval_1", task_ids="", files=[file])
    assert "100,000" in str(answer["errors"]) or "100000" in str(answer["errors"])
    assert time.monotonic() - started < 3.0, "answered within Slack's 3 s"


def test_hostile_notes_and_files_never_ping(bot: Bot) -> None:
    from tests.e2e.test_modal import open_form, preview, submit

    bot.link(LEAD, "user-lead")
    file = bot.slack.add_file("ids.txt", b"t1\n<!channel>\n<@UEVIL>\n")
    submit(bot, open_form(bot), evaluation="eval_1", task_ids="", files=[file])
    note = "<!here> <!channel> <@UEVIL> <http://x|y> <!subteam^S1|@team>"
    # Input errors are plain text in Slack (never mrkdwn), so quoting the typed text is safe.
    submit(bot, open_form(bot), evaluation="eval_1", task_ids="t1 <!channel>", note=note)
    shown = preview(bot, evaluation="eval_1", task_ids="t1", note=note)
    assert "&lt;!here&gt;" in json.dumps(shown)
    for danger in PINGS_AND_LINKS:
        assert danger not in json.dumps(shown)
    assert_nothing_pings(bot)
