"""The use cases without Slack: resolving people, splitting work, running it once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.commands import Assign, Me, PlatformUser, SlackUser
from bot.core.job import SurfaceRef
from bot.core.requester import Requester
from bot.fakes.sgp_server import FakeSGP
from bot.jobs.runner import JobRunner
from bot.usecases.refusals import ConfirmationGone, NotAdmin, NotRequester, UnlinkedAssignees
from tests.unit.usecases.harness import Cases, make_cases

REQUESTER = Requester(team_id="T1", user_id="ULEAD", channel_id="C1")


@pytest.fixture
def fake_sgp() -> tuple[FakeSGP, str]:
    return FakeSGP(api_key="sgp-test-key-1234"), ""


@pytest.fixture
async def service(fake_sgp: tuple[FakeSGP, str]) -> AsyncIterator[Cases]:
    cases = make_cases(fake_sgp[0], chunk_size=2)
    yield cases
    await cases.aclose()


def command(ids: list[str], *assignees: SlackUser | Me | PlatformUser) -> Assign:
    return Assign("eval_1", tuple(ids), 0, tuple(assignees))


async def test_several_assignees_get_contiguous_even_shares(
    service: Cases, fake_sgp: tuple[FakeSGP, str]
) -> None:
    fake, _ = fake_sgp
    ids = [f"t{i}" for i in range(1, 8)]
    fake.add_tasks("eval_1", ids)
    await service.store.identities.link("T1", "UA", "user-a")
    await service.store.identities.link("T1", "ULEAD", "user-lead")
    pending = await service.assigning.prepare(
        REQUESTER, command(ids, SlackUser("UA"), Me(), PlatformUser("user-c"))
    )
    shares = pending.confirmation.shares
    assert [s.task_ids for s in shares] == [("t1", "t2", "t3"), ("t4", "t5"), ("t6", "t7")]
    assert [s.assignee.platform_user_id for s in shares] == ["user-a", "user-lead", "user-c"]
    assert [s.assignee.slack_user_id for s in shares] == ["UA", "ULEAD", None]

    progress: list[tuple[int, int]] = []

    async def record(done: int, total: int) -> None:
        progress.append((done, total))

    taken = await service.assigning.confirm(pending.token, "ULEAD")
    job = await service.assigning.submit(taken, SurfaceRef())
    claimed = await service.jobs.queue.claim("w1", 60_000, block_ms=10)
    assert claimed is not None and claimed.job.id == job.id
    runner = JobRunner(service.jobs.records, service.platform, "w1", 60_000)
    summary = await runner.run(claimed.job, on_progress=record)
    assert summary.assigned == 7
    # Chunks of at most 2: (t1 t2) (t3) for the first share, one chunk for each other share.
    assert progress[-1] == (7, 7) and len(progress) == 4
    bodies = [(c.json["assigned_to"], c.json["task_ids"]) for c in fake.batch_assign_calls()]
    assert sorted(bodies) == sorted(
        [
            ("user-a", ["t1", "t2"]),
            ("user-a", ["t3"]),
            ("user-lead", ["t4", "t5"]),
            ("user-c", ["t6", "t7"]),
        ]
    )


async def test_every_unlinked_assignee_is_named_at_once(service: Cases) -> None:
    with pytest.raises(UnlinkedAssignees) as caught:
        await service.assigning.prepare(
            REQUESTER, command(["t1"], SlackUser("UX"), Me(), SlackUser("UY"))
        )
    assert caught.value.slack_user_ids == ("UX", "ULEAD", "UY")
    assert caught.value.admins == frozenset({"UADMIN"})


async def test_confirmation_is_taken_once_and_only_by_its_requester(
    service: Cases,
) -> None:
    pending = await service.assigning.prepare(REQUESTER, command(["t1"], PlatformUser("u")))
    with pytest.raises(NotRequester):
        await service.assigning.confirm(pending.token, "USOMEONE")
    await service.assigning.cancel(pending.token, "ULEAD")
    with pytest.raises(ConfirmationGone) as caught:
        await service.assigning.confirm(pending.token, "ULEAD")
    assert caught.value.ending == "cancelled"
    with pytest.raises(ConfirmationGone) as unknown:
        await service.assigning.confirm("never-issued-token-xyz", "ULEAD")
    assert unknown.value.ending is None


async def test_only_admins_change_links(service: Cases) -> None:
    with pytest.raises(NotAdmin):
        await service.people.link("T1", "ULEAD", "UA", "user-a")
    assert await service.people.link("T1", "UADMIN", "UA", "user-a") is None
    assert await service.people.link("T1", "UADMIN", "UA", "user-b") == "user-a"
    assert await service.people.links("T1") == {"UA": "user-b"}
    assert await service.people.unlink("T1", "UADMIN", "UA") == "user-b"
