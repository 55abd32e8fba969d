"""Typed errors of the store layer, and the one place redis errors are translated to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["UNREACHABLE_ERRORS", "StoreUnavailable", "unavailable_on_connection_error"]

_MESSAGE = "the bot's store is unavailable"

# OSError covers the builtin TimeoutError / ConnectionRefusedError a socket call may raise
# without redis-py wrapping it; to a caller they all mean "cannot reach Redis". READONLY is a
# replica answering where the primary was (a failover under way, a DNS name not yet moved):
# transient like a dropped connection, and the client's retry reconnects to the new primary.
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ReadOnlyError,
    OSError,
)


class StoreUnavailable(Exception):
    """Redis could not be reached or timed out.

    Its text is safe to show to a Slack user: it never carries the Redis URL, which may hold a
    password. The underlying redis error stays available as ``__cause__`` for the logs.
    """

    def __init__(self, message: str = _MESSAGE) -> None:
        super().__init__(message)


@contextmanager
def unavailable_on_connection_error() -> Iterator[None]:
    """Turn "cannot reach Redis" into StoreUnavailable, so callers handle one error type."""
    try:
        yield
    except UNREACHABLE_ERRORS as exc:
        raise StoreUnavailable() from exc
