"""The fake platform's fast answers say exactly what json.dumps would, and answer on time."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.sgp_state import PlatformState
from bot.fakes.task_json import TaskJson

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
tasks = st.lists(
    st.dictionaries(st.text(), values, max_size=4)
    | st.fixed_dictionaries(
        {"task_entity": st.dictionaries(st.text(), values)}, optional={"id": st.text()}
    ),
    max_size=5,
)


@given(tasks)
def test_any_tasks_read_back_as_they_were(answer: list[dict[str, Any]]) -> None:
    serializer = TaskJson()
    assert json.loads(serializer.dumps(answer)) == answer
    assert json.loads(serializer.dumps(answer)) == answer  # from the kept entity JSON


def test_a_real_answer_reads_back_and_its_entity_is_kept_once() -> None:
    state = PlatformState()
    ids = [f"t{n}" for n in range(50)]
    state.add_tasks("eval_1", ids)
    serializer = TaskJson()
    first = state._assign("eval_1", ids, "user-a")
    assert json.loads(serializer.dumps(first)) == first
    again = state._assign("eval_1", ids, "user-b")  # new assignee, the same entities
    assert [t["assigned_to"] for t in json.loads(serializer.dumps(again))] == ["user-b"] * 50


def test_warmed_answers_say_the_same_without_making_any_entity_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A benchmark's fake makes every entity's JSON before measuring: its answers then make
    none (one json.dumps sees the tasks' own fields only), and read back the same."""
    state = PlatformState()
    ids = [f"t{n}" for n in range(20)]
    state.add_tasks("eval_1", ids)
    state.warm_answers()
    dumped: list[Any] = []
    real_dumps = json.dumps

    def counting(value: Any, **options: Any) -> str:
        dumped.append(value)
        return real_dumps(value, **options)

    monkeypatch.setattr("bot.fakes.task_json.json.dumps", counting)
    answer = state._assign("eval_1", ids, "user-a")
    assert json.loads(state.task_json.dumps(answer)) == answer
    [tasks] = dumped  # one call for all 20 tasks' own fields, and no entity made again
    assert len(tasks) == 20
    assert not any(isinstance(t["task_entity"], dict) for t in tasks)


async def test_held_answers_leave_at_the_latency_and_count_as_in_flight_until_then() -> None:
    fake = FakeSGP(latency_per_request=0.2, hold_answers=True)
    fake.add_tasks("eval_1", ["t1"])
    transport = httpx.ASGITransport(app=fake.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        began = time.monotonic()
        response = await client.patch(
            "/v4/evaluations/eval_1/tasks/batch-assign",
            json={"task_ids": ["t1"], "assigned_to": "user-a"},
            headers={"x-api-key": fake.api_key},
        )
    assert time.monotonic() - began >= 0.2
    assert [t["assigned_to"] for t in response.json()] == ["user-a"]
    assert fake.max_in_flight == 1 and fake.in_flight == 0
