"""Access rules and the audit trail in the service, where every surface passes through."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.core.authz import AccessPolicy, Refusal
from bot.core.commands import Assign, PlatformUser
from bot.core.outcome import summarize
from bot.core.requester import Requester
from bot.core.tasks import ChunkResult
from bot.fakes.sgp_server import FakeSGP
from bot.store.connection import Store
from bot.usecases.ports import GroupsUnavailable
from bot.usecases.refusals import NotAdmin, NotAllowed, NotRequester
from tests.fakes.server import free_port
from tests.unit.factories import task
from tests.unit.usecases.harness import Cases, make_cases

ADMIN = "UADMIN"
LEAD = Requester(team_id="T1", user_id="ULEAD", channel_id="CGOOD")
COMMAND = Assign("eval_1", ("t1", "t2"), 0, (PlatformUser("user-x"),))
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class Directory:
    """A GroupDirectory that counts its look-ups, or fails like Slack being down."""

    def __init__(self, groups: dict[str, frozenset[str]], *, down: bool = False) -> None:
        self.groups = groups
        self.down = down
        self.asked: list[str] = []

    async def members(self, group: str, team_id: str | None = None) -> frozenset[str]:
        self.asked.append(group)
        if self.down:
            raise GroupsUnavailable("usergroups.list: ratelimited")
        return self.groups.get(group, frozenset())


MakeService = Callable[..., Cases]


@pytest.fixture
async def make_service() -> AsyncIterator[MakeService]:
    made: list[Cases] = []

    def make(
        policy: AccessPolicy | None = None,
        groups: Directory | None = None,
        store: Store | None = None,
    ) -> Cases:
        service = make_cases(
            FakeSGP(api_key="sgp-test-key-1234"),
            admins=frozenset({ADMIN}),
            policy=policy,
            store=store,
            groups=groups,
            clock=lambda: NOW,
        )
        made.append(service)
        return service

    yield make
    for service in made:
        await service.aclose()


async def stored_keys(service: Cases) -> list[str]:
    return [key async for key in service.store.redis.scan_iter(match="*")]


async def test_a_refused_request_stores_nothing(make_service: MakeService) -> None:
    service = make_service(AccessPolicy(users=frozenset({"UOK"})))
    with pytest.raises(NotAllowed) as refused:
        await service.assigning.prepare(LEAD, COMMAND)
    assert refused.value.refusal is Refusal.USER
    assert refused.value.policy.admins == frozenset({ADMIN}), "admins come from `admins`"
    assert await stored_keys(service) == []
    await service.assigning.prepare(Requester("T1", "UOK", "CANY"), COMMAND)
    await service.assigning.prepare(Requester("T1", ADMIN, "CANY"), COMMAND)


async def test_groups_are_asked_only_when_they_decide(make_service: MakeService) -> None:
    directory = Directory({"leads": frozenset({"ULEAD"}), "other": frozenset({"UX"})})
    policy = AccessPolicy(
        users=frozenset({"UOK"}),
        groups=frozenset({"leads", "other"}),
        channels=frozenset({"CGOOD"}),
    )
    service = make_service(policy, directory)
    await service.assigning.prepare(LEAD, COMMAND)
    assert sorted(directory.asked) == ["leads", "other"]
    directory.asked.clear()
    for requester in (
        Requester("T1", "UOK", "CGOOD"),  # allowed by name
        Requester("T1", ADMIN, "CBAD"),  # an admin
    ):
        await service.assigning.prepare(requester, COMMAND)
    with pytest.raises(NotAllowed) as refused:
        await service.assigning.prepare(Requester("T1", "ULEAD", "CBAD"), COMMAND)
    assert refused.value.refusal is Refusal.CHANNEL
    assert directory.asked == [], "no look-up when the answer is known without one"


async def test_groups_that_cannot_be_read_refuse_for_now(make_service: MakeService) -> None:
    service = make_service(AccessPolicy(groups=frozenset({"leads"})), Directory({}, down=True))
    with pytest.raises(NotAllowed) as refused:
        await service.assigning.prepare(LEAD, COMMAND)
    assert refused.value.groups_unchecked
    no_directory = make_service(AccessPolicy(groups=frozenset({"leads"})))
    with pytest.raises(NotAllowed) as refused:
        await no_directory.access.check_may_assign(LEAD)
    assert refused.value.groups_unchecked


async def test_requester_or_admin_answers(make_service: MakeService) -> None:
    service = make_service()
    pending = await service.assigning.prepare(LEAD, COMMAND)
    with pytest.raises(NotRequester):
        await service.assigning.cancel(pending.token, "UBOB")
    with pytest.raises(NotRequester):
        await service.assigning.confirm(pending.token, "")
    taken = await service.assigning.confirm(pending.token, ADMIN)
    assert taken.requester_id == "ULEAD", "the admin answers for the requester"


async def test_self_linking(make_service: MakeService) -> None:
    closed = make_service()
    with pytest.raises(NotAdmin) as refused:
        await closed.people.link("T1", "UA", "UA", "user-a")
    assert not refused.value.self_link

    service = make_service(AccessPolicy(allow_self_link=True))
    assert await service.people.link("T1", "UA", "UA", "user-a") is None
    with pytest.raises(NotAdmin) as refused:
        await service.people.link("T1", "UA", "UB", "user-b")
    assert refused.value.self_link
    with pytest.raises(NotAdmin):
        await service.people.unlink("T1", "UA", "UB")
    assert await service.people.unlink("T1", "UA", "UA") == "user-a"
    assert await service.people.link("T1", ADMIN, "UB", "user-b") is None


async def test_record_logs_one_json_line_and_appends_to_the_stream(
    make_service: MakeService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.audit")
    service = make_service()
    pending = await service.assigning.prepare(LEAD, COMMAND)
    results = [[ChunkResult(("t1", "t2"), tasks=(task("t1", assigned_to="user-x"),))]]
    summary = summarize(pending.confirmation, results)

    record = await service.audit.record(pending.confirmation, summary, "https://x/p1")

    [line] = [r for r in caplog.records if r.name == "bot.audit"]
    logged = json.loads(line.getMessage())
    assert logged == {"event": "assignment", **record.model_dump(mode="json")}
    assert line.audit == record.model_dump(mode="json")  # type: ignore[attr-defined]
    assert (logged["requested"], logged["assigned"], logged["failed"]) == (2, 1, 1)
    assert logged["at"] == "2026-11-22T12:00:00Z" and logged["channel_id"] == "CGOOD"
    assert await service.audit.history("T1", ADMIN, 10) == [record]
    with pytest.raises(NotAdmin) as refused:
        await service.audit.history("T1", "ULEAD", 10)
    assert refused.value.action == "see the assignment history"


async def test_record_survives_a_store_that_went_away(
    make_service: MakeService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    working = make_service()
    pending = await working.assigning.prepare(LEAD, COMMAND)
    summary = summarize(pending.confirmation, [[ChunkResult(("t1", "t2"))]])
    down = Store(Redis(port=free_port(), decode_responses=True, retry=Retry(NoBackoff(), 0)))
    service = make_service(store=down)

    await service.audit.record(pending.confirmation, summary, None)  # no exception

    assert any(r.name == "bot.audit" for r in caplog.records), "the log line still went out"
    assert any("audit stream" in r.getMessage() for r in caplog.records)
