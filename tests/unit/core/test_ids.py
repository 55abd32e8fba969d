"""Id rules and reading ids out of Slack text: one table per function."""

from __future__ import annotations

import pytest

from bot.core import ids

LONGEST = "a" * ids.ID_MAX_LENGTH
TOO_LONG = "a" * (ids.ID_MAX_LENGTH + 1)


@pytest.mark.parametrize(
    ("token", "valid"),
    [
        ("eval_123", True),
        ("t1", True),
        ("0", True),
        ("A-b.c:d_e", True),
        ("3f2a9c1e-0b6d-4c1e-9f0a-2b7d8e9f0a1b", True),
        ("sgp:user_42", True),
        (LONGEST, True),
        (TOO_LONG, False),
        ("", False),
        ("_t1", False),
        ("-t1", False),
        (".t1", False),
        (":t1", False),
        ("a<b", False),
        ("a b", False),
        ("a/b", False),
        ("a,b", False),
        ("<!channel>", False),
        ("é1", False),
        ("t1\n", False),
        ("\uff11\uff12", False),  # full-width digits: the grammar folds them first
    ],
)
def test_is_valid_id(token: str, valid: bool) -> None:
    assert ids.is_valid_id(token) is valid


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("t1", None),
        (LONGEST, None),
        ("", "empty"),
        (TOO_LONG, f"{ids.ID_MAX_LENGTH + 1} characters"),
        ("a<b", "contains `<`"),
        ("_x", "starts with `_`"),
        ("a b", "contains ` `"),
    ],
)
def test_id_problem_names_the_rule(token: str, problem: str | None) -> None:
    found = ids.id_problem(token)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
    assert (found is None) is ids.is_valid_id(token)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("eval_123", "eval_123"),
        ("  eval_123  ", "eval_123"),
        ("https://app.sgp.scale.com/evaluations/eval_123", "eval_123"),
        ("https://app.sgp.scale.com/evaluations/eval_123?tab=tasks", "eval_123"),
        ("https://app.sgp.scale.com/evaluations/eval_123#top", "eval_123"),
        ("https://app.sgp.scale.com/evaluations/eval_123/", "eval_123"),
        ("https://app.sgp.scale.com/acct_1/evaluations/eval_123/tasks/t9", "eval_123"),
        ("https://app.sgp.scale.com/Evaluations/Eval_123", "Eval_123"),
        ("http://localhost:3000/evaluations/e-1", "e-1"),
        ("app.sgp.scale.com/evaluations/eval_123", "eval_123"),
        ("<https://app.sgp.scale.com/evaluations/eval_123>", "eval_123"),
        ("<https://x/evaluations/abc/tasks|label>", "abc"),
        ("<https://x/evaluations/abc?tab=tasks&amp;page=2|see this>", "abc"),
        ("https://x/evaluations/a%2Db", "a-b"),
        # not an evaluation
        ("", None),
        ("a<b", None),
        (TOO_LONG, None),
        ("https://app.sgp.scale.com/evaluations", None),
        ("https://app.sgp.scale.com/evaluations/", None),
        ("https://app.sgp.scale.com/evaluations/?id=eval_123", None),
        ("https://app.sgp.scale.com/datasets/eval_123", None),
        ("https://x/evaluations/bad%20id", None),
        (f"https://x/evaluations/{TOO_LONG}", None),
        ("ftp://x/evaluations/abc", None),
        ("http://[::1/evaluations/abc", None),  # unparseable URL: None, not an exception
        ("<@U123>", None),
        ("<#C123|general>", None),
        ("<!channel>", None),
        ("<!subteam^S123|@team>", None),
        ("<https://x/evaluations/abc", None),
        ("<>", None),
    ],
)
def test_evaluation_id_from(token: str, expected: str | None) -> None:
    assert ids.evaluation_id_from(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<@U123ABC>", "U123ABC"),
        ("<@U123ABC|alice>", "U123ABC"),
        ("<@W123|alice smith>", "W123"),
        (" <@U1> ", "U1"),
        ("<@u123>", None),
        ("<@B123>", None),
        ("<@U12-3>", None),
        ("@alice", None),
        ("U123", None),
        ("<@U123", None),
        ("<#C123|general>", None),
        ("<!here>", None),
        ("<!subteam^S123|@team>", None),
        ("<@U123>x", None),
        ("<@U" + "A" * ids.ID_MAX_LENGTH + ">", None),
    ],
)
def test_slack_user_from(token: str, expected: str | None) -> None:
    assert ids.slack_user_from(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("sgp:user_42", "user_42"),
        ("SGP:User_42", "User_42"),
        ("Sgp:a:b", "a:b"),
        ("sgp:", None),
        ("sgp:_x", None),
        ("sgp:a<b", None),
        (f"sgp:{TOO_LONG}", None),
        ("user_42", None),
        ("sgpuser_42", None),
        ("<@U123>", None),
    ],
)
def test_platform_user_from(token: str, expected: str | None) -> None:
    assert ids.platform_user_from(token) == expected


HOSTS = ("app.sgp.scale.com",)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("eval_7", "eval_7"),
        ("https://app.sgp.scale.com/evaluations/eval_7", "eval_7"),
        ("https://APP.SGP.scale.com/evaluations/eval_7", "eval_7"),
        ("<https://app.sgp.scale.com/evaluations/eval_7|the eval>", "eval_7"),
        ("app.sgp.scale.com/evaluations/eval_7", "eval_7"),
        ("/evaluations/eval_7", "eval_7"),
        ("https://evil.example/evaluations/eval_7", None),
        ("<https://evil.example/evaluations/eval_7|app.sgp.scale.com>", None),
        ("evil.example/evaluations/eval_7", None),
        ("https://app.sgp.scale.com.evil.example/evaluations/eval_7", None),
        ("https://evil.example/app.sgp.scale.com/evaluations/eval_7", None),
    ],
)
def test_links_count_only_on_the_platform_hosts(token: str, expected: str | None) -> None:
    assert ids.evaluation_id_from(token, HOSTS) == expected


def test_without_hosts_any_link_counts_and_a_star_allows_any_host() -> None:
    link = "https://evil.example/evaluations/eval_7"
    assert ids.evaluation_id_from(link) == "eval_7"
    assert ids.evaluation_id_from(link, ("*",)) == "eval_7"
    assert ids.evaluation_id_from(link, ()) is None


def test_a_link_to_another_host_is_refused_in_words() -> None:
    problem = ids.link_host_problem("https://evil.example/evaluations/eval_7", HOSTS)
    assert problem is not None
    assert "evil.example" in problem and "app.sgp.scale.com" in problem
    assert "ASSIGN_PLATFORM_HOSTS" in problem
    assert ids.link_host_problem("https://app.sgp.scale.com/evaluations/eval_7", HOSTS) is None
    assert ids.link_host_problem("eval_7", HOSTS) is None
    assert ids.link_host_problem("https://evil.example/datasets/x", HOSTS) is None
