"""SGPClient against the fake platform over real HTTP: results, errors, retries, chunking."""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import httpx
import pydantic
import pytest

from bot.core.tasks import ChunkResult, TaskStatus
from bot.fakes.sgp_server import DEFAULT_API_KEY, FakeSGP
from bot.sgp.client import SGPClient
from bot.sgp.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SGPError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    error_for_status,
)
from bot.sgp.gate import answered
from bot.sgp.retry import backoff_seconds, retry_after_seconds
from tests.fakes.server import ServerThread, SwappableApp, free_port

EVAL = "eval_1"


class RecordingSleep:
    """Stands in for asyncio.sleep: records the delays, waits for none of them."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def server(swappable: tuple[SwappableApp, ServerThread], fake: FakeSGP) -> ServerThread:
    return swappable[1]


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


ClientFactory = Callable[..., SGPClient]


@pytest.fixture
async def make_client(server: ServerThread, sleep: RecordingSleep) -> AsyncIterator[ClientFactory]:
    """Clients of the fake with the recording sleep; closed after the test."""
    clients: list[SGPClient] = []

    def make(**overrides: Any) -> SGPClient:
        options: dict[str, Any] = {
            "base_url": server.url,
            "api_key": DEFAULT_API_KEY,
            "sleep": sleep,
        }
        options.update(overrides)
        client = SGPClient(**options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(make_client: ClientFactory) -> SGPClient:
    return make_client()


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


# --- errors that are not retried ----------------------------------------------------------


async def test_wrong_key_is_an_authentication_error(
    fake: FakeSGP, make_client: ClientFactory, sleep: RecordingSleep
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    client = make_client(api_key="wrong-key-123")

    with pytest.raises(AuthenticationError) as caught:
        await client.batch_assign(EVAL, ["t1"], "u")

    assert caught.value.status == 401
    assert str(caught.value) == (
        "the platform did not accept the bot's API key (401): Not authenticated"
        "; check SGP_API_KEY / SGP_ACCOUNT_ID"
    )
    assert "wrong-key-123" not in str(caught.value)
    assert len(fake.requests) == 1
    assert sleep.calls == []


async def test_forbidden_names_the_evaluation(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(403, {"detail": "User lacks access to this evaluation"})

    with pytest.raises(PermissionDeniedError) as caught:
        await client.batch_assign(EVAL, ["t1"], "u")

    assert str(caught.value) == (
        "the bot's API key is not allowed to assign tasks in evaluation `eval_1` (403): "
        "User lacks access to this evaluation; check SGP_API_KEY / SGP_ACCOUNT_ID"
    )
    assert len(fake.requests) == 1


async def test_unknown_evaluation_is_not_found(fake: FakeSGP, client: SGPClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.batch_assign("eval_missing", ["t1"], "u")

    assert str(caught.value) == (
        "the platform found no evaluation `eval_missing` (404): Evaluation eval_missing not found"
    )
    assert caught.value.detail == "Evaluation eval_missing not found"
    assert len(fake.requests) == 1


async def test_validation_error_lists_each_problem(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(
        422,
        {
            "detail": [
                {
                    "loc": ["body", "task_ids", 1],
                    "msg": "Input should be a valid string",
                    "type": "string_type",
                    "input": 7,
                },
                {"loc": ["body", "assigned_to"], "msg": "Unknown user", "type": "value_error"},
            ]
        },
    )

    with pytest.raises(UnprocessableEntityError) as caught:
        await client.batch_assign(EVAL, ["t1", "t2"], "u")

    err = caught.value
    assert err.status == 422
    assert [e.loc for e in err.errors] == [["body", "task_ids", 1], ["body", "assigned_to"]]
    assert str(err) == (
        "the platform rejected the request as invalid (422): "
        "body.task_ids.1: Input should be a valid string; body.assigned_to: Unknown user"
    )
    assert len(fake.requests) == 1


async def test_client_refuses_a_non_string_id_before_sending(
    fake: FakeSGP, client: SGPClient
) -> None:
    with pytest.raises(pydantic.ValidationError):
        await client.batch_assign(EVAL, ["t1", 7], "u")  # type: ignore[list-item]
    assert fake.requests == []


@pytest.mark.parametrize(
    ("content", "loc"),
    [
        (b'{"task_ids": ["t1", 7]}', ["body", "task_ids", 1]),
        (b'{"task_ids": ["t1"], "assigned_to": null}', ["body", "assigned_to"]),
        (b"{}", ["body", "task_ids"]),
        (b"[]", ["body"]),
        (b"not json", ["body", 0]),
    ],
)
async def test_fake_validates_bodies_like_fastapi(
    fake: FakeSGP, server: ServerThread, content: bytes, loc: list[Any]
) -> None:
    fake.add_evaluation(EVAL)
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.patch(
            f"/v4/evaluations/{EVAL}/tasks/batch-assign",
            content=content,
            headers={"x-api-key": DEFAULT_API_KEY, "content-type": "application/json"},
        )
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [loc]


async def test_bad_request_is_not_retried(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(400, {"detail": "too many task ids"})
    with pytest.raises(BadRequestError, match="too many task ids"):
        await client.batch_assign(EVAL, ["t1"], "u")
    assert len(fake.requests) == 1


async def test_echoed_api_key_is_redacted(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(400, {"detail": f"malformed key {DEFAULT_API_KEY}"})
    with pytest.raises(BadRequestError) as caught:
        await client.batch_assign(EVAL, ["t1"], "u")
    assert DEFAULT_API_KEY not in str(caught.value)
    assert DEFAULT_API_KEY not in repr(caught.value.detail)


async def test_unexpected_success_body(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(200, {"tasks": []})
    with pytest.raises(UnexpectedResponseError, match="expected a list of tasks, got dict"):
        await client.batch_assign(EVAL, ["t1"], "u")


async def test_malformed_task_in_the_list(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(200, [{"task_type": "EVALUATION_ANNOTATION"}])
    with pytest.raises(UnexpectedResponseError, match=r"0\.id: Field required"):
        await client.batch_assign(EVAL, ["t1"], "u")
    assert len(fake.requests) == 1


# --- retries ------------------------------------------------------------------------------


async def test_retry_after_seconds_is_honoured(
    fake: FakeSGP, client: SGPClient, sleep: RecordingSleep
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.fail_next(429, headers={"retry-after": "2"})

    tasks = await client.batch_assign(EVAL, ["t1"], "u")

    assert [t.id for t in tasks] == ["t1"]
    assert sleep.calls == [2.0]
    assert len(fake.batch_assign_calls()) == 2


async def test_retry_after_ms_wins(fake: FakeSGP, client: SGPClient, sleep: RecordingSleep) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.fail_next(429, headers={"retry-after-ms": "250", "retry-after": "7"})
    await client.batch_assign(EVAL, ["t1"], "u")
    assert sleep.calls == [0.25]


async def test_retry_after_http_date(
    fake: FakeSGP, client: SGPClient, sleep: RecordingSleep
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    fake.fail_next(503, headers={"retry-after": when})
    await client.batch_assign(EVAL, ["t1"], "u")
    (delay,) = sleep.calls
    assert 7 < delay <= 10


async def test_retry_after_over_a_minute_falls_back_to_backoff(
    fake: FakeSGP, client: SGPClient, sleep: RecordingSleep
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.fail_next(429, headers={"retry-after": "120"})
    await client.batch_assign(EVAL, ["t1"], "u")
    (delay,) = sleep.calls
    assert 0.375 <= delay <= 0.5


async def test_server_error_then_success(
    fake: FakeSGP, client: SGPClient, sleep: RecordingSleep
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.fail_next(500)

    tasks = await client.batch_assign(EVAL, ["t1"], "u")

    assert [t.id for t in tasks] == ["t1"]
    assert len(fake.batch_assign_calls()) == 2
    assert len(sleep.calls) == 1


async def test_server_error_three_times_gives_up(
    fake: FakeSGP, client: SGPClient, sleep: RecordingSleep
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.fail_next(503, times=3)

    with pytest.raises(InternalServerError) as caught:
        await client.batch_assign(EVAL, ["t1"], "u")

    assert str(caught.value) == (
        "the platform failed with 503 after 3 attempts: scripted failure 503"
    )
    assert caught.value.attempts == 3
    assert len(fake.batch_assign_calls()) == 3
    first, second = sleep.calls
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0
    task = fake.task(EVAL, "t1")
    assert task is not None
    assert task["assigned_to"] is None


@pytest.mark.parametrize(
    ("status", "error"), [(408, APIStatusError), (409, ConflictError), (429, RateLimitError)]
)
async def test_retryable_statuses(
    fake: FakeSGP, client: SGPClient, status: int, error: type[APIStatusError]
) -> None:
    fake.fail_next(status, times=3)
    with pytest.raises(error) as caught:
        await client.batch_assign(EVAL, ["t1"], "u")
    assert caught.value.status == status
    assert len(fake.requests) == 3


async def test_x_should_retry_false_stops_retries(fake: FakeSGP, client: SGPClient) -> None:
    fake.fail_next(500, headers={"x-should-retry": "false"})
    with pytest.raises(InternalServerError):
        await client.batch_assign(EVAL, ["t1"], "u")
    assert len(fake.requests) == 1


async def test_x_should_retry_true_retries_even_a_400(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.fail_next(400, headers={"x-should-retry": "true"})
    assert len(await client.batch_assign(EVAL, ["t1"], "u")) == 1
    assert len(fake.requests) == 2


async def test_html_error_page_is_not_shown(fake: FakeSGP, make_client: ClientFactory) -> None:
    fake.fail_next(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
    with pytest.raises(InternalServerError) as caught:
        await make_client(max_retries=0).batch_assign(EVAL, ["t1"], "u")
    assert str(caught.value) == "the platform failed with 502"


async def test_connection_refused(sleep: RecordingSleep) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    async with SGPClient(base_url=closed, api_key="k", sleep=sleep) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.batch_assign(EVAL, ["t1"], "u")
    assert str(caught.value) == "the platform could not be reached after 3 attempts (ConnectError)"
    assert caught.value.attempts == 3
    assert len(sleep.calls) == 2


async def test_timeout(fake: FakeSGP, make_client: ClientFactory) -> None:
    fake.add_tasks(EVAL, ["t1"])
    fake.latency_per_request = 0.3
    client = make_client(timeout=0.05, max_retries=1)

    with pytest.raises(APITimeoutError) as caught:
        await client.batch_assign(EVAL, ["t1"], "u")

    assert isinstance(caught.value, APIConnectionError)
    assert str(caught.value) == "the platform did not answer in time after 2 attempts (ReadTimeout)"
    assert len(fake.requests) == 2


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


# --- policy details without a server --------------------------------------------------------


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after-ms": "soon", "retry-after": "3"}) == 3.0
    assert (
        retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=1445412470) == 10
    )
    assert retry_after_seconds({"retry-after": "whenever"}) is None
    assert retry_after_seconds({}) is None


@pytest.mark.parametrize(("retry", "low", "high"), [(0, 0.375, 0.5), (1, 0.75, 1), (9, 6, 8)])
def test_backoff_grows_and_is_capped(retry: int, low: float, high: float) -> None:
    for _ in range(50):
        assert low <= backoff_seconds(retry) <= high
    assert low <= backoff_seconds(retry, {"retry-after": "0"}) <= high


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"detail": "gone"}, "the platform found no evaluation `e` (404): gone"),
        ({"message": "gone"}, "the platform found no evaluation `e` (404): gone"),
        ("", "the platform found no evaluation `e` (404)"),
        ({"detail": {"code": 7}}, 'the platform found no evaluation `e` (404): {"code": 7}'),
        ("x" * 1000, "the platform found no evaluation `e` (404): " + "x" * 299 + "…"),
    ],
)
def test_error_messages_from_odd_bodies(body: Any, message: str) -> None:
    assert str(error_for_status(404, body, "e")) == message


def test_error_for_status_classes() -> None:
    assert isinstance(error_for_status(599, None), InternalServerError)
    assert type(error_for_status(418, None)) is APIStatusError
    assert str(error_for_status(403, None)) == (
        "the bot's API key is not allowed to do this (403); check SGP_API_KEY / SGP_ACCOUNT_ID"
    )
    assert all(issubclass(cls, SGPError) for cls in (APIStatusError, UnexpectedResponseError))


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
