"""The Workflow Builder step's inputs -> an Assign, by /assign's id rules (table tests)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.authz import AccessPolicy
from bot.core.commands import Assign, PlatformUser, SlackUser, UsageError
from bot.core.query import NextTasks, UnassignedTasks
from bot.core.workflow import (
    NEEDS_AUTO_CONFIRM,
    NEEDS_CHANNEL,
    acting_requester,
    outputs,
    step_request,
)

PERSON: dict[str, Any] = {
    "interactor": {"id": "ULEAD", "secret": "x"},
    "interactivity_pointer": "p",
}
BASE: dict[str, Any] = {
    "evaluation_id": "eval_1",
    "task_ids": "t1",
    "assignees": ["UALICE"],
    "interactivity": PERSON,
}
#: A scheduled run: no `interactivity`, so it must confirm itself and name its channel.
SCHEDULED: dict[str, Any] = {"interactivity": None, "auto_confirm": True, "channel_id": "CTEAM"}


def request(**inputs: Any) -> Any:
    return step_request({**BASE, **inputs}, max_ids=100)


@pytest.mark.parametrize(
    ("task_ids", "expected", "dropped"),
    [
        ("t1 t2 t3", ("t1", "t2", "t3"), 0),
        ("t1,t2, t3", ("t1", "t2", "t3"), 0),
        ("t1\nt2\r\nt3\n", ("t1", "t2", "t3"), 0),
        ("t1; t2 ;t1", ("t1", "t2"), 1),
        ("  t9  ", ("t9",), 0),
    ],
)
def test_task_ids_are_separated_by_spaces_commas_or_new_lines(
    task_ids: str, expected: tuple[str, ...], dropped: int
) -> None:
    command = request(task_ids=task_ids).command
    assert command.task_ids == expected and command.duplicates_dropped == dropped
    assert command.query is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("next 20", NextTasks(count=20)),
        ("Next 1", NextTasks(count=1)),
        (" unassigned ", UnassignedTasks()),
    ],
)
def test_a_query_picks_the_tasks_instead(query: str, expected: object) -> None:
    command = request(task_ids="", query=query).command
    assert command.query == expected and command.task_ids == ()
    assert step_request({**BASE, "query": query, "task_ids": None}, 100).command.query == expected


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"evaluation_id": ""}, "`evaluation_id` input is empty"),
        ({"evaluation_id": "eval 1"}, "not an evaluation id"),
        ({"evaluation_id": 7}, "must be text"),
        ({"task_ids": ""}, "Which tasks?"),
        ({"task_ids": "t1 <b>"}, "not a task id"),
        ({"task_ids": " ".join(f"t{i}" for i in range(101))}, "more than the 100"),
        ({"query": "next"}, "is not a query"),
        ({"query": "next 0", "task_ids": ""}, "picks 1 to 100 tasks"),
        ({"query": "next 500", "task_ids": ""}, "picks 1 to 100 tasks"),
        ({"query": "all of them"}, "is not a query"),
        ({"query": "next 5"}, "not both"),
        ({"assignees": []}, "`assignees` input is empty"),
        ({"assignees": None}, "`assignees` input is empty"),
        ({"assignees": ["alice"]}, "not a Slack user"),
        ({"assignees": [{"id": "U1"}]}, "not a Slack user"),
        ({"channel_id": "#general"}, "not a Slack channel id"),
        ({"auto_confirm": "maybe"}, "must be true or false"),
    ],
)
def test_bad_inputs_name_the_input_to_fix(inputs: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as raised:
        request(**inputs)
    assert words in raised.value.message


def test_people_are_slack_users_or_platform_users_each_once_in_order() -> None:
    command = request(assignees=["UBOB", "sgp:user_9", "<@WALICE|alice>", "UBOB"]).command
    assert command.assignees == (SlackUser("UBOB"), PlatformUser("user_9"), SlackUser("WALICE"))
    assert request(assignees="UBOB, UALICE").command.assignees == (
        SlackUser("UBOB"),
        SlackUser("UALICE"),
    )


def test_an_evaluation_link_names_its_evaluation() -> None:
    link = "https://app.sgp.scale.com/evaluations/eval_42?tab=tasks"
    assert request(evaluation_id=link).command == Assign(
        evaluation_id="eval_42",
        task_ids=("t1",),
        duplicates_dropped=0,
        assignees=(SlackUser("UALICE"),),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), (False, False), (True, True), ("true", True), ("false", False), ("", False)],
)
def test_auto_confirm_defaults_to_false(value: object, expected: bool) -> None:
    assert request(auto_confirm=value).auto_confirm is expected


def test_the_requester_is_the_interactor_slack_names() -> None:
    assert request().requester_id == "ULEAD"
    assert request(**SCHEDULED).requester_id is None
    bad = {"interactor": {"id": "not a user"}}
    assert request(**{**SCHEDULED, "interactivity": bad}).requester_id is None


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [
        ({"auto_confirm": False}, NEEDS_AUTO_CONFIRM),
        ({"auto_confirm": None}, NEEDS_AUTO_CONFIRM),
        ({"auto_confirm": False, "channel_id": ""}, NEEDS_AUTO_CONFIRM),
        ({"channel_id": ""}, NEEDS_CHANNEL),
        ({"channel_id": None}, NEEDS_CHANNEL),
    ],
)
def test_a_run_nobody_started_needs_auto_confirm_and_a_channel(
    inputs: dict[str, Any], reason: str
) -> None:
    with pytest.raises(UsageError) as raised:
        request(**{**SCHEDULED, **inputs})
    assert raised.value.message == reason
    assert ("`auto_confirm`" if reason == NEEDS_AUTO_CONFIRM else "`channel_id`") in reason


def test_a_scheduled_run_with_auto_confirm_and_a_channel_is_a_request() -> None:
    scheduled = request(**SCHEDULED, task_ids="", query="next 20")
    assert scheduled.requester_id is None and scheduled.auto_confirm
    assert scheduled.channel_id == "CTEAM" and scheduled.command.query == NextTasks(count=20)


OPEN = AccessPolicy(admins=frozenset({"UADMIN"}))
CHANNELS = AccessPolicy(channels=frozenset({"CTEAM"}))
USERS = AccessPolicy(users=frozenset({"ULEAD"}))
GROUPS = AccessPolicy(groups=frozenset({"eval-leads"}))


@pytest.mark.parametrize(
    ("person", "runs_as", "policy", "acts_as"),
    [
        (True, None, USERS, "ULEAD"),  # a person is checked as themself, whatever is set
        (True, "USERVICE", OPEN, "ULEAD"),
        (False, "USERVICE", USERS, "USERVICE"),  # the configured user, checked like a person
        (False, "USERVICE", OPEN, "USERVICE"),
        (False, None, OPEN, "workflow:Fx9"),  # open to everyone: the workflow itself
        (False, None, CHANNELS, "workflow:Fx9"),  # channels still apply, to the step's channel
        (False, None, USERS, None),  # allowed people only and nobody to check: refused
        (False, None, GROUPS, None),
        (False, "", GROUPS, None),
    ],
)
def test_whom_a_run_acts_as(
    person: bool, runs_as: str | None, policy: AccessPolicy, acts_as: str | None
) -> None:
    run = request() if person else request(**SCHEDULED)
    assert acting_requester(run, "Fx9", runs_as, policy) == acts_as


def test_the_channel_is_optional() -> None:
    assert request().channel_id is None, "a person's run may go to their DMs"
    assert request(channel_id="C123").channel_id == "C123"


def test_outputs_keep_their_contract_names() -> None:
    assert outputs(3, 1, None) == {
        "assigned_count": 3,
        "failed_count": 1,
        "summary_permalink": "",
    }
