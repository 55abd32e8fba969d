"""The fake platform's state: evaluations, tasks, organization users, scripted failures and
every request received, behind one lock (the server thread and the test thread both touch it).

`bot.fakes.sgp_server.FakeSGP` serves it over HTTP; tests and the playground seed it here.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from starlette.requests import Request

from bot.fakes.task_json import TaskJson

DEFAULT_API_KEY = "test-sgp-key"
ACCOUNT_ID = "acct_fake"
BOT_USER = {
    "id": "user_bot",
    "email": "assign-bot@example.com",
    "first_name": "Assign",
    "last_name": "Bot",
    "organization_id": "org_fake",
}

FakeRoute = Literal["batch-assign", "user-info", "org-users", "test-case-results", "evaluation"]
MAX_LIMIT = 10_000
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    json: Any
    evaluation_id: str | None = None
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Scripted:
    """One scripted answer: a failure (status, body, headers), or `null` (status None)."""

    status: int | None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class PlatformState:
    """What the fake platform knows and was asked; the controls tests and the playground use."""

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        latency_per_request: float = 0.0,
        latency_per_id: float = 0.0,
    ) -> None:
        self.api_key = api_key
        self.latency_per_request = latency_per_request
        self.latency_per_id = latency_per_id
        self.user = dict(BOT_USER)
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._tasks: dict[str, dict[str, dict[str, Any]]] = {}
        #: The answers' JSON, each task entity's made once (`warm_answers` makes them all now).
        self.task_json = TaskJson()
        self._assigned_elsewhere: dict[str, str] = {}
        #: What time the platform thinks it is: assignments expire a day after it.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._org_users: list[dict[str, Any]] = []
        #: GET /v4/evaluations/{id}: name and status per evaluation (counts come from its tasks).
        self._evaluations: dict[str, dict[str, Any]] = {}
        #: When set, listings return at most this many items a page whatever `limit` asks.
        self.page_cap: int | None = None
        self._scripted: dict[FakeRoute, deque[_Scripted]] = {
            "batch-assign": deque(),
            "user-info": deque(),
            "org-users": deque(),
            "test-case-results": deque(),
            "evaluation": deque(),
        }

    # --- test controls -------------------------------------------------------------------

    def add_evaluation(
        self, evaluation_id: str, *, name: str | None = None, status: str = "PENDING"
    ) -> None:
        """Make an evaluation exist, even with no tasks (so its batch-assign is not a 404).

        `name` and `status` are what GET /v4/evaluations/{id} answers (the name defaults).
        """
        with self._lock:
            self._tasks.setdefault(evaluation_id, {})
            self._evaluations[evaluation_id] = {
                "name": name or f"Evaluation {evaluation_id}",
                "status": status,
            }

    def add_tasks(self, evaluation_id: str, task_ids: Iterable[str], **fields: Any) -> None:
        """Seed tasks: PENDING EVALUATION_ANNOTATION tasks with a GENERATION entity.

        `fields` override top-level task fields (status, task_type, priority, assigned_to...).
        """
        now = datetime.now(UTC)
        with self._lock:
            tasks = self._tasks.setdefault(evaluation_id, {})
            for index, task_id in enumerate(task_ids):
                tasks[task_id] = {
                    "id": task_id,
                    "task_type": "EVALUATION_ANNOTATION",
                    "task_entity_parent_id": evaluation_id,
                    "task_entity_id": f"tcr_{task_id}",
                    "account_id": ACCOUNT_ID,
                    "assigned_to": None,
                    "assignment_expires_at": None,
                    "status": "PENDING",
                    "priority": index,
                    "task_entity": self._entity(evaluation_id, task_id, now),
                    **fields,
                }

    def warm_answers(self) -> None:
        """Make every task entity's JSON now: a benchmark's fake does it before measuring, or
        its first answers of a big evaluation pay 7 ms each, four at a time, on one loop."""
        with self._lock:
            for tasks in self._tasks.values():
                for task in tasks.values():
                    self.task_json.warm(task)

    def add_org_users(self, *users: dict[str, Any]) -> None:
        """Users of the bot's organization (GET /v4/organizations/org_fake/users), in order.

        Each needs an `id`; `email`, `first_name`, `last_name` and `preferences` default.
        """
        with self._lock:
            for user in users:
                self._org_users.append(
                    {
                        "email": None,
                        "first_name": None,
                        "last_name": None,
                        "preferences": None,
                        **user,
                    }
                )

    def listing_calls(self, route: FakeRoute) -> list[RecordedRequest]:
        """The GET requests of a listing route, in order (one per page read)."""
        suffix = "/users" if route == "org-users" else "/test-case-results"
        with self._lock:
            return [r for r in self.requests if r.method == "GET" and r.path.endswith(suffix)]

    def evaluation_calls(self, evaluation_id: str) -> list[RecordedRequest]:
        """The GET /v4/evaluations/{id} requests for one evaluation."""
        path = f"/v4/evaluations/{evaluation_id}"
        with self._lock:
            return [r for r in self.requests if r.method == "GET" and r.path == path]

    def set_status(self, evaluation_id: str, task_ids: Iterable[str], status: str) -> None:
        """Annotators at work: these tasks now have `status` (e.g. COMPLETED)."""
        with self._lock:
            for task_id in task_ids:
                self._tasks[evaluation_id][task_id]["status"] = status

    def fail_next(
        self,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
        *,
        route: FakeRoute = "batch-assign",
    ) -> None:
        """Answer the next `times` requests of `route` with this status (in order of calls).

        The body defaults to `{"detail": "scripted failure <status>"}`; pass a str to send
        a non-JSON body.
        """
        if body is None:
            body = {"detail": f"scripted failure {status}"}
        with self._lock:
            for _ in range(times):
                self._scripted[route].append(_Scripted(status, body, dict(headers or {})))

    def return_null_next(self, times: int = 1) -> None:
        """Answer the next batch-assigns with 200 `null`; the assignment still happens."""
        with self._lock:
            for _ in range(times):
                self._scripted["batch-assign"].append(_Scripted(None))

    def assign_elsewhere(self, task_ids: Iterable[str], user_id: str) -> None:
        """From now on these tasks end up assigned to `user_id`, whoever was asked for."""
        with self._lock:
            for task_id in task_ids:
                self._assigned_elsewhere[task_id] = user_id

    def batch_assign_calls(self, evaluation_id: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path.endswith("/tasks/batch-assign")
                and (evaluation_id is None or r.evaluation_id == evaluation_id)
            ]

    def task(self, evaluation_id: str, task_id: str) -> dict[str, Any] | None:
        """The current state of a task, as the platform would return it (a copy)."""
        with self._lock:
            found = self._tasks.get(evaluation_id, {}).get(task_id)
            return json.loads(json.dumps(found)) if found is not None else None

    # --- routes --------------------------------------------------------------------------

    def _assign(
        self, evaluation_id: str, task_ids: list[str], assigned_to: str | None
    ) -> list[dict[str, Any]]:
        """Assign the known ids (unknown ones are skipped silently, as the bot must expect).

        Omitting assigned_to is undocumented; the fake assigns to the caller.
        """
        expires = _iso(self.clock() + timedelta(days=1))
        out: list[dict[str, Any]] = []
        with self._lock:
            tasks = self._tasks[evaluation_id]
            for task_id in dict.fromkeys(task_ids):
                task = tasks.get(task_id)
                if task is None:
                    continue
                user = self._assigned_elsewhere.get(task_id, assigned_to or self.user["id"])
                task["assigned_to"] = user
                task["assignment_expires_at"] = expires
                out.append(dict(task))  # top-level copy: only top-level fields ever change
        return out

    def _record(self, request: Request, body: Any, evaluation_id: str | None) -> None:
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            json=body,
            evaluation_id=evaluation_id,
            query=dict(request.query_params),
        )
        with self._lock:
            self.requests.append(recorded)

    def _take_scripted(self, route: FakeRoute) -> _Scripted | None:
        with self._lock:
            queue = self._scripted[route]
            return queue.popleft() if queue else None

    def _count_in_flight(self) -> _InFlight:
        return _InFlight(self)

    @staticmethod
    def _entity(evaluation_id: str, task_id: str, now: datetime) -> dict[str, Any]:
        """A realistic GENERATION test case result, shaped like the spec's example."""
        stamp = _iso(now)
        return {
            "label_status": "PENDING",
            "audit_status": "UNAUDITED",
            "audit_required": False,
            "application_spec_id": "app_fake",
            "evaluation_id": evaluation_id,
            "evaluation_dataset_id": "ds_fake",
            "evaluation_dataset_version_num": "1",
            "test_case_id": f"tc_{task_id}",
            "test_case_evaluation_data": {
                "generation_output": f"Generated answer for {task_id}.",
                "generation_extra_info": {
                    "schema_type": "CHUNKS",
                    "chunks": [{"text": "A retrieved passage.", "metadata": {"source": "kb"}}],
                },
            },
            "test_case_evaluation_data_schema": "GENERATION",
            "result": {},
            "id": f"tcr_{task_id}",
            "created_at": stamp,
            "updated_at": stamp,
            "account_id": ACCOUNT_ID,
            "created_by_user_id": "user_creator",
            "created_by_identity_type": "user",
        }


class _InFlight:
    """Counts concurrent requests, so tests can check the client's concurrency bound."""

    def __init__(self, fake: PlatformState) -> None:
        self._fake = fake

    def __enter__(self) -> None:
        with self._fake._lock:
            self._fake.in_flight += 1
            self._fake.max_in_flight = max(self._fake.max_in_flight, self._fake.in_flight)

    def __exit__(self, *exc: object) -> None:
        with self._fake._lock:
            self._fake.in_flight -= 1
