"""The service with the platform's listings: matching by email, queries and warnings (undo:
test_undo_reads.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.core.commands import Assign, AssigneeRef, PlatformUser, SlackUser
from bot.core.confirmation import Confirmation
from bot.core.query import NextTasks, UnassignedTasks
from bot.core.requester import Requester
from bot.fakes.sgp_server import FakeSGP
from bot.sgp.errors import NotFoundError
from bot.usecases.matching import MATCHES
from bot.usecases.refusals import (
    NothingToPick,
    TooManyToPick,
    UnlinkedAssignees,
)
from tests.unit.usecases.harness import Cases, make_cases

KEY = "sgp-test-key-1234"
REQUESTER = Requester(team_id="T1", user_id="ULEAD", channel_id="C1")
EVAL = "eval_1"


class Emails:
    """An EmailDirectory with fixed answers that counts the questions."""

    def __init__(self, emails: dict[str, str]) -> None:
        self.emails = emails
        self.asked: list[str] = []

    async def email_of(self, slack_user_id: str) -> str | None:
        self.asked.append(slack_user_id)
        return self.emails.get(slack_user_id)


@pytest.fixture
def fake() -> FakeSGP:
    fake = FakeSGP(api_key=KEY)
    return fake


@pytest.fixture
def emails() -> Emails:
    return Emails(
        {
            "UALICE": "Alice@Example.com",
            "UBOB": "bob@example.com",
            "USAM": "sam@example.com",
            "UNOBODY": "nobody@example.com",
        }
    )


@pytest.fixture
async def service(fake: FakeSGP, emails: Emails) -> AsyncIterator[Cases]:
    cases = make_cases(fake, emails=emails, listing_seconds=2.0)
    yield cases
    await cases.aclose()


def org(fake: FakeSGP) -> None:
    fake.add_org_users(
        {"id": "user_alice", "email": "alice@example.com", "first_name": "Alice"},
        {"id": "user_bob", "email": "bob@example.com"},
        {"id": "user_sam_1", "email": "sam@example.com"},
        {"id": "user_sam_2", "email": "SAM@example.com"},  # two platform users, one address
        {"id": "user_noemail"},
    )


def ids_of(*refs: AssigneeRef, task_ids: tuple[str, ...] = ("t1",)) -> Assign:
    return Assign(EVAL, task_ids, 0, refs)


def picked(query: NextTasks | UnassignedTasks, *refs: AssigneeRef) -> Assign:
    return Assign(EVAL, (), 0, refs, query=query)


async def run(service: Cases, confirmation: Confirmation) -> int:
    """What a job does with a confirmation, without the queue: how many tasks got assigned."""
    assigned = 0
    for share in confirmation.shares:
        user = share.assignee.platform_user_id
        for result in await service.platform.assign_chunked(EVAL, share.task_ids, user):
            assigned += sum(1 for task in result.tasks if task.assigned_to == user)
    return assigned


# --- matching by email ----------------------------------------------------------------------


async def test_an_unlinked_user_is_matched_by_email_ignoring_case(
    service: Cases, fake: FakeSGP, emails: Emails
) -> None:
    org(fake)
    fake.add_tasks(EVAL, ["t1"])

    pending = await service.assigning.prepare(REQUESTER, ids_of(SlackUser("UALICE")))

    [share] = pending.confirmation.shares
    assert share.assignee.platform_user_id == "user_alice"
    assert share.assignee.matched_by_email is True
    key = service.store.cache.key(MATCHES, "T1:UALICE")
    assert await service.store.redis.get(key) == '"user_alice"'
    assert 0 < await service.store.redis.ttl(key) <= 6 * 3600

    # The match is cached: the next request asks neither Slack nor the platform.
    asked, listings = len(emails.asked), len(fake.listing_calls("org-users"))
    again = await service.assigning.prepare(REQUESTER, ids_of(SlackUser("UALICE")))
    assert again.confirmation.shares[0].assignee.matched_by_email
    assert len(emails.asked) == asked and len(fake.listing_calls("org-users")) == listings


async def test_no_platform_user_with_the_email_is_unlinked(service: Cases, fake: FakeSGP) -> None:
    org(fake)
    with pytest.raises(UnlinkedAssignees) as caught:
        await service.assigning.prepare(
            REQUESTER, ids_of(SlackUser("UNOBODY"), SlackUser("UNKNOWN"))
        )
    assert caught.value.slack_user_ids == ("UNOBODY", "UNKNOWN")


async def test_an_ambiguous_email_is_not_matched(service: Cases, fake: FakeSGP) -> None:
    org(fake)
    with pytest.raises(UnlinkedAssignees) as caught:
        await service.assigning.prepare(REQUESTER, ids_of(SlackUser("USAM"), SlackUser("UBOB")))
    assert caught.value.slack_user_ids == ("USAM",)
    assert await service.store.cache.get(MATCHES, "T1:USAM") is None


async def test_an_explicit_link_wins_over_the_email(
    service: Cases, fake: FakeSGP, emails: Emails
) -> None:
    org(fake)
    fake.add_tasks(EVAL, ["t1", "t2"])
    await service.store.identities.link("T1", "UALICE", "user_alice_other")

    pending = await service.assigning.prepare(
        REQUESTER, ids_of(SlackUser("UALICE"), SlackUser("UBOB"), task_ids=("t1", "t2"))
    )

    alice, bob = (share.assignee for share in pending.confirmation.shares)
    assert (alice.platform_user_id, alice.matched_by_email) == ("user_alice_other", False)
    assert (bob.platform_user_id, bob.matched_by_email) == ("user_bob", True)
    assert emails.asked == ["UBOB"], "a linked user's email is never looked up"


async def test_one_listing_of_the_organization_for_several_people(
    service: Cases, fake: FakeSGP
) -> None:
    org(fake)
    fake.add_tasks(EVAL, ["t1", "t2"])
    await service.assigning.prepare(
        REQUESTER, ids_of(SlackUser("UALICE"), SlackUser("UBOB"), task_ids=("t1", "t2"))
    )
    assert len(fake.listing_calls("org-users")) == 1


async def test_a_platform_that_fails_means_no_match_not_a_crash(
    service: Cases, fake: FakeSGP
) -> None:
    org(fake)
    fake.fail_next(500, route="org-users")
    with pytest.raises(UnlinkedAssignees):
        await service.assigning.prepare(REQUESTER, ids_of(SlackUser("UALICE")))


async def test_without_a_directory_nothing_is_matched(fake: FakeSGP) -> None:
    org(fake)
    plain = make_cases(fake, admins=frozenset())
    with pytest.raises(UnlinkedAssignees):
        await plain.assigning.prepare(REQUESTER, ids_of(SlackUser("UALICE")))
    await plain.aclose()
    assert fake.listing_calls("org-users") == []


# --- picking tasks by query -----------------------------------------------------------------


def seed_mixed(fake: FakeSGP) -> None:
    """30 tasks over 8 pages of 4: every third assigned, every fifth completed, a few urgent."""
    fake.page_cap = 4
    for i in range(30):
        fields: dict[str, object] = {"priority": 0}
        if i % 3 == 0:
            fields["assigned_to"] = "user_someone"
        if i % 5 == 0:
            fields["status"] = "COMPLETED"
        if i in (28, 29):
            fields["priority"] = 9
        fake.add_tasks(EVAL, [f"t{i}"], **fields)


async def test_next_picks_pending_unassigned_tasks_across_pages_priority_first(
    service: Cases, fake: FakeSGP
) -> None:
    seed_mixed(fake)

    pending = await service.assigning.prepare(
        REQUESTER, picked(NextTasks(count=5), PlatformUser("user_a"), PlatformUser("user_b"))
    )

    confirmation = pending.confirmation
    # t28 and t29 have priority 9 (ties keep the platform's order), then the rest in order.
    assert [s.task_ids for s in confirmation.shares] == [("t28", "t29", "t1"), ("t2", "t4")]
    assert confirmation.query == NextTasks(count=5)
    assert confirmation.checks is not None and not confirmation.checks.any
    assert len(fake.listing_calls("test-case-results")) == 8

    taken = await service.assigning.confirm(pending.token, "ULEAD")
    assert await run(service, taken) == 5
    sent = sorted(tuple(c.json["task_ids"]) for c in fake.batch_assign_calls())
    assert sent == [("t2", "t4"), ("t28", "t29", "t1")], "exactly the previewed ids"


async def test_unassigned_picks_every_one_split_evenly(service: Cases, fake: FakeSGP) -> None:
    seed_mixed(fake)
    pending = await service.assigning.prepare(
        REQUESTER, picked(UnassignedTasks(), PlatformUser("user_a"), PlatformUser("user_b"))
    )
    every = [i for i in range(30) if i % 3 and i % 5]
    expected = ["t28", "t29", *(f"t{i}" for i in every if i < 28)]
    shares = [s.task_ids for s in pending.confirmation.shares]
    assert [*shares[0], *shares[1]] == expected
    assert abs(len(shares[0]) - len(shares[1])) <= 1


async def test_a_query_that_finds_nothing_is_refused(service: Cases, fake: FakeSGP) -> None:
    fake.add_tasks(EVAL, ["t1"], status="COMPLETED")
    fake.add_tasks(EVAL, ["t2"], assigned_to="user_x")
    with pytest.raises(NothingToPick):
        await service.assigning.prepare(
            REQUESTER, picked(NextTasks(count=3), PlatformUser("user_a"))
        )
    assert await service.store.redis.keys("t:confirmation:*") == []


async def test_unassigned_beyond_the_most_a_query_may_pick_is_refused(
    service: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2", "t3"])
    service.assigning.config = replace(service.assigning.config, max_picked=2)
    with pytest.raises(TooManyToPick) as refused:
        await service.assigning.prepare(REQUESTER, picked(UnassignedTasks(), PlatformUser("u")))
    assert (refused.value.found, refused.value.most) == (3, 2)
    pending = await service.assigning.prepare(
        REQUESTER, picked(NextTasks(count=2), PlatformUser("user_a"))
    )
    assert pending.confirmation.task_count == 2


async def test_a_query_keeps_who_had_the_tasks_for_the_undo(service: Cases, fake: FakeSGP) -> None:
    fake.add_tasks(EVAL, [f"t{i}" for i in range(2500)])  # three pages
    pending = await service.assigning.prepare(
        REQUESTER, picked(UnassignedTasks(), PlatformUser("user_a"))
    )
    assert pending.confirmation.task_count == 2500
    assert pending.confirmation.before is not None
    assert pending.confirmation.before.previous == {}, "every picked task had nobody"
    assert await service.undo.snapshot(pending.confirmation) is None, "nothing to give back"


async def test_a_query_needs_the_listing(service: Cases) -> None:
    with pytest.raises(NotFoundError):
        await service.assigning.prepare(
            REQUESTER, picked(UnassignedTasks(), PlatformUser("user_a"))
        )


# --- warnings in the preview ----------------------------------------------------------------


async def test_the_preview_counts_completed_and_already_assigned_tasks(
    service: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"])
    fake.add_tasks(EVAL, ["t3", "t4"], assigned_to="user_x")
    fake.add_tasks(EVAL, ["t5"], assigned_to="user_a")
    fake.add_tasks(EVAL, ["t6"], status="COMPLETED")

    pending = await service.assigning.prepare(
        REQUESTER,
        ids_of(PlatformUser("user_a"), task_ids=("t1", "t2", "t3", "t4", "t5", "t6", "t_unknown")),
    )

    checks = pending.confirmation.checks
    assert checks is not None and checks.checked
    assert (checks.assigned_elsewhere, checks.assigned_elsewhere_ids) == (2, ("t3", "t4"))
    assert (checks.completed, checks.completed_ids) == (1, ("t6",))


async def test_a_failing_listing_previews_without_warnings(service: Cases, fake: FakeSGP) -> None:
    fake.add_tasks(EVAL, ["t1"], status="COMPLETED")
    fake.fail_next(500, route="test-case-results")
    pending = await service.assigning.prepare(REQUESTER, ids_of(PlatformUser("user_a")))
    assert pending.confirmation.checks is not None
    assert not pending.confirmation.checks.checked


async def test_a_slow_listing_previews_without_warnings_in_time(
    service: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1"], status="COMPLETED")
    fake.latency_per_request = 1.0
    pending = await service.assigning.prepare(
        REQUESTER, ids_of(PlatformUser("user_a")), check_seconds=0.2
    )
    assert pending.confirmation.checks is not None
    assert not pending.confirmation.checks.checked
