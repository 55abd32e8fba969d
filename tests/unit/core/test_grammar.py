"""The `/assign` grammar: tables of accepted texts and of errors, help examples, properties."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import ids
from bot.core.grammar import (
    HELP_EXAMPLES,
    MAX_TEXT_CHARS,
    Assign,
    AssigneeRef,
    Command,
    Help,
    History,
    Link,
    ListUsers,
    Me,
    PlatformUser,
    SlackUser,
    Unlink,
    UsageError,
    WhoAmI,
    parse,
)
from bot.core.query import NextTasks, UnassignedTasks
from bot.slack.wording import describe

U1 = SlackUser("U1")
U2 = SlackUser("U2")
ME = Me()


def fullwidth(text: str) -> str:
    """`text` in full-width forms (as some input methods type it), which NFKC folds back."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def picked(
    query: NextTasks | UnassignedTasks, *assignees: AssigneeRef, evaluation_id: str = "eval_1"
) -> Assign:
    return Assign(
        evaluation_id=evaluation_id,
        task_ids=(),
        duplicates_dropped=0,
        assignees=assignees,
        query=query,
    )


def assign(
    task_ids: tuple[str, ...],
    *assignees: AssigneeRef,
    evaluation_id: str = "eval_1",
    dropped: int = 0,
) -> Assign:
    return Assign(
        evaluation_id=evaluation_id,
        task_ids=task_ids,
        duplicates_dropped=dropped,
        assignees=assignees,
    )


ACCEPTED: list[tuple[str, Command]] = [
    # help
    ("", Help()),
    ("   \n ", Help()),
    ("\u200b\u00a0", Help()),
    ("help", Help()),
    ("HELP", Help()),
    ("Help me please", Help()),
    ("help?", Help()),
    ("?", Help()),
    ("assign", Help()),
    ("assign help", Help()),
    # subcommands, any case
    ("whoami", WhoAmI()),
    ("WhoAmI", WhoAmI()),
    ("assign whoami", WhoAmI()),
    ("users", ListUsers()),
    ("USERS", ListUsers()),
    ("link <@U1|alice> sgp:user_42", Link(U1, "user_42")),
    ("link <@U1> user_42", Link(U1, "user_42")),
    ("LINK me SGP:User_42", Link(ME, "User_42")),
    ("link <@U1> to sgp:u1", Link(U1, "u1")),
    ("link \u201c<@U1>\u201d \u2018sgp:u1\u2019", Link(U1, "u1")),
    ("unlink <@U1>", Unlink(U1)),
    ("Unlink me", Unlink(ME)),
    ("unlink <@W9|bob smith>", Unlink(SlackUser("W9"))),
    # assign: the basic form and the optional leading word
    ("eval_1 t1 t2 to <@U1>", assign(("t1", "t2"), U1)),
    ("eval_1 t1 t2 TO <@U1|alice>", assign(("t1", "t2"), U1)),
    ("assign eval_1 t1 to <@U1>", assign(("t1",), U1)),
    ("Assign eval_1 t1 to me", assign(("t1",), ME)),
    ("eval_1 t1 to <@U1>\n", assign(("t1",), U1)),
    # separators: spaces, commas, semicolons, new lines, `and`, in any mix
    ("eval_1 t1,t2;t3\nt4 to <@U1>", assign(("t1", "t2", "t3", "t4"), U1)),
    ("eval_1   t1 ,, t2 , ; t3,   to <@U1>", assign(("t1", "t2", "t3"), U1)),
    ("eval_1\nt1\r\nt2\n\nto <@U1>", assign(("t1", "t2"), U1)),
    ("eval_1 t1, t2, and t3 to <@U1>", assign(("t1", "t2", "t3"), U1)),
    ("eval_1 t1; to <@U1>", assign(("t1",), U1)),
    ("eval_1 t1 to: <@U1>", assign(("t1",), U1)),
    ("eval_1 t1 . to me .", assign(("t1",), ME)),
    # `to` left out when the last words are people
    ("eval_1 t1 t2 <@U1>", assign(("t1", "t2"), U1)),
    ("eval_1 t1 me", assign(("t1",), ME)),
    ("eval_1 t1 sgp:user_42", assign(("t1",), PlatformUser("user_42"))),
    ("eval_1 t1 and <@U1> and <@U2>", assign(("t1",), U1, U2)),
    # several assignees
    ("eval_1 t1 to <@U1> <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1>, <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1> and <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1> &amp; <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1>,<@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to <@U1> and me and SGP:p1", assign(("t1",), U1, ME, PlatformUser("p1"))),
    ("eval_1 t1 to <@U1> to <@U2>", assign(("t1",), U1, U2)),
    ("eval_1 t1 to ME.", assign(("t1",), ME)),
    ("eval_1 t1 to <@W123ABC|alice smith>", assign(("t1",), SlackUser("W123ABC"))),
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
        "<https://x/evaluations/abc/tasks|label with spaces> t1 to me",
        assign(("t1",), ME, evaluation_id="abc"),
    ),
    (
        "https://app.sgp.scale.com/evaluations/eval_123 t1 to me",
        assign(("t1",), ME, evaluation_id="eval_123"),
    ),
    (
        "<https://x/evaluations/abc?a=1&amp;b=2> t1 to me",
        assign(("t1",), ME, evaluation_id="abc"),
    ),
    # quotes, brackets, odd spaces, compatibility forms
    (
        "\u201ceval_1\u201d \u2018t1\u2019, \u2019t2\u2019 \u00abt3\u00bb"
        " \"t4\" 't5' `t6` \u201et7\u201c to me",
        assign(("t1", "t2", "t3", "t4", "t5", "t6", "t7"), ME),
    ),
    ('eval_1 ["t1", "t2"] to me', assign(("t1", "t2"), ME)),
    ("eval_1 (t1) to me", assign(("t1",), ME)),
    ('eval_1 t1 to "<@U1>"', assign(("t1",), U1)),
    ("eval_1\u00a0t1\u202ft2\u200bt3\u2060t4 to\u00a0<@U1>", assign(("t1", "t2", "t3", "t4"), U1)),
    (fullwidth("eval_1 t1,t2;t3 to me"), assign(("t1", "t2", "t3"), ME)),
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
        "<https://x/evaluations/eval_7> next 10000 to me",
        picked(NextTasks(count=10_000), ME, evaluation_id="eval_7"),
    ),
    # only as the whole of the ids: elsewhere they are task ids like any other
    ("eval_1 t1 next to me", assign(("t1", "next"), ME)),
    ("eval_1 t1 unassigned 5 to me", assign(("t1", "unassigned", "5"), ME)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: Command) -> None:
    assert parse(text) == expected


IN_THREAD: list[tuple[str, Command]] = [
    ("t1 t2 to <@U2>", assign(("t1", "t2"), U2, evaluation_id="eval_9")),
    ("eval_9 t1 to <@U2>", assign(("t1",), U2, evaluation_id="eval_9")),
    ("assign t1 me", assign(("t1",), ME, evaluation_id="eval_9")),
    ("<https://x/evaluations/eval_7> t1 to me", assign(("t1",), ME, evaluation_id="eval_7")),
    ("https://x/evaluations/eval_7 t1 to me", assign(("t1",), ME, evaluation_id="eval_7")),
    ("whoami", WhoAmI()),
    ("", Help()),
    ("next 5 to <@U2>", picked(NextTasks(count=5), U2, evaluation_id="eval_9")),
    ("assign unassigned to me", picked(UnassignedTasks(), ME, evaluation_id="eval_9")),
    ("eval_9 next 2 me", picked(NextTasks(count=2), ME, evaluation_id="eval_9")),
]


@pytest.mark.parametrize(("text", "expected"), IN_THREAD)
def test_evaluation_from_the_conversation(text: str, expected: Command) -> None:
    assert parse(text, evaluation_id="eval_9") == expected


LONG = "x" * 200

ERRORS: list[tuple[str, str]] = [
    # unknown subcommands
    ("lnik <@U1> x", "I don't know `lnik`"),
    ("lnik <@U1> x", "did you mean `link`?"),
    ("lnik @a x", "I don't know `lnik`"),
    ("frobnicate", "I don't know `frobnicate`"),
    ("frobnicate", "`help`, `link`, `unlink`, `whoami`, `users` and `history`"),
    ("frobnicate", "/assign eval_123 t1 t2 to @alice"),
    ("hepl", "did you mean `help`?"),
    ("whomai", "did you mean `whoami`?"),
    ("user", "did you mean `users`?"),
    ("unlnik me", "did you mean `unlink`?"),
    ("asign eval_1 t1 to me", "did you mean `assign`?"),
    # no evaluation, or not one
    ("<@U1> t1 to me", "Start with the evaluation id or link"),
    ("<@U1|alice>", "Start with the evaluation"),
    ("to <@U1>", "Start with the evaluation"),
    ("me t1", "Start with the evaluation"),
    ("@alice t1", "Start with the evaluation"),
    ("<!channel> t1 to me", "Start with the evaluation"),
    ("x/y t1 to me", "`x/y` is not an evaluation id or link"),
    ("https://app.sgp.scale.com/datasets/d1 t1 to me", "`/evaluations/<id>`"),
    ("<https://x/evaluations/|see> t1 to me", "is not an evaluation id or link"),
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
    # assignees
    ("eval_1 t1 t2", "Who should get these tasks?"),
    ("eval_1 t1 t2", "to @alice"),
    ("eval_1 t1 to", "`to` needs someone after it"),
    ("eval_1 t1 to , and .", "`to` needs someone after it"),
    ("eval_1 t1 to bob", "`bob` is not someone I can assign to"),
    ("eval_1 t1 to bob", "`sgp:<platform user id>`"),
    ("eval_1 t1 to <@U1> bob", "`bob` is not someone I can assign to"),
    ("eval_1 t1 to <@B1>", "`<@B1>` is not someone I can assign to"),
    ("eval_1 t1 to <https://example.com>", "is not someone I can assign to"),
    ("eval_1 t1 @bob", "`@bob` is plain text, not a Slack mention"),
    ("eval_1 t1 to @bob", "pick the person from the list"),
    ("eval_1 t1 to <!channel>", "`@channel` is a mention of everyone there, not a person"),
    ("eval_1 t1 <!here>", "`@here` is a mention of everyone there"),
    ("eval_1 t1 to <!everyone>", "`@everyone`"),
    ("eval_1 t1 to <!subteam^S123|@team>", "User groups like `@team` are not supported yet"),
    ("eval_1 t1 <!subteam^S123|@team>", "not supported yet"),
    ("eval_1 t1 to <!subteam^S123>", "not supported yet"),
    ("eval_1 t1 to <#C1|general>", "`#general` is a channel, not a person"),
    ("eval_1 t1 <#C1|general>", "is a channel"),
    ("eval_1 t1 to sgp:_bad", "`sgp:_bad` is not a valid platform user id"),
    ("eval_1 t1 to sgp:", "`sgp:` is not a valid platform user id: it is empty"),
    (f"eval_1 t1 to {'b' * 100}", "`" + "b" * 39 + "…` is not someone"),
    # link / unlink
    ("link", "`link` needs a Slack person and their platform user id"),
    ("link <@U1|alice>", "Which platform user is `@alice`?"),
    ("link me", "Which platform user are you?"),
    ("link sgp:u1 <@U1>", "Put the Slack person first"),
    ("link u1 me", "Put the Slack person first"),
    ("link bob sgp:u1", "`bob` is not a Slack person"),
    ("link sgp:u1", "`sgp:u1` is not a Slack person"),
    ("link @bob sgp:u1", "`@bob` is plain text"),
    ("link <!channel> sgp:u1", "`@channel` is a mention of everyone there"),
    ("link <@U1> <@U2>", "is a second person"),
    ("link <@U1> me", "is a second person"),
    ("link <@U1> sgp:_x", "`sgp:_x` is not a valid platform user id"),
    ("link <@U1> a&lt;b", "`a<b` is not a valid platform user id"),
    ("link <@U1> <https://x>", "is not a valid platform user id"),
    ("link <@U1> u1 u2", "remove `u2`"),
    ("unlink", "Whose link should I forget?"),
    ("unlink bob", "`bob` is not a Slack person"),
    ("unlink sgp:u1", "`sgp:u1` is not a Slack person"),
    ("unlink @bob", "`@bob` is plain text"),
    ("unlink <@U1> <@U2>", "`unlink` takes one person"),
    ("whoami now", "`whoami` takes nothing after it"),
    ("users all", "`users` takes nothing after it"),
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
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert fragment in raised.value.message
    assert raised.value.message == str(raised.value)


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


def as_slack_sends(example: str) -> str:
    """The example as Slack delivers it once the person picked each @name from the list."""
    return re.sub(r"@([a-z]+)", lambda m: f"<@U0{m.group(1).upper()}|{m.group(1)}>", example)


@pytest.mark.parametrize(("text", "meaning"), HELP_EXAMPLES)
def test_every_help_example_parses(text: str, meaning: str) -> None:
    command = parse(as_slack_sends(text))
    assert meaning
    if text == "help":
        assert command == Help()
    else:
        assert not isinstance(command, Help)


def test_help_examples_cover_every_command() -> None:
    kinds = {type(parse(as_slack_sends(text))) for text, _ in HELP_EXAMPLES}
    assert kinds == {Assign, Link, Unlink, WhoAmI, ListUsers, History, Help}


def test_help_example_meanings() -> None:
    first = parse(as_slack_sends(HELP_EXAMPLES[0][0]))
    assert first == Assign("eval_123", ("t1", "t2", "t3"), 0, (SlackUser("U0ALICE"),))


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


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        "eval_1 " + "t1 " * (MEGABYTE // 3) + "to <@U1>",
        "eval_1 " + " ".join(f"t{i}" for i in range(MEGABYTE // 7)) + " to me",
        "eval_1 t1 to " + "<@U1> " * (MEGABYTE // 6),
        "a" * MEGABYTE,
        "<" * MEGABYTE,
        "<a " * (MEGABYTE // 3),
        "eval_1 <" + "a " * (MEGABYTE // 2),
        "&amp;" * (MEGABYTE // 5),
        ",;\n " * (MEGABYTE // 4),
        "eval_1 t1 " + "\ufdfa" * (MEGABYTE // 10),
    ],
    ids=[
        "dupes",
        "many",
        "mentions",
        "one-word",
        "lt",
        "open-angles",
        "unclosed",
        "amp",
        "seps",
        "nfkc",
    ],
)
def test_a_megabyte_is_handled(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert len(error.message) < 500
    else:
        assert isinstance(command, Assign | Help)


SLACKISH = st.sampled_from(
    [
        "<@U1>",
        "<@W2|bob>",
        "<@U1|a b>",
        "<!channel>",
        "<!here>",
        "<!subteam^S1|@team>",
        "<#C1|general>",
        "<https://x/evaluations/e1|e>",
        "<https://x/evaluations/>",
        "<",
        ">",
        "<>",
        "<@",
        "&amp;",
        "&lt;",
        "&gt;",
        "&",
        "to",
        "TO",
        "me",
        "and",
        "assign",
        "help",
        "link",
        "unlink",
        "whoami",
        "users",
        "sgp:",
        "sgp:u1",
        "@x",
        "eval_1",
        "t1",
        "?",
        ".",
        "“",
        "'",
        ",",
        ";",
        "\n",
        " ",
        "\u00a0",
        "\u200b",
        "\ufdfa",
        fullwidth("to"),
    ]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text() | st.lists(SLACKISH | st.text(max_size=4), max_size=30).map("".join))
def test_parse_returns_a_command_or_raises_usage_error(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert error.message
        assert len(error.message) < 500
    else:
        assert isinstance(command, Assign | Link | Unlink | WhoAmI | ListUsers | History | Help)


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


# -- history ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("history", History(10)),
        ("HISTORY", History(10)),
        ("assign history 20", History(20)),
        ("history 1", History(1)),
        ("history 100", History(100)),
        ("history, 5", History(5)),
        ("history 007", History(7)),
    ],
)
def test_history(text: str, expected: History) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("history 0", "`history` shows 1 to 100 assignments, not `0`"),
        ("history 101", "not `101`"),
        ("history 99999999999999999999", "1 to 100"),
        ("history lots", "`lots` is not a number"),
        ("history -5", "`-5` is not a number"),
        ("history 5 6", "`history` takes one number; remove `6`"),
        ("history <@U1>", "is not a number"),
        ("history \u0665", "is not a number"),  # an Arabic-Indic five is a digit, not ours
        ("histroy", "did you mean `history`?"),
    ],
)
def test_history_errors(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert fragment in raised.value.message


# -- hostile size ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "eval_1 " + "t1 " * 400_000 + "to me",
        "x" * (MAX_TEXT_CHARS + 1),
        "eval_1 t1 to me " + "\ufdfa" * (MAX_TEXT_CHARS // 10),  # NFKC makes each one 18
    ],
    ids=["a-megabyte", "one-over", "nfkc-expansion"],
)
def test_text_over_the_cap_is_refused_before_parsing(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert time.perf_counter() - started < 2.0
    assert f"more than the {MAX_TEXT_CHARS:,} I read" in raised.value.message
    assert "smaller requests" in raised.value.message


def test_text_at_the_cap_is_read() -> None:
    text = "eval_1 t1 to me"
    padded = text + " " * (MAX_TEXT_CHARS - len(text))
    assert parse(padded) == assign(("t1",), ME)


# -- nothing a person typed comes back as a ping or a link -------------------------------------

HOSTILE = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@UEVIL>",
        "<@UEVIL|evil>",
        "<http://x|y>",
        "<https://evil.example/evaluations/e1|click>",
        "<!subteam^S1|@team>",
        "&lt;!channel&gt;",
        "&lt;@UEVIL&gt;",
        "<#C1|general>",
        "<mailto:a@b|mail>",
    ]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE | SLACKISH | st.text(max_size=6), min_size=1, max_size=12).map(" ".join))
def test_error_messages_never_carry_markup_a_person_typed(text: str) -> None:
    """Errors quote what was typed; as rendered (describe) nothing can ping or link."""
    try:
        parse(text)
    except UsageError as error:
        shown = describe(error)
        assert "<" not in shown and ">" not in shown, shown
