"""The fake platform's single-task update, which the benchmarks drive with the official SDK."""

from __future__ import annotations

import httpx

from bot.fakes.sgp_server import FakeSGP
from tests.fakes.server import serve


def test_single_task_update_assigns_like_the_platform() -> None:
    fake = FakeSGP(api_key="key-123456")
    fake.add_tasks("eval_1", ["t1"])
    with serve(fake.app) as server:
        url = f"{server.url}/v4/evaluations/eval_1/tasks"
        ok = httpx.patch(
            f"{url}/t1", json={"assigned_to": "u1"}, headers={"x-api-key": "key-123456"}
        )
        missing = httpx.patch(
            f"{url}/nope", json={"assigned_to": "u1"}, headers={"x-api-key": "key-123456"}
        )
        denied = httpx.patch(f"{url}/t1", json={"assigned_to": "u2"}, headers={"x-api-key": "x"})
    assert ok.status_code == 200 and ok.json()["assigned_to"] == "u1"
    assert missing.status_code == 404 and denied.status_code == 401
    assert fake.task("eval_1", "t1")["assigned_to"] == "u1"  # type: ignore[index]
