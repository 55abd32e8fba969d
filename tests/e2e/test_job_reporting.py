"""What the requester sees of a job when the platform asks to wait, or the channel says no."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.slack.ui_ids import Action
from tests.e2e.conftest import LEAD, Bot
from tests.e2e.test_assign_command import ALICE, BOB, button, preview_for, text_of
from tests.e2e.test_jobs import summaries


def confirmed(bot: Bot, text: str) -> str:
    """Confirm the preview of `text`; the requester's response_url key."""
    _, token = preview_for(bot, text)
    response, key = bot.sender.click(Action.CONFIRM, token)
    assert response.status_code == 200
    return key


def final_post(bot: Bot, key: str, words: str) -> list[dict[str, Any]]:
    """The requester's posts once the last one says `words`."""
    return bot.slack.wait_for(
        lambda: (found := bot.slack.posts_to(key)) and words in text_of(found[-1]) and found,
        timeout=30,
        what=f"{words!r} on the requester's message",
    )


def test_the_requester_sees_how_long_the_platform_asked_to_wait(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=2, ASSIGN_CONCURRENCY=1)
    bot.sgp.add_tasks("eval_1", ["t1", "t2", "t3", "t4"])
    bot.sgp.fail_next(429, {"detail": "slow down"}, headers={"Retry-After": "3"})
    bot.link(ALICE, "user-alice")
    key = confirmed(bot, f"eval_1 t1 t2 t3 t4 to <@{ALICE}>")
    posts = final_post(bot, key, "Assigned 4 of 4 tasks")
    seen = [text_of(post) for post in posts]
    waits = [i for i, text in enumerate(seen) if "the platform asked to wait 3 s" in text]
    assert len(waits) == 1, seen
    assert "going on at <!date^" in seen[waits[0]] and " UTC" in seen[waits[0]]
    assert "Assigning... 0 / 4 tasks" in seen[waits[0]], "the first chunk was the one told to wait"
    assert waits[0] < len(seen) - 1, "the wait is said before the result"
    assert len(posts) <= 5, "a response_url takes 5 posts at most"
    assert len(bot.sgp.batch_assign_calls("eval_1")) == 3, "the refused chunk was sent again"


def refused_result(bot: Bot) -> dict[str, Any]:
    """A job with a failed chunk whose summary the channel refused: the requester's result."""
    bot.sgp.add_tasks("eval_1", ["t1", "t2", "t3", "t4"])
    bot.sgp.fail_next(500, {"detail": "overloaded"}, times=3)  # the first chunk, every attempt
    bot.slack.fail_next("chat.postMessage", "not_in_channel")
    bot.link(ALICE, "user-alice")
    key = confirmed(bot, f"eval_1 t1 t2 t3 t4 to <@{ALICE}>")
    result = final_post(bot, key, "Assigned 2 of 4 tasks")[-1]
    assert "not_in_channel" in text_of(result) and "Invite me" in text_of(result)
    assert len(summaries(bot)) == 1, "the summary was tried once, and refused"
    return result


def test_retry_from_the_requester_s_result_when_the_channel_refused_the_summary(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=2, ASSIGN_CONCURRENCY=1)
    retry = button(refused_result(bot), Action.RETRY_FAILED)
    assert retry["text"]["text"] == "Retry 2 failed tasks"
    # The bot was invited meanwhile: the retry's summary goes to the channel.
    _, key = bot.sender.click(Action.RETRY_FAILED, retry["value"], block_id="summary_actions")
    notice = bot.slack.wait_for(lambda: bot.slack.posts_to(key), what="the retry's notice")
    assert "Retrying 2 failed tasks" in text_of(notice[-1])
    assert notice[-1].get("replace_original") is False, "the result stays for what it lists"
    [retried] = bot.slack.wait_for(
        lambda: [s for s in summaries(bot) if "assigned 2 of 2" in text_of(s)],
        timeout=20,
        what="the retry's summary in the channel",
    )
    assert retried.get("thread_ts") is None, "no summary thread to report in"
    bodies = [c.json["task_ids"] for c in bot.sgp.batch_assign_calls()]
    assert bodies[-1] == ["t1", "t2"] and bodies.count(["t3", "t4"]) == 1

    _, again = bot.sender.click(Action.RETRY_FAILED, retry["value"], block_id="summary_actions")
    twice = bot.slack.wait_for(lambda: bot.slack.posts_to(again), what="the second click")
    assert "already being retried" in text_of(twice[-1])


def test_a_retry_the_channel_still_refuses_reaches_the_requester_directly(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory(ASSIGN_CHUNK_SIZE=2, ASSIGN_CONCURRENCY=1)
    retry = button(refused_result(bot), Action.RETRY_FAILED)
    bot.slack.fail_next("chat.postMessage", "not_in_channel")  # the retry's summary
    bot.slack.fail_next("chat.postEphemeral", "not_in_channel")  # the result where they asked
    bot.sender.click(Action.RETRY_FAILED, retry["value"], block_id="summary_actions")
    [dm] = bot.slack.wait_for(
        lambda: [
            c.args
            for c in bot.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == LEAD and "Assigned 2 of 2 tasks" in text_of(c.args)
        ],
        timeout=20,
        what="the retry's result in a direct message to the requester",
    )
    assert "not_in_channel" in text_of(dm)
    tried = [s for s in summaries(bot) if "assigned 2 of 2" in text_of(s)]
    assert len(tried) == 1, "the retry's summary was tried in the channel first"
    assert bot.slack.calls_to("chat.postEphemeral"), "then where the requester asked"


CAROL = "UCAROL"


def one_task_each(bot: Bot) -> str:
    """Three linked people and a task for each: the command that assigns them."""
    bot.sgp.add_tasks("eval_1", ["t1", "t2", "t3"])
    for slack_user, platform_user in ((ALICE, "user-alice"), (BOB, "user-bob"), (CAROL, "user-c")):
        bot.link(slack_user, platform_user)
    return f"eval_1 t1 t2 t3 to <@{ALICE}> <@{BOB}> <@{CAROL}>"


def test_the_assignees_dms_go_out_side_by_side_before_the_result(
    bot_factory: Callable[..., Bot],
) -> None:
    """The requester's result waits for every assignee's DM: three people's DMs are in
    flight at once, not one after another, and each gets exactly one."""
    bot = bot_factory()
    bot.slack.call_seconds["chat.postMessage"] = 0.5
    key = confirmed(bot, one_task_each(bot))
    final_post(bot, key, "Assigned 3 of 3 tasks")
    dms = [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"][0] == "U"]
    assert sorted(c.args["channel"] for c in dms) == sorted([ALICE, BOB, CAROL])
    answered = [c.answered_at for c in dms]
    assert None not in answered, "the result came after every DM was answered"
    assert max(c.called_at for c in dms) < min(a for a in answered if a is not None)


def test_an_assignee_slack_will_not_dm_is_named_in_the_result_and_the_others_get_theirs(
    bot_factory: Callable[..., Bot],
) -> None:
    bot = bot_factory()
    bot.slack.refused_channels[BOB] = "channel_not_found"
    key = confirmed(bot, one_task_each(bot))
    result = final_post(bot, key, "Assigned 3 of 3 tasks")[-1]
    assert f"I could not send a direct message to <@{BOB}>." in text_of(result)
    assert f"<@{ALICE}>" not in text_of(result).split("direct message")[-1]
    dms = [c.args["channel"] for c in bot.slack.calls_to("chat.postMessage")]
    assert sorted(c for c in dms if c[0] == "U") == sorted([ALICE, BOB, CAROL])
