"""A fake Scale GP platform: batch-assign, /user-info and two paged listings, as a Starlette app.

It follows spec/batch-assign.openapi.yaml and what the real API is known (or feared) to do:
401 without the right key, 404 for an unknown evaluation, FastAPI-style 422s, unknown task
ids skipped silently, and optionally `null` instead of a list. The listings (organization users,
an evaluation's test case results with their tasks) page with `page` (from 1) and `limit` (at
most 10,000) and report `total_item_count`. Tests seed tasks and users, script failures and read
back every request. Serve it over real HTTP with tests.fakes.server.serve.

State is touched from the server thread and the test thread, so it sits behind one lock.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

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


class _BatchAssignBody(BaseModel):
    """The request body as the real API validates it: strict, no null assigned_to."""

    model_config = ConfigDict(extra="ignore")

    task_ids: list[StrictStr]
    # The spec allows omitting it but not null; the default is not validated, an explicit
    # null is (and fails), so a client that sends null is caught.
    assigned_to: StrictStr = None  # type: ignore[assignment]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class FakeSGP:
    """The fake platform. `app` is the ASGI app; the rest is for tests to drive and inspect."""

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
        self._assigned_elsewhere: dict[str, str] = {}
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
        self.app = Starlette(
            routes=[
                Route(
                    "/v4/evaluations/{evaluation_id}/tasks/batch-assign",
                    self._batch_assign,
                    methods=["PATCH"],
                ),
                Route(
                    "/v4/evaluations/{evaluation_id}/tasks/{task_id}",
                    self._update_task,
                    methods=["PATCH"],
                ),
                Route("/user-info", self._user_info, methods=["GET"]),
                Route("/v4/evaluations/{evaluation_id}", self._evaluation, methods=["GET"]),
                Route(
                    "/v4/organizations/{organization_id}/users",
                    self._organization_users,
                    methods=["GET"],
                ),
                Route(
                    "/v4/evaluations/{evaluation_id}/test-case-results",
                    self._test_case_results,
                    methods=["GET"],
                ),
            ]
        )

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

    async def _batch_assign(self, request: Request) -> Response:
        evaluation_id = str(request.path_params["evaluation_id"])
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
            invalid_json = True
        else:
            invalid_json = False
        self._record(request, body, evaluation_id)

        with self._count_in_flight():
            ids = body.get("task_ids") if isinstance(body, dict) else None
            count = len(ids) if isinstance(ids, list) else 0
            await asyncio.sleep(self.latency_per_request + self.latency_per_id * count)

            scripted = self._take_scripted("batch-assign")
            if scripted is not None and scripted.status is not None:
                return self._scripted_response(scripted)
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"detail": "Not authenticated"}, status_code=401)
            with self._lock:
                known = evaluation_id in self._tasks
            if not known:
                return JSONResponse(
                    {"detail": f"Evaluation {evaluation_id} not found"}, status_code=404
                )
            if invalid_json:
                return _json_invalid()
            try:
                parsed = _BatchAssignBody.model_validate(body)
            except ValidationError as err:
                return _unprocessable(err)

            assigned = self._assign(evaluation_id, parsed.task_ids, parsed.assigned_to)
            if scripted is not None:  # return_null_next
                return Response("null", media_type="application/json")
            return JSONResponse(assigned)

    async def _update_task(self, request: Request) -> Response:
        """PATCH one task (the official SDK's evaluations.tasks.update): what a script loops on."""
        evaluation_id = str(request.path_params["evaluation_id"])
        task_id = str(request.path_params["task_id"])
        try:
            body: Any = json.loads(await request.body() or b"{}")
        except ValueError:
            return _json_invalid()
        self._record(request, body, evaluation_id)
        with self._count_in_flight():
            await asyncio.sleep(self.latency_per_request + self.latency_per_id)
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"detail": "Not authenticated"}, status_code=401)
            assigned_to = body.get("assigned_to") if isinstance(body, dict) else None
            with self._lock:
                known = task_id in self._tasks.get(evaluation_id, {})
            if not known:
                return JSONResponse({"detail": f"Task {task_id} not found"}, status_code=404)
            [task] = self._assign(evaluation_id, [task_id], assigned_to)
            return JSONResponse(task)

    async def _evaluation(self, request: Request) -> Response:
        """GET /v4/evaluations/{id}, shaped like the SDK's EvaluationResponse (not in the spec):
        the counts are of the evaluation's tasks, completed ones being COMPLETED or FIXED."""
        evaluation_id = str(request.path_params["evaluation_id"])
        self._record(request, None, evaluation_id)
        with self._count_in_flight():
            await asyncio.sleep(self.latency_per_request)
            scripted = self._take_scripted("evaluation")
            if scripted is not None and scripted.status is not None:
                return self._scripted_response(scripted)
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"detail": "Not authenticated"}, status_code=401)
            with self._lock:
                tasks = self._tasks.get(evaluation_id)
                statuses = [t["status"] for t in (tasks or {}).values()]
                shown = dict(self._evaluations.get(evaluation_id) or {})
            if tasks is None:
                return JSONResponse(
                    {"detail": f"Evaluation {evaluation_id} not found"}, status_code=404
                )
            return JSONResponse(
                {
                    "id": evaluation_id,
                    "account_id": ACCOUNT_ID,
                    "application_spec_id": "app_fake",
                    "name": shown.get("name", f"Evaluation {evaluation_id}"),
                    "description": "",
                    "status": shown.get("status", "PENDING"),
                    "completed_test_case_result_count": sum(
                        s in ("COMPLETED", "FIXED") for s in statuses
                    ),
                    "total_test_case_result_count": len(statuses),
                    "created_at": _iso(datetime.now(UTC)),
                    "created_by_user_id": "user_creator",
                    "tags": None,
                }
            )

    async def _user_info(self, request: Request) -> Response:
        self._record(request, None, None)
        with self._count_in_flight():
            await asyncio.sleep(self.latency_per_request)
            scripted = self._take_scripted("user-info")
            if scripted is not None and scripted.status is not None:
                return self._scripted_response(scripted)
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"detail": "Not authenticated"}, status_code=401)
            return JSONResponse({**self.user, "access_profiles": []})

    async def _organization_users(self, request: Request) -> Response:
        organization_id = str(request.path_params["organization_id"])
        self._record(request, None, None)
        with self._count_in_flight():
            await asyncio.sleep(self.latency_per_request)
            scripted = self._take_scripted("org-users")
            if scripted is not None and scripted.status is not None:
                return self._scripted_response(scripted)
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"detail": "Not authenticated"}, status_code=401)
            if organization_id != self.user["organization_id"]:
                return JSONResponse(
                    {"detail": f"Organization {organization_id} not found"}, status_code=404
                )
            with self._lock:
                users = json.loads(json.dumps(self._org_users))
            return self._page(request, users)

    async def _test_case_results(self, request: Request) -> Response:
        """Test case results of an evaluation; with `view=Task` each carries its task."""
        evaluation_id = str(request.path_params["evaluation_id"])
        self._record(request, None, evaluation_id)
        with self._count_in_flight():
            await asyncio.sleep(self.latency_per_request)
            scripted = self._take_scripted("test-case-results")
            if scripted is not None and scripted.status is not None:
                return self._scripted_response(scripted)
            if request.headers.get("x-api-key") != self.api_key:
                return JSONResponse({"detail": "Not authenticated"}, status_code=401)
            with self._lock:
                tasks = self._tasks.get(evaluation_id)
                snapshot = (
                    json.loads(json.dumps(list(tasks.values()))) if tasks is not None else None
                )
                users = {user["id"]: dict(user) for user in self._org_users}
            if snapshot is None:
                return JSONResponse(
                    {"detail": f"Evaluation {evaluation_id} not found"}, status_code=404
                )
            with_task = "Task" in request.query_params.getlist("view")
            items = [self._result_item(task, users, with_task) for task in snapshot]
            return self._page(request, items)

    @staticmethod
    def _result_item(
        task: dict[str, Any], users: dict[str, dict[str, Any]], with_task: bool
    ) -> dict[str, Any]:
        """A test case result as the listing returns it; its task's assignee as a user object."""
        item = dict(task.get("task_entity") or {"id": task["task_entity_id"]})
        if with_task:
            assignee = task.get("assigned_to")
            item["task"] = {
                "id": task["id"],
                "status": task["status"],
                "task_type": task["task_type"],
                "priority": task["priority"],
                "assigned_to": None if assignee is None else users.get(assignee, {"id": assignee}),
                "assignment_expires_at": task["assignment_expires_at"],
            }
        return item

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        """One page of `items`, or FastAPI's 422 for a bad `page` or `limit`."""
        problems: list[dict[str, Any]] = []
        page = _int_param(request, "page", 1, 1, None, problems)
        limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, problems)
        if problems:
            return JSONResponse({"detail": problems}, status_code=422)
        size = min(limit, self.page_cap) if self.page_cap else limit
        start = (page - 1) * size
        return JSONResponse(
            {
                "items": items[start : start + size],
                "total_item_count": len(items),
                "current_page": page,
                "items_per_page": size,
            }
        )

    # --- internals -----------------------------------------------------------------------

    def _assign(
        self, evaluation_id: str, task_ids: list[str], assigned_to: str | None
    ) -> list[dict[str, Any]]:
        """Assign the known ids (unknown ones are skipped silently, as the bot must expect).

        Omitting assigned_to is undocumented; the fake assigns to the caller.
        """
        expires = _iso(datetime.now(UTC) + timedelta(days=1))
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

    @staticmethod
    def _scripted_response(scripted: _Scripted) -> Response:
        assert scripted.status is not None
        if isinstance(scripted.body, str):
            return Response(
                scripted.body,
                status_code=scripted.status,
                headers=scripted.headers,
                media_type="text/plain",
            )
        return JSONResponse(scripted.body, status_code=scripted.status, headers=scripted.headers)

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

    def __init__(self, fake: FakeSGP) -> None:
        self._fake = fake

    def __enter__(self) -> None:
        with self._fake._lock:
            self._fake.in_flight += 1
            self._fake.max_in_flight = max(self._fake.max_in_flight, self._fake.in_flight)

    def __exit__(self, *exc: object) -> None:
        with self._fake._lock:
            self._fake.in_flight -= 1


def _unprocessable(err: ValidationError) -> JSONResponse:
    """FastAPI's 422: each error's loc prefixed with "body"."""
    detail = json.loads(err.json(include_url=False))
    for item in detail:
        item["loc"] = ["body", *item["loc"]]
    return JSONResponse({"detail": detail}, status_code=422)


def _int_param(
    request: Request,
    name: str,
    default: int,
    least: int,
    most: int | None,
    problems: list[dict[str, Any]],
) -> int:
    """A query parameter as FastAPI reads `int = Query(default, ge=least, le=most)`."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(
            {
                "type": "int_parsing",
                "loc": ["query", name],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": raw,
            }
        )
        return default
    if value < least or (most is not None and value > most):
        bound = (
            f"greater than or equal to {least}"
            if value < least
            else f"less than or equal to {most}"
        )
        problems.append(
            {
                "type": "greater_than_equal" if value < least else "less_than_equal",
                "loc": ["query", name],
                "msg": f"Input should be {bound}",
                "input": raw,
            }
        )
    return value


def _json_invalid() -> JSONResponse:
    """FastAPI's 422 for a body that is not JSON."""
    detail = [
        {
            "type": "json_invalid",
            "loc": ["body", 0],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": "Expecting value"},
        }
    ]
    return JSONResponse({"detail": detail}, status_code=422)
