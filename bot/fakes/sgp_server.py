"""A fake Scale GP platform: batch-assign, /user-info and two paged listings, as a Starlette app.

It follows spec/batch-assign.openapi.yaml and what the real API is known (or feared) to do:
401 without the right key, 404 for an unknown evaluation, FastAPI-style 422s, unknown task
ids skipped silently, and optionally `null` instead of a list. The listings (organization users,
an evaluation's test case results with their tasks) page with `page` (from 1) and `limit` (at
most 10,000) and report `total_item_count`. Tests seed tasks and users, script failures and read
back every request (`bot.fakes.sgp_state`), over real HTTP; the playground mounts it too.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.fakes.sgp_state import (
    ACCOUNT_ID,
    BOT_USER,
    DEFAULT_API_KEY,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    FakeRoute,
    PlatformState,
    RecordedRequest,
    _iso,
    _Scripted,
)

__all__ = ["ACCOUNT_ID", "BOT_USER", "DEFAULT_API_KEY", "FakeRoute", "FakeSGP", "RecordedRequest"]


class _BatchAssignBody(BaseModel):
    """The request body as the real API validates it: strict, no null assigned_to."""

    model_config = ConfigDict(extra="ignore")

    task_ids: list[StrictStr]
    # The spec allows omitting it but not null; the default is not validated, an explicit
    # null is (and fails), so a client that sends null is caught.
    assigned_to: StrictStr = None  # type: ignore[assignment]


#: When a request came in, and when its held answer may leave, in its ASGI scope.
_ARRIVED, _ANSWER_AT = "fake_sgp.arrived", "fake_sgp.answer_at"


class FakeSGP(PlatformState):
    """The fake platform. `app` is the ASGI app; the rest is for tests to drive and inspect."""

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        latency_per_request: float = 0.0,
        latency_per_id: float = 0.0,
        hold_answers: bool = False,
    ) -> None:
        """`hold_answers` (the benches): the latency is when the answer leaves, the fake's own
        work done within it, as a platform's is. Else the work follows the wait."""
        super().__init__(
            api_key, latency_per_request=latency_per_request, latency_per_id=latency_per_id
        )
        self.hold_answers = hold_answers
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

        async with self._serving(request):
            ids = body.get("task_ids") if isinstance(body, dict) else None
            count = len(ids) if isinstance(ids, list) else 0
            seconds = self.latency_per_request + self.latency_per_id * count
            scripted, refused = await self._opening(request, "batch-assign", seconds)
            if refused is not None:
                return refused
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
            return Response(self.task_json.dumps(assigned), media_type="application/json")

    async def _update_task(self, request: Request) -> Response:
        """PATCH one task (the official SDK's evaluations.tasks.update): what a script loops on."""
        evaluation_id = str(request.path_params["evaluation_id"])
        task_id = str(request.path_params["task_id"])
        try:
            body: Any = json.loads(await request.body() or b"{}")
        except ValueError:
            return _json_invalid()
        self._record(request, body, evaluation_id)
        async with self._serving(request):
            await self._service_time(request, self.latency_per_request + self.latency_per_id)
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
        async with self._serving(request):
            _, refused = await self._opening(request, "evaluation", self.latency_per_request)
            if refused is not None:
                return refused
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
        async with self._serving(request):
            _, refused = await self._opening(request, "user-info", self.latency_per_request)
            if refused is not None:
                return refused
            return JSONResponse({**self.user, "access_profiles": []})

    async def _organization_users(self, request: Request) -> Response:
        organization_id = str(request.path_params["organization_id"])
        self._record(request, None, None)
        async with self._serving(request):
            _, refused = await self._opening(request, "org-users", self.latency_per_request)
            if refused is not None:
                return refused
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
        async with self._serving(request):
            _, refused = await self._opening(request, "test-case-results", self.latency_per_request)
            if refused is not None:
                return refused
            with self._lock:
                tasks = self._tasks.get(evaluation_id)
                # A shallow copy: only the page asked for is built (a listing of 50,000 tasks
                # costs the fake per page, not per evaluation, as a database's would).
                snapshot = list(tasks.values()) if tasks is not None else None
                users = {user["id"]: dict(user) for user in self._org_users}
            if snapshot is None:
                return JSONResponse(
                    {"detail": f"Evaluation {evaluation_id} not found"}, status_code=404
                )
            with_task = "Task" in request.query_params.getlist("view")
            with self._lock:
                return self._page(
                    request, snapshot, lambda task: self._result_item(task, users, with_task)
                )

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

    def _page(
        self,
        request: Request,
        items: list[dict[str, Any]],
        build: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> Response:
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
                "items": [build(item) if build else item for item in items[start : start + size]],
                "total_item_count": len(items),
                "current_page": page,
                "items_per_page": size,
            }
        )

    # --- internals -----------------------------------------------------------------------
    async def _service_time(self, request: Request, seconds: float) -> None:
        """Wait out the latency now, or (hold_answers) note when the answer may leave."""
        if self.hold_answers:
            request.scope[_ANSWER_AT] = request.scope[_ARRIVED] + seconds
        else:
            await asyncio.sleep(seconds)

    @asynccontextmanager
    async def _serving(self, request: Request) -> AsyncIterator[None]:
        """In flight until its answer may leave (hold_answers), timed from its arrival: it
        yields once, so requests that came in together are stamped before any works."""
        with self._count_in_flight():
            request.scope[_ARRIVED] = time.monotonic()
            if self.hold_answers:
                await asyncio.sleep(0)
            yield
            answer_at = request.scope.get(_ANSWER_AT)
            if answer_at is not None:
                await asyncio.sleep(max(0.0, answer_at - time.monotonic()))

    async def _opening(
        self, request: Request, route: FakeRoute, seconds: float
    ) -> tuple[_Scripted | None, Response | None]:
        """How every endpoint starts: its service time, then a scripted failure, then the key.

        The scripted entry is returned too: one without a status (return_null_next) changes
        what batch-assign answers later.
        """
        await self._service_time(request, seconds)
        scripted = self._take_scripted(route)
        if scripted is not None and scripted.status is not None:
            return scripted, self._scripted_response(scripted)
        if request.headers.get("x-api-key") != self.api_key:
            return scripted, JSONResponse({"detail": "Not authenticated"}, status_code=401)
        return scripted, None

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
