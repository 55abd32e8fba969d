"""Async client of the platform API: batch-assign in chunks, the user, the paged listings.

The official `scale-gp` SDK has no batch-assign method, so this is a small client of our own
that behaves like the SDK where users will notice: the same headers and timeouts (60 s, 5 s to
connect; `transport.py`) and the same retry policy (`retry.py`). Answers are parsed at this
edge into the core's types (`bot.core.tasks`), straight from the bytes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from bot.core.plan import chunked
from bot.core.readback import EvaluationOverview
from bot.core.tasks import AssignedTask, ChunkError, ChunkResult, ListedTask
from bot.sgp.coalesce import Coalescer
from bot.sgp.errors import SGPError, UnexpectedResponseError
from bot.sgp.gate import FairSlots, SharedCap, answered, lane
from bot.sgp.models import BatchAssignTaskRequest, OrganizationUser, Page, TaskListingItem, UserInfo
from bot.sgp.retry import DEFAULT_MAX_RETRIES
from bot.sgp.transport import (
    DEFAULT_BASE_URL,
    Observer,
    Transport,
    first_problem,
    json_body,
    segment,
)

__all__ = ["DEFAULT_BASE_URL", "Observer", "SGPClient"]

logger = logging.getLogger(__name__)

_TASKS = TypeAdapter(list[AssignedTask])
_TASKS_OR_NULL = TypeAdapter(list[AssignedTask] | None)
_USERS_PAGE: TypeAdapter[Page[OrganizationUser]] = TypeAdapter(Page[OrganizationUser])
_TASKS_PAGE: TypeAdapter[Page[TaskListingItem]] = TypeAdapter(Page[TaskListingItem])

ItemT = TypeVar("ItemT")

#: Items asked for per page of a listing; the platform allows up to MAX_PAGE_SIZE.
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10_000
#: Most pages one listing reads (a million items at the default size).
MAX_PAGES = 1000


class SGPClient:
    """One platform account's API, shared by every request the bot makes.

    `concurrency` bounds the batch-assign requests that `assign_chunked` has in flight across
    the whole client, so several jobs running at once do not multiply the load on the platform.
    `observer(status, seconds)` hears of every attempt: metrics, with no tie to them.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str,
        account_id: str | None = None,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        chunk_size: int = 500,
        concurrency: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: Observer | None = None,
        cap: SharedCap | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("api_key is required")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.chunk_size = chunk_size
        self.concurrency = concurrency
        self._in_flight = FairSlots(concurrency)
        self._listings: Coalescer[tuple[str, int], list[ListedTask]] = Coalescer()
        self._transport = Transport(
            base_url=base_url,
            api_key=api_key,
            account_id=account_id,
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_retries=max_retries,
            transport=transport,
            sleep=sleep,
            observer=observer,
            cap=cap,
        )

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    def __repr__(self) -> str:
        # Never the key: a repr ends up in logs and tracebacks.
        return f"SGPClient(base_url={self._transport.base_url!r})"

    async def __aenter__(self) -> SGPClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    # --- batch-assign ------------------------------------------------------------------------

    async def batch_assign(
        self, evaluation_id: str, task_ids: Sequence[str], assigned_to: str | None
    ) -> list[AssignedTask]:
        """One PATCH batch-assign; the tasks the platform says it assigned (null -> []).

        Raises an SGPError subclass after the retries are spent. The caller must compare the
        returned tasks with the ids it asked for: the platform may skip ids silently.
        """
        response, attempts = await self._send_batch_assign(evaluation_id, task_ids, assigned_to)
        return _tasks(response, attempts)

    async def _send_batch_assign(
        self,
        evaluation_id: str,
        task_ids: Sequence[str],
        assigned_to: str | None,
        slot: Callable[[], AbstractAsyncContextManager[None]] | None = None,
        on_answer: Callable[[], None] | None = None,
    ) -> tuple[httpx.Response, int]:
        path = f"/v4/evaluations/{segment(evaluation_id, 'evaluation')}/tasks/batch-assign"
        body = BatchAssignTaskRequest(task_ids=list(task_ids), assigned_to=assigned_to)
        return await self._transport.request(
            "PATCH",
            path,
            json_body=body.to_json(),
            evaluation_id=evaluation_id,
            slot=slot,
            on_answer=on_answer,
        )

    async def assign_chunked(
        self,
        evaluation_id: str,
        task_ids: Sequence[str],
        assigned_to: str | None,
        on_chunk: Callable[[ChunkResult], Awaitable[None]] | None = None,
    ) -> list[ChunkResult]:
        """Assign any number of tasks as chunk_size-sized requests, `concurrency` at a time.

        Never raises SGPError: a failed chunk comes back as ChunkResult(error=...), so that the
        chunks that did succeed are still reported. Results are in chunk order. `on_chunk` is
        awaited once per chunk as it finishes (one call at a time); a failing callback is logged
        and does not stop the assignment, because progress is cosmetic and the work is not.
        """
        progress = asyncio.Lock()

        async def run(chunk: tuple[str, ...]) -> ChunkResult:
            result = await self.assign_chunk(evaluation_id, chunk, assigned_to)
            if on_chunk is not None:
                async with progress:
                    try:
                        await on_chunk(result)
                    except Exception:
                        logger.exception("progress callback failed; the assignment goes on")
            return result

        chunks = chunked(task_ids, self.chunk_size)
        return list(await asyncio.gather(*(run(chunk) for chunk in chunks)))

    async def assign_chunk(
        self, evaluation_id: str, chunk: Sequence[str], assigned_to: str | None
    ) -> ChunkResult:
        """One chunk within the client's concurrency limit; a failure becomes the result.

        Waiting chunks get freed slots lane by lane in turn (`gate.lane`: the job), so a small
        job's chunk goes out next rather than behind every queued chunk of the big ones.

        Each attempt holds a slot until the platform's status line: a success frees it (and
        `gate.answered` is told) before its answer is downloaded and parsed, which is the
        bot's work, so the next request is already on its way while it happens.
        """
        ids = tuple(chunk)
        key = lane.get() or (evaluation_id, assigned_to)
        try:
            response, attempts = await self._send_batch_assign(
                evaluation_id,
                ids,
                assigned_to,
                slot=lambda: self._in_flight.slot(key),
                on_answer=answered.get(),
            )
            tasks = tuple(_tasks(response, attempts))
            return ChunkResult(ids, tasks, silent=response.content.strip() in (b"", b"null"))
        except SGPError as err:
            return ChunkResult(task_ids=ids, error=ChunkError(err.message, status=err.status))

    # --- the user and the listings -----------------------------------------------------------

    async def get_user_info(self) -> UserInfo:
        """Who the API key belongs to (GET /user-info); also a cheap check that the key works."""
        response, attempts = await self._transport.request("GET", "/user-info")
        try:
            return UserInfo.model_validate(json_body(response, attempts))
        except ValidationError as err:
            raise UnexpectedResponseError(first_problem(err), attempts=attempts) from err

    async def get_evaluation(self, evaluation_id: str) -> EvaluationOverview:
        """One evaluation's name, status and counts (GET /v4/evaluations/{evaluation_id}).

        Not in the spec (spec/ documents batch-assign only): the official SDK's
        `client.evaluations.retrieve`, whose `EvaluationResponse` has `name`, `status` (PENDING,
        COMPLETED, FAILED) and `completed_` / `total_test_case_result_count`. Only those are read.
        """
        path = f"/v4/evaluations/{segment(evaluation_id, 'evaluation')}"
        response, attempts = await self._transport.request("GET", path, evaluation_id=evaluation_id)
        try:
            return EvaluationOverview.model_validate(json_body(response, attempts))
        except ValidationError as err:
            raise UnexpectedResponseError(first_problem(err), attempts=attempts) from err

    async def list_organization_users(
        self, organization_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> list[OrganizationUser]:
        """Every user of an organization (GET /v4/organizations/{id}/users), all pages."""
        path = f"/v4/organizations/{segment(organization_id, 'organization')}/users"
        return await self._all_pages(path, _USERS_PAGE, {}, page_size, None)

    async def list_evaluation_tasks(
        self, evaluation_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> list[ListedTask]:
        """Every task of an evaluation, in the platform's order, all pages.

        Read from GET /v4/evaluations/{id}/test-case-results?view=Task: each test case result
        carries its task, with `assigned_to` as a user object. Results without a readable task
        are left out. Callers asking for the same listing while it is read share that reading.
        """
        listed = await self._listings.run(
            (evaluation_id, page_size), lambda: self._read_tasks(evaluation_id, page_size)
        )
        return list(listed)  # each caller its own list

    async def _read_tasks(self, evaluation_id: str, page_size: int) -> list[ListedTask]:
        tasks: list[ListedTask] = []
        async for page in self.evaluation_task_pages(evaluation_id, page_size=page_size):
            tasks.extend(page)
        return tasks

    async def evaluation_task_pages(
        self, evaluation_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[ListedTask]]:
        """The evaluation's tasks a page at a time: a caller that keeps only what it needs of
        each page never holds a whole evaluation (50,000 tasks) in memory. Not coalesced."""
        path = f"/v4/evaluations/{segment(evaluation_id, 'evaluation')}/test-case-results"
        pages = self._pages(path, _TASKS_PAGE, {"view": "Task"}, page_size, evaluation_id)
        async for items in pages:
            yield [item.task for item in items if item.task is not None]

    async def _all_pages(
        self,
        path: str,
        adapter: TypeAdapter[Page[ItemT]],
        params: Mapping[str, str | int],
        page_size: int,
        evaluation_id: str | None,
    ) -> list[ItemT]:
        """Items of every page (see `_pages`), in one list."""
        items: list[ItemT] = []
        async for page in self._pages(path, adapter, params, page_size, evaluation_id):
            items.extend(page)
        return items

    async def _pages(
        self,
        path: str,
        adapter: TypeAdapter[Page[ItemT]],
        params: Mapping[str, str | int],
        page_size: int,
        evaluation_id: str | None,
    ) -> AsyncIterator[list[ItemT]]:
        """Each page's items from page 1, in order, until total_item_count is reached or a page
        is empty.

        Once page 1 tells the count, the pages it implies are read `concurrency` at a time
        ahead of the caller (50 pages of a 50,000-task evaluation take a quarter of the time),
        still handed over one by one and in order, so at most that many pages are held. Without
        a count, pages are read one after another and a page shorter than asked is the last.
        At most MAX_PAGES pages: a platform that keeps answering full pages cannot keep the bot
        in a loop, and the cut is logged.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}")
        first = await self._page(path, adapter, params, 1, page_size, evaluation_id)
        read = len(first.items)
        yield first.items
        if _last_page(first, read, page_size):
            return
        expected = _expected_pages(first)
        ahead: deque[asyncio.Task[Page[ItemT]]] = deque()
        upcoming = 2
        try:
            for _ in range(2, MAX_PAGES + 1):
                while upcoming <= MAX_PAGES and (
                    not ahead or (upcoming <= expected and len(ahead) < self.concurrency)
                ):
                    reading = self._page(path, adapter, params, upcoming, page_size, evaluation_id)
                    ahead.append(asyncio.ensure_future(reading))
                    upcoming += 1
                page = await ahead.popleft()
                read += len(page.items)
                yield page.items
                if _last_page(page, read, page_size):
                    return
            logger.warning("SGP GET %s: stopped after %d pages of %d", path, MAX_PAGES, page_size)
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)

    async def _page(
        self,
        path: str,
        adapter: TypeAdapter[Page[ItemT]],
        params: Mapping[str, str | int],
        page_number: int,
        page_size: int,
        evaluation_id: str | None,
    ) -> Page[ItemT]:
        """One page of a listing, parsed straight from the bytes; errors explained in words."""
        query = {**params, "page": page_number, "limit": page_size}
        response, attempts = await self._transport.request(
            "GET", path, params=query, evaluation_id=evaluation_id
        )
        try:
            return adapter.validate_json(response.content)
        except ValidationError:
            pass  # the same parse from the decoded body, to say what is wrong in words
        try:
            return adapter.validate_python(json_body(response, attempts))
        except ValidationError as err:
            raise UnexpectedResponseError(first_problem(err), attempts=attempts) from err


def _expected_pages(first: Page[ItemT]) -> int:
    """How many pages the count on page 1 implies at the size the platform really serves
    (it may cap `limit` lower); 1 without a count: nothing is read ahead."""
    if first.total_item_count is None or not first.items:
        return 1
    return -(-first.total_item_count // len(first.items))


def _last_page(page: Page[ItemT], read: int, page_size: int) -> bool:
    """An empty page ends a listing; so does reaching the count, else a page shorter than asked.

    The count wins when there is one: a platform that caps `limit` lower sends short pages early.
    """
    if not page.items:
        return True
    if page.total_item_count is not None:
        return read >= page.total_item_count
    return len(page.items) < (page.items_per_page or page_size)


def _tasks(response: httpx.Response, attempts: int) -> list[AssignedTask]:
    """The answer's tasks, parsed straight from the bytes; errors explained the slow way."""
    try:
        return _TASKS_OR_NULL.validate_json(response.content) or []
    except ValidationError:
        pass  # the same parse, step by step, to say what is wrong in words
    payload = json_body(response, attempts)
    if payload is None:
        return []
    if not isinstance(payload, list):
        raise UnexpectedResponseError(
            f"expected a list of tasks, got {type(payload).__name__}", attempts=attempts
        )
    try:
        return _TASKS.validate_python(payload)
    except ValidationError as err:
        raise UnexpectedResponseError(first_problem(err), attempts=attempts) from err
