"""Async client of the platform API: batch-assign, chunking, and the SDK's retry policy.

The official `scale-gp` SDK has no batch-assign method, so this is a small client of our own
that behaves like the SDK where users will notice: the same headers, the same retry policy
(2 retries on connection errors, timeouts, 408, 409, 429 and 5xx, honouring Retry-After up to
60 s, else 0.5 s then 1 s backoff with jitter) and the same timeouts (60 s, 5 s to connect).
Re-sending a batch-assign of the same tasks to the same user is harmless, so retrying the
PATCH is safe.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError

from bot.core.plan import chunked
from bot.sgp.coalesce import Coalescer
from bot.sgp.errors import (
    APIConnectionError,
    APITimeoutError,
    SGPError,
    UnexpectedResponseError,
    error_for_status,
)
from bot.sgp.models import (
    BatchAssignTaskRequest,
    ChunkResult,
    ListedTask,
    OrganizationUser,
    Page,
    TaskListingItem,
    TaskResponse,
    UserInfo,
)

__all__ = ["DEFAULT_BASE_URL", "SGPClient"]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.egp.scale.com"
USER_AGENT = "sgp-assign-bot/0.1.0 (Slack /assign bot)"

# The retry policy of the Stainless-generated scale-gp SDK.
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUSES = frozenset({408, 409, 429})

#: Hears of each attempt at the API: its status ("200", "timeout"...) and how long it took.
Observer = Callable[[str, float], None]

_TASKS = TypeAdapter(list[TaskResponse])
_TASKS_OR_NULL = TypeAdapter(list[TaskResponse] | None)
_USERS_PAGE: TypeAdapter[Page[OrganizationUser]] = TypeAdapter(Page[OrganizationUser])
_TASKS_PAGE: TypeAdapter[Page[TaskListingItem]] = TypeAdapter(Page[TaskListingItem])

ItemT = TypeVar("ItemT")

#: Items asked for per page of a listing; the platform allows up to MAX_PAGE_SIZE.
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10_000
#: Most pages one listing reads (a million items at the default size).
MAX_PAGES = 1000


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The delay the server asked for: `retry-after-ms`, else `Retry-After` (seconds or date)."""
    retry_after_ms = headers.get("retry-after-ms")
    if retry_after_ms is not None:
        try:
            return float(retry_after_ms) / 1000
        except ValueError:
            pass
    retry_after = headers.get("retry-after")
    if retry_after is None:
        return None
    try:
        return float(retry_after)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(retry_after)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - (time.time() if now is None else now)


def backoff_seconds(retry: int, headers: Mapping[str, str] | None = None) -> float:
    """How long to wait before retry number `retry` (0 for the first retry).

    The server's own wish wins when it is positive and at most 60 s; otherwise exponential
    backoff 0.5 s * 2**retry capped at 8 s, shortened by up to 25 % of jitter so that many
    clients that failed together do not come back together.
    """
    asked = retry_after_seconds(headers) if headers is not None else None
    if asked is not None and 0 < asked <= MAX_RETRY_AFTER:
        return asked
    delay = min(INITIAL_RETRY_DELAY * 2.0 ** min(retry, 1000), MAX_RETRY_DELAY)
    return max(delay * (1 - 0.25 * random.random()), 0.0)


def should_retry(response: httpx.Response) -> bool:
    """Whether a failed response is worth another attempt; the server may decide explicitly."""
    explicit = response.headers.get("x-should-retry")
    if explicit == "true":
        return True
    if explicit == "false":
        return False
    return response.status_code in RETRYABLE_STATUSES or response.status_code >= 500


class SGPClient:
    """One platform account's API, shared by every request the bot makes.

    `concurrency` bounds the batch-assign requests that `assign_chunked` has in flight across
    the whole client, so several jobs running at once do not multiply the load on the platform.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str,
        account_id: str | None = None,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        max_retries: int = 2,
        chunk_size: int = 500,
        concurrency: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: Observer | None = None,
    ) -> None:
        """`observer(status, seconds)` hears of every attempt: metrics, with no tie to them."""
        if not api_key:
            raise ValueError("api_key is required")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        headers = {
            "x-api-key": api_key,
            "accept": "application/json",
            "user-agent": USER_AGENT,
        }
        if account_id:
            headers["x-selected-account-id"] = account_id
        self._api_key = api_key
        self.max_retries = max_retries
        self.chunk_size = chunk_size
        self.concurrency = concurrency
        self._sleep = sleep
        self.observer = observer
        self._in_flight = asyncio.Semaphore(concurrency)
        self._listings: Coalescer[tuple[str, int], list[ListedTask]] = Coalescer()
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
        )

    def __repr__(self) -> str:
        # Never the key: a repr ends up in logs and tracebacks.
        return f"SGPClient(base_url={str(self._http.base_url)!r})"

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
        await self._http.aclose()

    # --- endpoints ---------------------------------------------------------------------------

    async def batch_assign(
        self, evaluation_id: str, task_ids: Sequence[str], assigned_to: str | None
    ) -> list[TaskResponse]:
        """One PATCH batch-assign; the tasks the platform says it assigned (null -> []).

        Raises an SGPError subclass after the retries are spent. The caller must compare the
        returned tasks with the ids it asked for: the platform may skip ids silently.
        """
        response, attempts = await self._send_batch_assign(evaluation_id, task_ids, assigned_to)
        return self._tasks(response, attempts)

    async def _send_batch_assign(
        self, evaluation_id: str, task_ids: Sequence[str], assigned_to: str | None
    ) -> tuple[httpx.Response, int]:
        path = f"/v4/evaluations/{_segment(evaluation_id, 'evaluation')}/tasks/batch-assign"
        body = BatchAssignTaskRequest(task_ids=list(task_ids), assigned_to=assigned_to)
        return await self._request(
            "PATCH", path, json_body=body.to_json(), evaluation_id=evaluation_id
        )

    def _tasks(self, response: httpx.Response, attempts: int) -> list[TaskResponse]:
        """The answer's tasks, parsed straight from the bytes; errors explained the slow way."""
        try:
            return _TASKS_OR_NULL.validate_json(response.content) or []
        except ValidationError:
            pass  # the same parse, step by step, to say what is wrong in words
        payload = self._json(response, attempts)
        if payload is None:
            return []
        if not isinstance(payload, list):
            raise UnexpectedResponseError(
                f"expected a list of tasks, got {type(payload).__name__}", attempts=attempts
            )
        try:
            return _TASKS.validate_python(payload)
        except ValidationError as err:
            raise UnexpectedResponseError(_first_problem(err), attempts=attempts) from err

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

        The slot is freed as soon as the answer has arrived: parsing a large answer is the
        bot's work, and the next request should already be on its way while it happens.
        """
        ids = tuple(chunk)
        try:
            async with self._in_flight:
                response, attempts = await self._send_batch_assign(evaluation_id, ids, assigned_to)
            return ChunkResult(task_ids=ids, tasks=tuple(self._tasks(response, attempts)))
        except SGPError as err:
            return ChunkResult(task_ids=ids, error=err)

    async def get_user_info(self) -> UserInfo:
        """Who the API key belongs to (GET /user-info); also a cheap check that the key works."""
        response, attempts = await self._request("GET", "/user-info")
        payload = self._json(response, attempts)
        try:
            return UserInfo.model_validate(payload)
        except ValidationError as err:
            raise UnexpectedResponseError(_first_problem(err), attempts=attempts) from err

    async def list_organization_users(
        self, organization_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> list[OrganizationUser]:
        """Every user of an organization (GET /v4/organizations/{id}/users), all pages."""
        path = f"/v4/organizations/{_segment(organization_id, 'organization')}/users"
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
        path = f"/v4/evaluations/{_segment(evaluation_id, 'evaluation')}/test-case-results"
        items = await self._all_pages(path, _TASKS_PAGE, {"view": "Task"}, page_size, evaluation_id)
        return [item.task for item in items if item.task is not None]

    async def _all_pages(
        self,
        path: str,
        adapter: TypeAdapter[Page[ItemT]],
        params: Mapping[str, str | int],
        page_size: int,
        evaluation_id: str | None,
    ) -> list[ItemT]:
        """Items of every page from page 1, until total_item_count is reached or a page is empty.

        Without a count, a page shorter than asked is the last.

        At most MAX_PAGES pages: a platform that keeps answering full pages cannot keep the bot
        in a loop, and the cut is logged.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}")
        items: list[ItemT] = []
        for page_number in range(1, MAX_PAGES + 1):
            query = {**params, "page": page_number, "limit": page_size}
            response, attempts = await self._request(
                "GET", path, params=query, evaluation_id=evaluation_id
            )
            try:
                page = adapter.validate_python(self._json(response, attempts))
            except ValidationError as err:
                raise UnexpectedResponseError(_first_problem(err), attempts=attempts) from err
            items.extend(page.items)
            if not page.items:
                return items
            if page.total_item_count is not None:
                # The count wins: a platform that caps `limit` lower sends short pages early.
                if len(items) >= page.total_item_count:
                    return items
            elif len(page.items) < (page.items_per_page or page_size):
                return items
        logger.warning("SGP GET %s: stopped after %d pages of %d", path, MAX_PAGES, page_size)
        return items

    # --- transport ---------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, str | int] | None = None,
        evaluation_id: str | None = None,
    ) -> tuple[httpx.Response, int]:
        """Send with retries; the successful response and how many attempts it took."""
        max_attempts = self.max_retries + 1
        attempt = 0
        while True:
            attempt += 1
            can_retry = attempt < max_attempts
            started = time.monotonic()
            try:
                response = await self._http.request(method, path, json=json_body, params=params)
            except httpx.TimeoutException as exc:
                self._observe("timeout", started)
                if not can_retry:
                    raise APITimeoutError(attempts=attempt, cause=type(exc).__name__) from exc
                await self._pause(method, path, type(exc).__name__, attempt, max_attempts, None)
                continue
            except httpx.RequestError as exc:
                self._observe("connection_error", started)
                if not can_retry:
                    raise APIConnectionError(attempts=attempt, cause=type(exc).__name__) from exc
                await self._pause(method, path, type(exc).__name__, attempt, max_attempts, None)
                continue
            self._observe(str(response.status_code), started)

            if response.is_success:
                return response, attempt
            if can_retry and should_retry(response):
                await self._pause(
                    method, path, str(response.status_code), attempt, max_attempts, response.headers
                )
                continue
            raise error_for_status(
                response.status_code, self._error_body(response), evaluation_id, attempt
            )

    def _observe(self, status: str, started: float) -> None:
        """Tell the observer about one attempt; counting must never break an assignment."""
        if self.observer is None:
            return
        try:
            self.observer(status, time.monotonic() - started)
        except Exception:
            logger.warning("the SGP request observer failed", exc_info=True)

    async def _pause(
        self,
        method: str,
        path: str,
        reason: str,
        attempt: int,
        max_attempts: int,
        headers: Mapping[str, str] | None,
    ) -> None:
        delay = backoff_seconds(attempt - 1, headers)
        logger.warning(
            "SGP %s %s failed (%s) on attempt %d of %d; retrying in %.2f s",
            method,
            path,
            reason,
            attempt,
            max_attempts,
            delay,
        )
        await self._sleep(delay)

    def _redacted_text(self, response: httpx.Response) -> str:
        """The body with the API key blanked out, in case the server echoes it back."""
        return response.text.replace(self._api_key, "[redacted]")

    def _error_body(self, response: httpx.Response) -> Any:
        text = self._redacted_text(response)
        try:
            return json.loads(text)
        except ValueError:
            return text

    def _json(self, response: httpx.Response, attempts: int) -> Any:
        """The parsed success body; an empty body reads as null.

        Not redacted: it is parsed, never shown, and redaction could corrupt it.
        """
        text = response.text
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as err:
            raise UnexpectedResponseError(
                f"the body is not JSON ({response.headers.get('content-type', 'no content type')})",
                status=response.status_code,
                attempts=attempts,
            ) from err


def _segment(value: str, what: str) -> str:
    """An id as one path segment; ids that would change the path itself are refused."""
    if value in ("", ".", ".."):
        raise ValueError(f"not an {what} id: {value!r}")
    return quote(value, safe="")


def _first_problem(err: ValidationError) -> str:
    """Like `0.id: Field required (and 2 more problems)`: enough for a person, short for Slack."""
    problems = err.errors(include_url=False, include_input=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"
