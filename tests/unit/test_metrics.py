"""The metrics' parts on their own: registries, job outcomes, the SGP observer, Slack's counter."""

from __future__ import annotations

import httpx
import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.metrics import Metrics, shared_default
from bot.sgp.client import SGPClient
from bot.sgp.errors import APIConnectionError, APITimeoutError
from bot.slack.app import SlackCallCounter

BASE = "https://slack.test/api/"


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_each_metrics_has_its_own_registry() -> None:
    one, two = Metrics(process=False), Metrics(process=False)
    one.request("command", "ok")
    assert sample(one, "assignbot_requests_total", surface="command", outcome="ok") == 1
    assert sample(two, "assignbot_requests_total", surface="command", outcome="ok") == 0
    assert shared_default() is shared_default()
    assert b"assignbot_requests_total" in one.render()


@pytest.mark.parametrize(
    ("restored", "failed", "outcome"),
    [(3, 0, "restored"), (2, 1, "partial"), (0, 2, "failed")],
)
def test_undo_finished_counts_by_outcome(restored: int, failed: int, outcome: str) -> None:
    metrics = Metrics(process=False)
    metrics.undo_finished(restored, failed)
    assert sample(metrics, "assignbot_undos_total", outcome=outcome) == 1


def test_answers_in_progress_are_read_at_each_scrape() -> None:
    metrics, under_way = Metrics(process=False), [0]
    assert sample(metrics, "assignbot_answers_in_progress") == 0  # nothing watched yet
    metrics.watch_answers(lambda: under_way[0])
    under_way[0] = 3
    assert sample(metrics, "assignbot_answers_in_progress") == 3
    under_way[0] = 0
    assert b"assignbot_answers_in_progress 0.0" in metrics.render()


@pytest.mark.parametrize(
    ("assigned", "failed", "outcome"),
    [(5, 0, "assigned"), (3, 2, "partial"), (0, 4, "failed"), (0, 0, "assigned")],
)
def test_job_finished_counts_the_job_and_its_tasks(
    assigned: int, failed: int, outcome: str
) -> None:
    metrics = Metrics(process=False)
    metrics.job_finished(assigned, failed)
    assert sample(metrics, "assignbot_jobs_total", outcome=outcome) == 1
    assert sample(metrics, "assignbot_tasks_total", outcome="assigned") == assigned
    assert sample(metrics, "assignbot_tasks_total", outcome="failed") == failed


def test_other_job_endings_and_confirmations() -> None:
    metrics = Metrics(process=False)
    metrics.job_enqueued()
    metrics.job_errored()
    metrics.job_given_up()
    metrics.confirmation("expired")
    assert sample(metrics, "assignbot_jobs_enqueued_total") == 1
    assert sample(metrics, "assignbot_jobs_total", outcome="error") == 1
    assert sample(metrics, "assignbot_jobs_total", outcome="given_up") == 1
    assert sample(metrics, "assignbot_confirmations_total", event="expired") == 1


async def _no_sleep(_: float) -> None:
    return None


async def test_sgp_client_reports_every_attempt_to_its_observer() -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json=[])])
    seen: list[tuple[str, float]] = []
    client = SGPClient(
        api_key="k" * 10,
        transport=httpx.MockTransport(lambda _: next(answers)),
        sleep=_no_sleep,
        observer=lambda status, seconds: seen.append((status, seconds)),
    )
    async with client:
        assert await client.batch_assign("eval_1", ["t1"], "u1") == []
    assert [status for status, _ in seen] == ["503", "200"]
    assert all(seconds >= 0 for _, seconds in seen)


@pytest.mark.parametrize(
    ("failure", "status", "error"),
    [
        (httpx.ConnectError("refused"), "connection_error", APIConnectionError),
        (httpx.ReadTimeout("slow"), "timeout", APITimeoutError),
    ],
)
async def test_sgp_client_reports_failures_without_a_status(
    failure: Exception, status: str, error: type[Exception]
) -> None:
    def fail(_: httpx.Request) -> httpx.Response:
        raise failure

    metrics = Metrics(process=False)
    client = SGPClient(
        api_key="k" * 10,
        max_retries=1,
        transport=httpx.MockTransport(fail),
        sleep=_no_sleep,
        observer=metrics.platform_request,
    )
    async with client:
        with pytest.raises(error):
            await client.batch_assign("eval_1", ["t1"], "u1")
    assert sample(metrics, "assignbot_platform_request_seconds_count", status=status) == 2


async def test_a_failing_observer_never_breaks_a_request() -> None:
    def broken(status: str, seconds: float) -> None:
        raise RuntimeError("metrics are down")

    client = SGPClient(
        api_key="k" * 10,
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=None)),
        observer=broken,
    )
    async with client:
        assert await client.batch_assign("eval_1", ["t1"], "u1") == []


async def _count(
    counter: SlackCallCounter,
    url: str,
    response: HttpResponse | None = None,
    error: Exception | None = None,
) -> bool:
    request = HttpRequest(method="POST", url=url, headers={})
    return await counter.can_retry_async(
        state=RetryState(), request=request, response=response, error=error
    )


async def test_slack_call_counter_counts_errors_and_429s_and_never_retries() -> None:
    metrics = Metrics(process=False)
    counter = SlackCallCounter(metrics, BASE)
    ok = HttpResponse(status_code=200, headers={}, body={"ok": True})
    refused = HttpResponse(
        status_code=200, headers={}, body={"ok": False, "error": "not_in_channel"}
    )
    limited = HttpResponse(status_code=429, headers={}, body={"ok": False, "error": "ratelimited"})
    assert not await _count(counter, BASE + "chat.postMessage", ok)
    assert not await _count(counter, BASE + "chat.postMessage", refused)
    assert not await _count(counter, BASE + "views.open", limited)
    assert not await _count(counter, BASE + "auth.test", error=ConnectionResetError())
    assert not await _count(counter, "https://files.slack.test/upload/v1/abc", refused)

    errors = "assignbot_slack_api_errors_total"
    assert sample(metrics, errors, method="chat.postMessage", error="not_in_channel") == 1
    assert sample(metrics, errors, method="auth.test", error="connection_error") == 1
    assert sample(metrics, errors, method="upload", error="not_in_channel") == 1
    assert sample(metrics, "assignbot_slack_rate_limited_total", method="views.open") == 1
    assert sample(metrics, errors, method="views.open", error="ratelimited") == 0
