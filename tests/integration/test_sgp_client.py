"""SGPClient against the fake platform over real HTTP: results, headers, chunking, the user.

Errors and retries: test_sgp_errors.py."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from bot.core.tasks import ChunkResult, TaskStatus
from bot.fakes.sgp_server import DEFAULT_API_KEY, FakeSGP
from bot.sgp.client import SGPClient
from bot.sgp.errors import (
    AuthenticationError,
)
from bot.sgp.gate import answered
from tests.fakes.server import free_port
from tests.integration.sgp_clients import ClientFactory, RecordingSleep

EVAL = "eval_1"


# --- success ------------------------------------------------------------------------------


async def test_batch_assign_returns_the_assigned_tasks(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"])

    tasks = await client.batch_assign(EVAL, ["t1", "t2"], "user_alice")

    assert [t.id for t in tasks] == ["t1", "t2"]
    assert all(t.assigned_to == "user_alice" for t in tasks)
    assert all(t.status is TaskStatus.PENDING for t in tasks)
    assert all(isinstance(t.assignment_expires_at, datetime) for t in tasks)
    (call,) = fake.batch_assign_calls(EVAL)
    assert call.method == "PATCH"
    assert call.path == f"/v4/evaluations/{EVAL}/tasks/batch-assign"
    assert call.json == {"task_ids": ["t1", "t2"], "assigned_to": "user_alice"}
    task = fake.task(EVAL, "t1")
    assert task is not None
    assert task["assigned_to"] == "user_alice"


async def test_no_assignee_leaves_the_field_out(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_tasks(EVAL, ["t1"])
    await client.batch_assign(EVAL, ["t1"], None)
    assert fake.batch_assign_calls()[0].json == {"task_ids": ["t1"]}


async def test_null_response_is_an_empty_list(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.return_null_next()
    assert await client.batch_assign(EVAL, ["t1"], "u") == []


async def test_partial_response_returns_only_the_known_tasks(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, ["t1", "t3"])
    tasks = await client.batch_assign(EVAL, ["t1", "nope", "t3"], "u")
    assert [t.id for t in tasks] == ["t1", "t3"]


async def test_tasks_assigned_elsewhere_are_reported_as_the_platform_says(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"])
    fake.assign_elsewhere(["t2"], "user_bob")
    tasks = await client.batch_assign(EVAL, ["t1", "t2"], "user_alice")
    assert {t.id: t.assigned_to for t in tasks} == {"t1": "user_alice", "t2": "user_bob"}


async def test_evaluation_id_is_quoted_as_one_path_segment(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks("eval 1", ["t1"])
    assert [t.id for t in await client.batch_assign("eval 1", ["t1"], "u")] == ["t1"]
    assert fake.batch_assign_calls()[0].evaluation_id == "eval 1"


async def test_slash_in_evaluation_id_cannot_escape_the_path() -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(200, json=[])

    async with SGPClient(
        base_url="https://sgp.test", api_key="k", transport=httpx.MockTransport(handler)
    ) as client:
        await client.batch_assign("a/../b?x=1", ["t"], "u")
    assert seen == [b"/v4/evaluations/a%2F..%2Fb%3Fx%3D1/tasks/batch-assign"]


async def test_fields_nobody_decides_on_never_fail_the_chunk(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, ["t1"], priority=None, status="ON_HOLD", task_type="SOMETHING_NEW")
    fake.add_tasks(EVAL, ["t2"], priority="urgent")

    result = await client.assign_chunk(EVAL, ["t1", "t2"], "user_alice")

    assert result.ok
    t1, t2 = result.tasks
    assert (t1.assigned_to, t1.priority, t1.status, t1.task_type) == (
        "user_alice",
        None,
        "ON_HOLD",
        "SOMETHING_NEW",
    )
    assert (t2.assigned_to, t2.priority) == ("user_alice", None)


async def test_a_task_without_optional_fields_is_read(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(200, [{"id": "t1", "assigned_to": "user_alice"}, {"id": "t2"}])
    result = await client.assign_chunk(EVAL, ["t1", "t2"], "user_alice")
    assert result.ok
    assert [(t.id, t.assigned_to, t.status) for t in result.tasks] == [
        ("t1", "user_alice", None),
        ("t2", None, None),
    ]


# --- headers ------------------------------------------------------------------------------


async def test_headers_without_account(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_tasks(EVAL, ["t1"])
    await client.batch_assign(EVAL, ["t1"], "u")
    headers = fake.requests[0].headers
    assert headers["x-api-key"] == DEFAULT_API_KEY
    assert "x-selected-account-id" not in headers
    assert headers["user-agent"].startswith("sgp-assign-bot/")
    assert headers["content-type"] == "application/json"


async def test_account_header_when_configured(fake: FakeSGP, make_client: ClientFactory) -> None:
    fake.add_tasks(EVAL, ["t1"])
    await make_client(account_id="acct_42").batch_assign(EVAL, ["t1"], "u")
    assert fake.requests[0].headers["x-selected-account-id"] == "acct_42"


async def test_repr_does_not_show_the_key(client: SGPClient) -> None:
    assert DEFAULT_API_KEY not in repr(client)


# --- chunking -----------------------------------------------------------------------------

TEN = [f"t{i}" for i in range(10)]


async def test_assign_chunked_keeps_order(fake: FakeSGP, make_client: ClientFactory) -> None:
    fake.add_tasks(EVAL, TEN)
    client = make_client(chunk_size=3)

    results = await client.assign_chunked(EVAL, TEN, "u")

    assert [r.task_ids for r in results] == [
        ("t0", "t1", "t2"),
        ("t3", "t4", "t5"),
        ("t6", "t7", "t8"),
        ("t9",),
    ]
    assert all(r.error is None for r in results)
    assert [t.id for r in results for t in r.tasks] == TEN
    assert len(fake.batch_assign_calls()) == 4


async def test_one_failing_chunk_does_not_sink_the_others(
    fake: FakeSGP, make_client: ClientFactory
) -> None:
    fake.add_tasks(EVAL, TEN)
    fake.fail_next(403, {"detail": "nope"})
    client = make_client(chunk_size=3)

    results = await client.assign_chunked(EVAL, TEN, "u")

    failed = [r for r in results if r.error is not None]
    assert len(failed) == 1
    error = failed[0].error
    assert error is not None and error.status == 403
    assert str(error) == (
        "the bot's API key is not allowed to assign tasks in evaluation `eval_1` (403): nope"
        "; check SGP_API_KEY / SGP_ACCOUNT_ID"
    )
    assert failed[0].tasks == ()
    succeeded = [r for r in results if r.error is None]
    assert sorted(t.id for r in succeeded for t in r.tasks) == sorted(
        set(TEN) - set(failed[0].task_ids)
    )
    for task_id in failed[0].task_ids:
        task = fake.task(EVAL, task_id)
        assert task is not None
        assert task["assigned_to"] is None


async def test_concurrency_is_bounded(fake: FakeSGP, make_client: ClientFactory) -> None:
    fake.add_tasks(EVAL, TEN)
    fake.latency_per_request = 0.05
    client = make_client(chunk_size=1, concurrency=3)

    results = await client.assign_chunked(EVAL, TEN, "u")

    assert len(results) == 10
    assert fake.max_in_flight == 3


async def test_on_chunk_reports_each_chunk(fake: FakeSGP, make_client: ClientFactory) -> None:
    fake.add_tasks(EVAL, TEN)
    client = make_client(chunk_size=4)
    seen: list[ChunkResult] = []

    async def on_chunk(result: ChunkResult) -> None:
        seen.append(result)

    results = await client.assign_chunked(EVAL, TEN, "u", on_chunk=on_chunk)

    assert sorted(r.task_ids for r in seen) == sorted(r.task_ids for r in results)


async def test_failing_progress_callback_does_not_stop_the_work(
    fake: FakeSGP, make_client: ClientFactory
) -> None:
    fake.add_tasks(EVAL, TEN)
    client = make_client(chunk_size=5)

    async def on_chunk(result: ChunkResult) -> None:
        raise RuntimeError("slack is down")

    results = await client.assign_chunked(EVAL, TEN, "u", on_chunk=on_chunk)
    assert all(r.ok for r in results)


async def test_assign_chunked_of_nothing_sends_nothing(fake: FakeSGP, client: SGPClient) -> None:
    assert await client.assign_chunked(EVAL, [], "u") == []
    assert fake.requests == []


async def test_assign_chunked_catches_connection_errors(sleep: RecordingSleep) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    async with SGPClient(base_url=closed, api_key="k", sleep=sleep, chunk_size=2) as client:
        results = await client.assign_chunked(EVAL, ["a", "b", "c"], "u")
    assert [(r.error and r.error.status, str(r.error)) for r in results] == [
        (None, "the platform could not be reached after 3 attempts (ConnectError)")
    ] * 2


# --- user info ----------------------------------------------------------------------------


async def test_user_info(fake: FakeSGP, client: SGPClient) -> None:
    info = await client.get_user_info()
    assert info.id == "user_bot"
    assert info.email == "assign-bot@example.com"
    assert fake.requests[0].headers["x-api-key"] == DEFAULT_API_KEY


async def test_user_info_retries_and_errors(
    fake: FakeSGP, make_client: ClientFactory, sleep: RecordingSleep
) -> None:
    fake.fail_next(502, route="user-info")
    assert (await make_client().get_user_info()).id == "user_bot"
    assert len(sleep.calls) == 1

    with pytest.raises(AuthenticationError):
        await make_client(api_key="bad").get_user_info()


async def test_a_job_hears_when_a_successful_answer_is_in_and_not_of_a_refusal() -> None:
    """`gate.answered` frees the job's slot before the parse: only for a success, so no
    chunk is sent after a 401 comes back."""
    statuses = iter([200, 401])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(statuses)
        if status == 200:
            return httpx.Response(200, json=[{"id": "t1", "assigned_to": "u"}])
        return httpx.Response(status, json={"detail": "Not authenticated"})

    told: list[str] = []
    token = answered.set(lambda: told.append("told"))
    try:
        async with SGPClient(
            base_url="https://sgp.test", api_key="k", transport=httpx.MockTransport(handler)
        ) as client:
            ok = await client.assign_chunk("eval_1", ["t1"], "u")
            assert ok.ok and told == ["told"]
            refused = await client.assign_chunk("eval_1", ["t2"], "u")
    finally:
        answered.reset(token)
    assert refused.error is not None and refused.error.status == 401
    assert told == ["told"]
