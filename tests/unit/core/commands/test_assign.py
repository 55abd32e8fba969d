"""The main form: evaluation, task ids or a query, people; in a thread the evaluation may go."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import ids
from bot.core.commands import (
    Assign,
    AssigneeRef,
    Command,
    Help,
    Me,
    PlatformUser,
    SlackUser,
    UsageError,
    WhoAmI,
    parse,
)
from bot.core.query import NextTasks, UnassignedTasks
from tests.unit.core.commands.cases import (
    LONG,
    ME,
    U1,
    U2,
    assign,
    check_accepted,
    check_error,
    picked,
)

ACCEPTED: list[tuple[str, Command]] = [
    # the basic form and the optional leading word
    ("eval_1 t1 t2 to <@U1>", assign(("t1", "t2"), U1)),
    ("eval_1 t1 t2 TO <@U1|alice>", assign(("t1", "t2"), U1)),
    ("assign eval_1 t1 to <@U1>", assign(("t1",), U1)),
    ("Assign eval_1 t1 to me", assign(("t1",), ME)),
    ("eval_1 t1 to <@U1>\n", assign(("t1",), U1)),
    # `to` left out when the last words are people
    ("eval_1 t1 t2 <@U1>", assign(("t1", "t2"), U1)),
    ("eval_1 t1 me", assign(("t1",), ME)),
    ("eval_1 t1 sgp:user_42", assign(("t1",), PlatformUser("user_42"))),
    ("eval_1 t1 and <@U1> and <@U2>", assign(("t1",), U1, U2)),
    # duplicates: kept once, counted; ids keep their case
    ("eval_1 t1 t2 t1 T1 t2 to me", assign(("t1", "t2", "T1"), ME, dropped=2)),
    ("eval_1 t1 to <@U1> <@U1|alice> me me", assign(("t1",), U1, ME)),
    ("Eval_ABC T1 to ME", assign(("T1",), ME, evaluation_id="Eval_ABC")),
    ("e.v:a-l_1 a.b:c-d_e 0 to me", assign(("a.b:c-d_e", "0"), ME, evaluation_id="e.v:a-l_1")),
    # evaluation links, bare and as Slack escapes them
    (
        "<https://app.sgp.scale.com/evaluations/eval_123?tab=tasks> t1 to me",
        assign(("t1",), ME, evaluation_id="eval_123"),
    ),
    (
        "<https://app.sgp.scale.com/evaluations/abc/tasks|label with spaces> t1 to me",
        assign(("t1",), ME, evaluation_id="abc"),
    ),
    (
        "https://app.sgp.scale.com/evaluations/eval_123 t1 to me",
        assign(("t1",), ME, evaluation_id="eval_123"),
    ),
    (
        "<https://app.sgp.scale.com/evaluations/abc?a=1&amp;b=2> t1 to me",
        assign(("t1",), ME, evaluation_id="abc"),
    ),
    # a mention of the bot in a thread, after the caller strips the bot's own mention
    ("assign eval_1 t1 to <@U2>", assign(("t1",), U2)),
    # tasks picked by query instead of ids
    ("eval_1 next 50 to <@U1>", picked(NextTasks(count=50), U1)),
    ("eval_1 NEXT 3 <@U1> <@U2>", picked(NextTasks(count=3), U1, U2)),
    ("assign eval_1 next 1 me", picked(NextTasks(count=1), ME)),
    ("eval_1 next, 7 to me", picked(NextTasks(count=7), ME)),
    ("eval_1 unassigned to <@U1> <@U2>", picked(UnassignedTasks(), U1, U2)),
    ("eval_1 Unassigned me", picked(UnassignedTasks(), ME)),
    (
        "<https://app.sgp.scale.com/evaluations/eval_7> next 10000 to me",
        picked(NextTasks(count=10_000), ME, evaluation_id="eval_7"),
    ),
    # only as the whole of the ids: elsewhere they are task ids like any other
    ("eval_1 t1 next to me", assign(("t1", "next"), ME)),
    ("eval_1 t1 unassigned 5 to me", assign(("t1", "unassigned", "5"), ME)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: Command) -> None:
    check_accepted(text, expected)


EVAL_7 = "https://app.sgp.scale.com/evaluations/eval_7"
IN_THREAD: list[tuple[str, Command]] = [
    ("t1 t2 to <@U2>", assign(("t1", "t2"), U2, evaluation_id="eval_9")),
    ("eval_9 t1 to <@U2>", assign(("t1",), U2, evaluation_id="eval_9")),
    ("assign t1 me", assign(("t1",), ME, evaluation_id="eval_9")),
    (f"<{EVAL_7}> t1 to me", assign(("t1",), ME, evaluation_id="eval_7")),
    (f"{EVAL_7} t1 to me", assign(("t1",), ME, evaluation_id="eval_7")),
    ("whoami", WhoAmI()),
    ("", Help()),
    ("next 5 to <@U2>", picked(NextTasks(count=5), U2, evaluation_id="eval_9")),
    ("assign unassigned to me", picked(UnassignedTasks(), ME, evaluation_id="eval_9")),
    ("eval_9 next 2 me", picked(NextTasks(count=2), ME, evaluation_id="eval_9")),
]


@pytest.mark.parametrize(("text", "expected"), IN_THREAD)
def test_evaluation_from_the_conversation(text: str, expected: Command) -> None:
    assert parse(text, evaluation_id="eval_9") == expected


ERRORS: list[tuple[str, str]] = [
    # no evaluation, or not one
    ("<@U1> t1 to me", "Start with the evaluation id or link"),
    ("<@U1|alice>", "Start with the evaluation"),
    ("to <@U1>", "Start with the evaluation"),
    ("me t1", "Start with the evaluation"),
    ("@alice t1", "Start with the evaluation"),
    ("<!channel> t1 to me", "Start with the evaluation"),
    ("x/y t1 to me", "`x/y` is not an evaluation id or link"),
    ("https://app.sgp.scale.com/datasets/d1 t1 to me", "`/evaluations/<id>`"),
    ("<https://app.sgp.scale.com/evaluations/|see> t1 to me", "is not an evaluation id or link"),
    ("_eval t1 to me", "`_eval` is not an evaluation id or link"),
    ("_eval t1 to me", "starts with `_`"),
    (f"{LONG} t1 to me", "200 characters"),
    # task ids
    ("eval_1", "Which tasks?"),
    ("eval_1 to <@U1>", "Which tasks?"),
    ("eval_1 <@U1>", "Which tasks?"),
    ("eval_1 , ; and to me", "Which tasks?"),
    ("eval_1 <!channel> to <@U1>", "`@channel` is not a valid task id"),
    ("eval_1 <!here> t1 to <@U1>", "`@here` is not a valid task id"),
    ("eval_1 a&lt;b to me", "`a<b` is not a valid task id"),
    ("eval_1 a&lt;b to me", "contains `<`"),
    ("eval_1 t1 a&amp;b to me", "`a&b` is not a valid task id"),
    ("eval_1 t1 _t2 to me", "starts with `_`"),
    (f"eval_1 t1 {LONG} to me", "is not a valid task id"),
    (f"eval_1 t1 {LONG} to me", "200 characters long and ids are at most 128"),
    (f"eval_1 t1 {LONG} to me", "`" + "x" * 39 + "…`"),
    ("eval_1 t1 <https://example.com|docs> to me", "`https://example.com` is not a valid task id"),
    ("eval_1 t1 <#C1|general> t2 to me", "`#general`"),
    ("eval_1 t1 -> <@U1>", "`->` is not a valid task id"),
    ("eval_1 t1 <@U1|alice> t2 to me", "`@alice` is a person, not a task id"),
    ("eval_1 t1 <@U1|alice> t2", "`@alice` is a person, not a task id"),
    ("eval_1 t1 me to <@U1>", "`me` is a person, not a task id"),
    ("eval_1 t1 sgp:u1 to <@U1>", "`sgp:u1` is a person, not a task id"),
    ("eval_1 t1 @bob t2 to me", "`@bob` is plain text, not a Slack mention"),
    # queries
    ("eval_1 next to me", "How many tasks should `next` pick? Add a number"),
    ("eval_1 next", "How many tasks should `next` pick?"),
    ("eval_1 next fifty to me", "`fifty` is not a number"),
    ("eval_1 next -5 to me", "`-5` is not a number"),
    ("eval_1 next 5.5 to me", "`5.5` is not a number"),
    ("eval_1 next <@U1|alice> 5 to me", "`@alice` is not a number"),
    ("eval_1 next 0 to me", "`next` picks 1 to 10,000 tasks, not `0`"),
    ("eval_1 next 10001 to me", "not `10001`"),
    ("eval_1 next 99999999999999999999 to me", "`next` picks 1 to 10,000 tasks"),
    ("eval_1 next 5 t1 t2 to me", "`next 5` picks the tasks itself; remove `t1`"),
    ("eval_1 unassigned t1 to me", "`unassigned` picks the tasks itself; remove `t1`"),
    ("eval_1 next 5", "Who should get these tasks?"),
    ("eval_1 unassigned to", "`to` needs someone after it"),
    ("next 5 to me", "Which evaluation should `next` pick tasks from?"),
    ("unassigned to me", "Which evaluation should `unassigned` pick tasks from?"),
]


@pytest.mark.parametrize(("text", "fragment"), ERRORS)
def test_errors_say_what_is_wrong(text: str, fragment: str) -> None:
    check_error(text, fragment)


@pytest.mark.parametrize(
    ("text", "context", "fragment"),
    [
        ("to <@U2>", "eval_9", "Which tasks?"),
        ("t1", "eval_9", "Who should get these tasks?"),
        ("<https://x/datasets/d> t1 to me", "eval_9", "is not an evaluation link"),
        ("t1 to me", "a b", "is not a valid id"),
        ("frobnicate", "eval_9", "I don't know `frobnicate`"),
    ],
)
def test_errors_in_a_thread(text: str, context: str, fragment: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text, evaluation_id=context)
    assert fragment in raised.value.message


def test_max_ids_boundary() -> None:
    exactly = "eval_1 " + " ".join(f"t{i}" for i in range(5)) + " to me"
    assert isinstance(parse(exactly, max_ids=5), Assign)
    with pytest.raises(UsageError) as raised:
        parse("eval_1 t0 t1 t2 t3 t4 t5 to me", max_ids=5)
    assert "6 task ids is more than the 5 a request may hold; split it" in raised.value.message


def test_max_ids_counts_after_dedupe() -> None:
    command = parse("eval_1 t1 t2 t1 t2 t3 to me", max_ids=3)
    assert command == assign(("t1", "t2", "t3"), ME, dropped=2)


def test_max_ids_default() -> None:
    ten_thousand = "eval_1 " + " ".join(f"t{i}" for i in range(10_000))
    assert isinstance(parse(ten_thousand + " to me"), Assign)
    with pytest.raises(UsageError, match="10001 task ids is more than the 10000"):
        parse(ten_thousand + " t_extra to me")


RESERVED = {
    *("to", "me", "and", "assign", "next", "unassigned"),
    *("help", "link", "unlink", "whoami", "users"),
}
ID_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ID_REST = ID_FIRST + ids.ID_PUNCTUATION

valid_ids = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(ID_FIRST),
    st.text(alphabet=ID_REST, max_size=ids.ID_MAX_LENGTH - 1),
).filter(
    lambda token: (
        token.lower().rstrip(":") not in RESERVED
        and not token.lower().startswith(ids.PLATFORM_USER_PREFIX)
    )
)
slack_user_ids = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("UW"),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=11),
)
assignees: st.SearchStrategy[tuple[str, AssigneeRef]] = st.one_of(
    st.tuples(slack_user_ids, st.sampled_from(["", "|alice", "|Bob Smith"])).map(
        lambda pair: (f"<@{pair[0]}{pair[1]}>", SlackUser(pair[0]))
    ),
    st.sampled_from(["me", "ME", "Me"]).map(lambda word: (word, Me())),
    st.tuples(st.sampled_from(["sgp:", "SGP:"]), valid_ids).map(
        lambda pair: (pair[0] + pair[1], PlatformUser(pair[1]))
    ),
)
separators = st.sampled_from(
    [" ", ",", ", ", " , ", ";", "; ", "\n", " \n ", ",,", "\u00a0", "\u200b"]
)
person_separators = st.sampled_from([" ", ", ", " and ", " &amp; ", ",", "\n"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    leading=st.sampled_from(["", "assign ", "ASSIGN "]),
    evaluation=valid_ids.filter(lambda token: not token.isalpha()),
    task_ids=st.lists(valid_ids, min_size=1, max_size=20),
    people=st.lists(assignees, min_size=1, max_size=5),
    to=st.sampled_from([" to ", " TO ", "\nto\n", " "]),
    data=st.data(),
)
def test_generated_requests_parse_to_exactly_their_parts(
    leading: str,
    evaluation: str,
    task_ids: list[str],
    people: list[tuple[str, AssigneeRef]],
    to: str,
    data: st.DataObject,
) -> None:
    text = leading + evaluation + data.draw(separators)
    for task_id in task_ids:
        text += task_id + data.draw(separators)
    text += to
    for spelled, _ in people:
        text += spelled + data.draw(person_separators)

    command = parse(text)

    unique = tuple(dict.fromkeys(task_ids))
    assert command == Assign(
        evaluation_id=evaluation,
        task_ids=unique,
        duplicates_dropped=len(task_ids) - len(unique),
        assignees=tuple(dict.fromkeys(person for _, person in people)),
    )


def test_next_may_pick_a_whole_evaluation_while_typed_ids_stay_bounded() -> None:
    parsed = parse("eval_1 next 50000 to me", max_ids=10, max_picked=100_000)
    assert isinstance(parsed, Assign) and parsed.query == NextTasks(count=50_000)
    with pytest.raises(UsageError, match="1 to 100,000"):
        parse("eval_1 next 100001 to me", max_ids=10, max_picked=100_000)
    with pytest.raises(UsageError, match="more than the 10"):
        parse("eval_1 " + " ".join(f"t{i}" for i in range(11)) + " to me", max_ids=10)
