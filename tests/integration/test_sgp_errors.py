"""SGPClient against the fake platform over real HTTP: errors, those retried and those not,
and the retry policy's details."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import pydantic
import pytest

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
from bot.sgp.retry import backoff_seconds, retry_after_seconds
from tests.fakes.server import ServerThread, free_port
from tests.integration.sgp_clients import ClientFactory, RecordingSleep

EVAL = "eval_1"


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
