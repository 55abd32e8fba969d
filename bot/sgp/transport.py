"""One HTTP connection pool to the platform: the SDK's headers and timeouts, the retry policy,
and error statuses turned into typed errors whose text never carries the API key."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from bot.sgp.errors import UnexpectedResponseError, error_for_status
from bot.sgp.gate import SharedCap
from bot.sgp.retry import DEFAULT_MAX_RETRIES, retry_after_seconds, send_with_retries

__all__ = [
    "DEFAULT_BASE_URL",
    "USER_AGENT",
    "Observer",
    "Transport",
    "first_problem",
    "json_body",
    "segment",
]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.egp.scale.com"
USER_AGENT = "sgp-assign-bot/0.1.0 (Slack /assign bot)"

#: Hears of each attempt at the API: its status ("200", "timeout"...) and how long it took.
Observer = Callable[[str, float], None]


class Transport:
    """Requests to one platform account, each retried by the platform's retry policy."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str,
        account_id: str | None = None,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: Observer | None = None,
        cap: SharedCap | None = None,
    ) -> None:
        headers = {"x-api-key": api_key, "accept": "application/json", "user-agent": USER_AGENT}
        if account_id:
            headers["x-selected-account-id"] = account_id
        self._api_key = api_key
        self.max_retries = max_retries
        self.sleep = sleep
        self.observer = observer
        #: Every process's requests together (ASSIGN_PLATFORM_MAX_IN_FLIGHT); None: no cap.
        self.cap = cap
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
        )

    @property
    def base_url(self) -> str:
        return str(self.http.base_url)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, str | int] | None = None,
        evaluation_id: str | None = None,
        slot: Callable[[], AbstractAsyncContextManager[None]] | None = None,
        on_answer: Callable[[], None] | None = None,
    ) -> tuple[httpx.Response, int]:
        """The successful response and how many attempts it took; else a typed SGPError.

        `evaluation_id` names the evaluation in the error's message when the request was
        about one. Each attempt holds `slot()` (the caller's bound) and the shared cap while
        the platform works on it: up to a success's status line, through an error's answer.
        A success's body is read after they are freed, once `on_answer()` has been told, so
        the next request is on its way while this one's answer downloads; a body cut short
        is retried like any lost answer, in fresh slots.
        """

        async def send() -> httpx.Response:
            response = await self._status_line(method, path, json_body, params, slot)
            if response.is_success:
                if on_answer is not None:
                    on_answer()
                await _read(response)
            elif response.status_code == 429 and self.cap is not None:
                # every process waits, not just this request
                await self.cap.pause(retry_after_seconds(response.headers) or 0)
            return response

        response, attempts = await send_with_retries(
            send,
            label=f"{method} {path}",
            max_retries=self.max_retries,
            sleep=self.sleep,
            observe=self._observe,
        )
        if response.is_success:
            return response, attempts
        raise error_for_status(
            response.status_code, self._error_body(response), evaluation_id, attempts
        )

    async def _status_line(
        self,
        method: str,
        path: str,
        json_body: Any,
        params: Mapping[str, str | int] | None,
        slot: Callable[[], AbstractAsyncContextManager[None]] | None,
    ) -> httpx.Response:
        """One attempt's answer, in its slots: a success's body still to read, an error's read."""
        response: httpx.Response | None = None
        try:
            async with AsyncExitStack() as held:
                if slot is not None:
                    await held.enter_async_context(slot())
                if self.cap is not None:
                    await held.enter_async_context(self.cap.slot())
                request = self.http.build_request(method, path, json=json_body, params=params)
                response = await self.http.send(request, stream=True)
                if not response.is_success:
                    await _read(response)
                return response
        except BaseException:
            if response is not None:  # cut short (cancelled) while freeing the slots
                await response.aclose()
            raise

    def _observe(self, status: str, started: float) -> None:
        """Tell the observer about one attempt; counting must never break an assignment."""
        if self.observer is None:
            return
        try:
            self.observer(status, time.monotonic() - started)
        except Exception:
            logger.warning("the SGP request observer failed", exc_info=True)

    def _error_body(self, response: httpx.Response) -> Any:
        """The error body, parsed when it is JSON, with the API key blanked out in case the
        server echoes it back."""
        text = response.text.replace(self._api_key, "[redacted]")
        try:
            return json.loads(text)
        except ValueError:
            return text


async def _read(response: httpx.Response) -> None:
    """The whole body, and the connection back to the pool whether or not it all came."""
    try:
        await response.aread()
    finally:
        await response.aclose()


def json_body(response: httpx.Response, attempts: int) -> Any:
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


def segment(value: str, what: str) -> str:
    """An id as one path segment; ids that would change the path itself are refused."""
    if value in ("", ".", ".."):
        raise ValueError(f"not an {what} id: {value!r}")
    return quote(value, safe="")


def first_problem(err: ValidationError) -> str:
    """Like `0.id: Field required (and 2 more problems)`: enough for a person, short for Slack."""
    problems = err.errors(include_url=False, include_input=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"
