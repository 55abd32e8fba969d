"""The use cases without Slack: resolving people, splitting work, running it once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import fakeredis
import pytest

from bot.core.grammar import Assign, Me, PlatformUser, SlackUser
from bot.core.job import SurfaceRef
from bot.refusals import ConfirmationGone, NotAdmin, NotRequester, UnlinkedAssignees
from bot.runner import JobRunner
from bot.service import AssignService, Requester
from bot.sgp.client import SGPClient
from bot.store.connection import Store
from tests.fakes.server import ServerThread
from tests.fakes.sgp_server import FakeSGP

REQUESTER = Requester(team_id="T1", user_id="ULEAD", channel_id="C1")


@pytest.fixture
def fake_sgp() -> Iterator[tuple[FakeSGP, str]]:
    fake = FakeSGP(api_key="sgp-test-key-1234")
    server = ServerThread(fake.app).start()
    yield fake, server.url
    server.stop()


@pytest.fixture
async def service(fake_sgp: tuple[FakeSGP, str]) -> AsyncIterator[AssignService]:
    store = Store(fakeredis.FakeAsyncRedis(decode_responses=True), prefix="t:")
    sgp = SGPClient(base_url=fake_sgp[1], api_key="sgp-test-key-1234", chunk_size=2, max_retries=0)
    yield AssignService(store=store, sgp=sgp, admins=frozenset({"UADMIN"}))
    await sgp.aclose()
    await store.aclose()


def command(ids: list[str], *assignees: SlackUser | Me | PlatformUser) -> Assign:
    return Assign("eval_1", tuple(ids), 0, tuple(assignees))


async def test_several_assignees_get_contiguous_even_shares(
    service: AssignService, fake_sgp: tuple[FakeSGP, str]
) -> None:
    fake, _ = fake_sgp
    ids = [f"t{i}" for i in range(1, 8)]
    fake.add_tasks("eval_1", ids)
    await service.store.identities.link("T1", "UA", "user-a")
    await service.store.identities.link("T1", "ULEAD", "user-lead")
    pending = await service.prepare(
        REQUESTER, command(ids, SlackUser("UA"), Me(), PlatformUser("user-c"))
    )
    shares = pending.confirmation.shares
    assert [s.task_ids for s in shares] == [("t1", "t2", "t3"), ("t4", "t5"), ("t6", "t7")]
    assert [s.assignee.platform_user_id for s in shares] == ["user-a", "user-lead", "user-c"]
    assert [s.assignee.slack_user_id for s in shares] == ["UA", "ULEAD", None]

    progress: list[tuple[int, int]] = []

    async def record(done: int, total: int) -> None:
        progress.append((done, total))

    taken = await service.confirm(pending.token, "ULEAD")
    job = await service.submit(taken, SurfaceRef())
    claimed = await service.store.jobs.claim("w1", 60_000, block_ms=10)
    assert claimed is not None and claimed.job.id == job.id
    runner = JobRunner(service.store.jobs, service.sgp, "w1", 60_000)
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


async def test_every_unlinked_assignee_is_named_at_once(service: AssignService) -> None:
    with pytest.raises(UnlinkedAssignees) as caught:
        await service.prepare(REQUESTER, command(["t1"], SlackUser("UX"), Me(), SlackUser("UY")))
    assert caught.value.slack_user_ids == ("UX", "ULEAD", "UY")
    assert caught.value.admins == frozenset({"UADMIN"})


async def test_confirmation_is_taken_once_and_only_by_its_requester(
    service: AssignService,
) -> None:
    pending = await service.prepare(REQUESTER, command(["t1"], PlatformUser("u")))
    with pytest.raises(NotRequester):
        await service.confirm(pending.token, "USOMEONE")
    await service.cancel(pending.token, "ULEAD")
    with pytest.raises(ConfirmationGone) as caught:
        await service.confirm(pending.token, "ULEAD")
    assert caught.value.ending == "cancelled"
    with pytest.raises(ConfirmationGone) as unknown:
        await service.confirm("never-issued-token-xyz", "ULEAD")
    assert unknown.value.ending is None


async def test_only_admins_change_links(service: AssignService) -> None:
    with pytest.raises(NotAdmin):
        await service.link("T1", "ULEAD", "UA", "user-a")
    assert await service.link("T1", "UADMIN", "UA", "user-a") is None
    assert await service.link("T1", "UADMIN", "UA", "user-b") == "user-a"
    assert await service.links("T1") == {"UA": "user-b"}
    assert await service.unlink("T1", "UADMIN", "UA") == "user-b"
