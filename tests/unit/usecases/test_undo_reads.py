"""Undo with the platform's listings: the snapshot from the preview's reading, what is put
back, and who may."""

from __future__ import annotations

import pytest

from bot.core.commands import PlatformUser
from bot.fakes.sgp_server import FakeSGP
from bot.usecases.refusals import NotRequester, UndoGone
from tests.unit.usecases.harness import Cases
from tests.unit.usecases.test_platform_reads import (  # the fixtures: the service and its fake
    EVAL,
    REQUESTER,
    emails,
    fake,
    ids_of,
    run,
    service,
)

__all__ = ["emails", "fake", "service"]


async def assigned_with_snapshot(service: Cases, fake: FakeSGP) -> tuple[str, str]:
    """t1 t2 were Ann's, t3 Bob's, t4 t5 nobody's, t6 already the new assignee's: all to Neo."""
    fake.add_tasks(EVAL, ["t1", "t2"], assigned_to="user_ann")
    fake.add_tasks(EVAL, ["t3"], assigned_to="user_bob")
    fake.add_tasks(EVAL, ["t4", "t5"])
    fake.add_tasks(EVAL, ["t6"], assigned_to="user_neo")
    command = ids_of(PlatformUser("user_neo"), task_ids=("t1", "t2", "t3", "t4", "t5", "t6"))
    pending = await service.assigning.prepare(REQUESTER, command)
    confirmation = await service.assigning.confirm(pending.token, "ULEAD")
    snapshot_id = await service.undo.snapshot(confirmation)
    assert snapshot_id is not None
    assert await run(service, confirmation) == 6
    return snapshot_id, pending.token


async def test_undo_restores_a_mixed_set_of_previous_assignees(
    service: Cases, fake: FakeSGP
) -> None:
    snapshot_id, _ = await assigned_with_snapshot(service, fake)
    before = len(fake.batch_assign_calls())

    result = await service.undo_now(snapshot_id, "ULEAD")

    calls = fake.batch_assign_calls()[before:]
    assert sorted((c.json["assigned_to"], c.json["task_ids"]) for c in calls) == [
        ("user_ann", ["t1", "t2"]),
        ("user_bob", ["t3"]),
    ], "one batch-assign per previous assignee"
    assert [fake.task(EVAL, t)["assigned_to"] for t in ("t1", "t2", "t3")] == [  # type: ignore[index]
        "user_ann",
        "user_ann",
        "user_bob",
    ]
    assert result.restored == 3 and result.attempted == 3
    assert result.plan.no_previous == ("t4", "t5")
    assert result.plan.unchanged == ("t6",)
    assert fake.task(EVAL, "t4")["assigned_to"] == "user_neo"  # type: ignore[index]


async def test_an_undo_is_audited_and_counted(service: Cases, fake: FakeSGP) -> None:
    snapshot_id, _ = await assigned_with_snapshot(service, fake)
    fake.assign_elsewhere(["t3"], "user_zed")  # Bob's task cannot go back
    registry, partial = service.metrics.registry, {"outcome": "partial"}
    undos_before = registry.get_sample_value("assignbot_undos_total", partial) or 0

    await service.undo_now(snapshot_id, "UADMIN", "CUNDO")

    [latest, *_] = await service.audit.history(REQUESTER.team_id, "UADMIN", 5)
    assert latest.kind == "undo" and latest.requester_id == "UADMIN"
    assert latest.channel_id == "CUNDO" and latest.evaluation_id == EVAL
    assert (latest.requested, latest.assigned, latest.failed) == (3, 2, 1)
    assert {(s.platform_user_id, s.assigned) for s in latest.assignees} == {
        ("user_ann", 2),
        ("user_bob", 0),
    }
    assert registry.get_sample_value("assignbot_undos_total", partial) == undos_before + 1


async def test_undo_runs_once(service: Cases, fake: FakeSGP) -> None:
    snapshot_id, _ = await assigned_with_snapshot(service, fake)
    await service.undo_now(snapshot_id, "ULEAD")
    with pytest.raises(UndoGone) as again:
        await service.undo_now(snapshot_id, "ULEAD")
    assert again.value.already is True
    with pytest.raises(UndoGone) as unknown:
        await service.undo_now("never-issued-id-0123456789", "ULEAD")
    assert unknown.value.already is False


async def test_only_the_requester_or_an_admin_may_undo(service: Cases, fake: FakeSGP) -> None:
    snapshot_id, _ = await assigned_with_snapshot(service, fake)
    before = len(fake.batch_assign_calls())
    with pytest.raises(NotRequester) as refused:
        await service.undo_now(snapshot_id, "USOMEONE")
    assert refused.value.requester_id == "ULEAD"
    assert len(fake.batch_assign_calls()) == before, "a refused click changes nothing"
    result = await service.undo_now(snapshot_id, "UADMIN")
    assert result.restored == 3


async def test_undo_reports_what_the_platform_did_not_put_back(
    service: Cases, fake: FakeSGP
) -> None:
    snapshot_id, _ = await assigned_with_snapshot(service, fake)
    fake.assign_elsewhere(["t3"], "user_zed")
    result = await service.undo_now(snapshot_id, "ULEAD")
    assert result.restored == 2
    assert any(ids == ["t3"] for ids in result.problems.values())


async def test_no_snapshot_when_nothing_could_be_given_back(service: Cases, fake: FakeSGP) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"])
    pending = await service.assigning.prepare(
        REQUESTER, ids_of(PlatformUser("user_neo"), task_ids=("t1", "t2"))
    )
    assert await service.undo.snapshot(pending.confirmation) is None


async def test_no_snapshot_when_the_listing_fails(service: Cases, fake: FakeSGP) -> None:
    fake.add_tasks(EVAL, ["t1"], assigned_to="user_ann")
    fake.fail_next(503, route="test-case-results", times=3)  # the preview could not read it
    pending = await service.assigning.prepare(REQUESTER, ids_of(PlatformUser("user_neo")))
    assert pending.confirmation.before is None
    fake.fail_next(503, route="test-case-results", times=3)
    assert await service.undo.snapshot(pending.confirmation) is None


async def test_the_snapshot_is_the_previews_reading_without_a_second_listing(
    service: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1"], assigned_to="user_ann")
    fake.add_tasks(EVAL, [f"x{i}" for i in range(30)])
    pending = await service.assigning.prepare(
        REQUESTER, ids_of(PlatformUser("user_neo"), task_ids=("t1", "x1", "gone"))
    )
    before = pending.confirmation.before
    assert before is not None
    assert before.previous == {"t1": "user_ann"} and before.unlisted == ("gone",)
    pages_read = len(fake.listing_calls("test-case-results"))
    snapshot_id = await service.undo.snapshot(pending.confirmation)
    assert snapshot_id is not None
    assert len(fake.listing_calls("test-case-results")) == pages_read, "no second listing"
    snapshot = await service.undo.take(snapshot_id, "ULEAD")
    assert [(e.task_id, e.previous, e.listed) for e in snapshot.entries] == [
        ("t1", "user_ann", True),
        ("x1", None, True),
        ("gone", None, False),
    ]


async def test_without_the_previews_reading_the_job_reads_the_listing_once(
    service: Cases, fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1"], assigned_to="user_ann")
    pending = await service.assigning.prepare(REQUESTER, ids_of(PlatformUser("user_neo")))
    blind = pending.confirmation.model_copy(update={"before": None})  # a preview that timed out
    snapshot_id = await service.undo.snapshot(blind)
    assert snapshot_id is not None
    snapshot = await service.undo.take(snapshot_id, "ULEAD")
    assert [(e.task_id, e.previous) for e in snapshot.entries] == [("t1", "user_ann")]
