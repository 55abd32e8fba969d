"""The platform's retry policy: the one place that decides whether and when to ask again.

It is the policy of the Stainless-generated `scale-gp` SDK, so the bot behaves like the SDK
where users will notice: 2 retries (3 attempts) on connection errors, timeouts, 408, 409, 429
and 5xx; the server's `retry-after-ms` or `Retry-After` honoured when it is at most 60 s; else
0.5 s then 1 s of backoff (doubling, capped at 8 s) with up to 25 % of jitter. An
`x-should-retry` header from the server overrides the status. Re-sending a batch-assign of the
same tasks to the same user is harmless, so retrying the PATCH is safe.

That cap suits a person waiting on a click. Background work (a job, the command line) runs
inside `patience(...)`, which honours the server's wish up to a longer limit and hears of every
wait before it starts, so progress can say how long it waits. It is a context variable: it
applies to the calls made by the task that set it (and tasks it starts), nothing else.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from bot.sgp.errors import APIConnectionError, APITimeoutError

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "LONG_RETRY_AFTER",
    "Patience",
    "WaitNotice",
    "backoff_seconds",
    "patience",
    "retry_after_seconds",
    "send_with_retries",
    "should_retry",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUSES = frozenset({408, 409, 429})

#: The longest server-asked wait background work honours (a day: "whatever its length",
#: short of a date so far away that it can only be a mistake).
LONG_RETRY_AFTER = 24 * 3600.0

#: Hears of a wait before it starts: its length in seconds and why ("429", "ReadTimeout").
WaitNotice = Callable[[float, str], Awaitable[None]]


@dataclass(frozen=True)
class Patience:
    """How long the current work may wait when the server asks, and who hears of the waits."""

    max_retry_after: float = MAX_RETRY_AFTER
    on_wait: WaitNotice | None = None


_PATIENCE: ContextVar[Patience] = ContextVar("sgp_patience", default=Patience())  # noqa: B039 (frozen)


@contextmanager
def patience(
    max_retry_after: float = LONG_RETRY_AFTER, on_wait: WaitNotice | None = None
) -> Iterator[Patience]:
    """Within this block (and the tasks it starts), honour `Retry-After` up to the limit."""
    chosen = Patience(max_retry_after, on_wait)
    token = _PATIENCE.set(chosen)
    try:
        yield chosen
    finally:
        _PATIENCE.reset(token)


#: Hears of each attempt: its status ("200", "timeout", "connection_error") and its start time.
AttemptObserver = Callable[[str, float], None]


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


def backoff_seconds(
    retry: int,
    headers: Mapping[str, str] | None = None,
    max_retry_after: float = MAX_RETRY_AFTER,
) -> float:
    """How long to wait before retry number `retry` (0 for the first retry).

    The server's own wish wins when it is positive and at most `max_retry_after` (60 s, the
    SDK's limit, unless background work asked for more patience); otherwise exponential
    backoff 0.5 s * 2**retry capped at 8 s, shortened by up to 25 % of jitter so that many
    clients that failed together do not come back together.
    """
    asked = retry_after_seconds(headers) if headers is not None else None
    if asked is not None and 0 < asked <= max_retry_after:
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


async def send_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    label: str,
    max_retries: int,
    sleep: Callable[[float], Awaitable[None]],
    observe: AttemptObserver,
) -> tuple[httpx.Response, int]:
    """Send until the answer is final; that answer and how many attempts it took.

    The answer is final when it succeeded, when the policy does not retry it, or when the
    retries are spent: the caller turns a final failure into an error. No answer at all after
    the last attempt raises APITimeoutError or APIConnectionError. `label` (method and path)
    names the request in the log line of each retry.
    """
    max_attempts = max_retries + 1
    for attempt in range(1, max_attempts + 1):
        last = attempt == max_attempts
        started = time.monotonic()
        try:
            response = await send()
        except httpx.TimeoutException as exc:
            observe("timeout", started)
            if last:
                raise APITimeoutError(attempts=attempt, cause=type(exc).__name__) from exc
            reason, headers = type(exc).__name__, None
        except httpx.RequestError as exc:
            observe("connection_error", started)
            if last:
                raise APIConnectionError(attempts=attempt, cause=type(exc).__name__) from exc
            reason, headers = type(exc).__name__, None
        else:
            observe(str(response.status_code), started)
            if response.is_success or last or not should_retry(response):
                return response, attempt
            reason, headers = str(response.status_code), response.headers
        chosen = _PATIENCE.get()
        delay = backoff_seconds(attempt - 1, headers, chosen.max_retry_after)
        if chosen.on_wait is not None:
            await _tell(chosen.on_wait, delay, reason)
        logger.warning(
            "SGP %s failed (%s) on attempt %d of %d; retrying in %.2f s",
            label,
            reason,
            attempt,
            max_attempts,
            delay,
        )
        await sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _tell(on_wait: WaitNotice, delay: float, reason: str) -> None:
    """A wait notice is cosmetic: its failure must never stop the retry."""
    try:
        await on_wait(delay, reason)
    except Exception:
        logger.warning("a retry wait notice failed", exc_info=True)
