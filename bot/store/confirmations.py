"""Pending confirmations: a request shown to its requester, waiting for Confirm or Cancel.

A confirmation lives under an unguessable token (the only thing the Slack button carries), with
a TTL so an unanswered preview simply disappears. Taking it is one atomic script on one key: of
two clicks, or two processes handling the same click, exactly one gets it and runs the request,
and in the same step the key becomes a tombstone saying how it ended (and who took it), so a
click that loses, however close, is told "already confirmed", never "expired". The taker's own
nonce in the tombstone makes the script safe to replay: redis-py retrying it after a lost reply
gets the confirmation again instead of turning the winner into a loser.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from typing import Final, Literal, cast, get_args

from pydantic import ValidationError
from redis.asyncio import Redis

from bot.core.confirmation import Confirmation
from bot.store.errors import unavailable_on_connection_error

__all__ = ["ENDING_TTL_SECONDS", "ConfirmationStore", "Ending", "is_token_shaped"]

logger = logging.getLogger(__name__)

Ending = Literal["confirmed", "cancelled"]
_ENDINGS: Final[frozenset[str]] = frozenset(get_args(Ending))

#: How long a taken confirmation's ending is remembered for late clicks.
ENDING_TTL_SECONDS: Final = 24 * 60 * 60

_TOKEN_BYTES: Final = 18  # 144 bits; token_urlsafe(18) is 24 characters
# Tokens come back from Slack button values, i.e. from the client: accept only the alphabet of
# token_urlsafe and a bounded length before building any key from them.
_TOKEN_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")
_PUT_ATTEMPTS: Final = 3
_TAKEN: Final = "taken:"

#: KEYS[1] the confirmation; ARGV ending, nonce, tombstone TTL. The confirmation, or nil.
_TAKE: Final = """
local value = redis.call('GET', KEYS[1])
if not value then return false end
local mark = 'taken:' .. ARGV[1] .. ':' .. ARGV[2] .. '|'
if string.sub(value, 1, 6) == 'taken:' then
  if string.sub(value, 1, string.len(mark)) == mark then
    return string.sub(value, string.len(mark) + 1)
  end
  return false
end
redis.call('SET', KEYS[1], mark .. value, 'EX', ARGV[3])
return value
"""


def is_token_shaped(token: object) -> bool:
    """True if `token` could have been made by `put` (cheap check on untrusted input)."""
    return isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token) is not None


def _short(token: str) -> str:
    """Enough of a token to correlate log lines, not enough to act on it."""
    return token[:6] + "..."


class ConfirmationStore:
    """Pending confirmations keyed by unguessable token, taken at most once."""

    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def key(self, token: str) -> str:
        """The Redis key holding a pending confirmation (for tests and operators)."""
        return self._key("confirmation", token)

    def ending_key(self, token: str) -> str:
        """The Redis key holding how a taken confirmation ended."""
        return self._key("confirmation-ending", token)

    async def put(self, confirmation: Confirmation, ttl_seconds: int) -> str:
        """Store a confirmation for `ttl_seconds`; returns the token to put in the buttons."""
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        value = confirmation.model_dump_json()
        for _ in range(_PUT_ATTEMPTS):
            token = secrets.token_urlsafe(_TOKEN_BYTES)
            with unavailable_on_connection_error():
                # NX: a (practically impossible) token collision must never overwrite.
                stored = await self._redis.set(self.key(token), value, ex=ttl_seconds, nx=True)
            if stored:
                return token
        raise RuntimeError("could not allocate a unique confirmation token")  # pragma: no cover

    async def peek(self, token: str) -> Confirmation | None:
        """The pending confirmation, without taking it; None if unknown, expired or taken."""
        if not is_token_shaped(token):
            return None
        with unavailable_on_connection_error():
            raw = await self._redis.get(self.key(token))
        return self._parse(token, raw)

    async def take(self, token: str, ending: Ending) -> Confirmation | None:
        """Take the confirmation out, once: only the first caller gets it, others get None.

        The winner records `ending` so later clicks can be told what happened.
        """
        if ending not in _ENDINGS:
            raise ValueError(f"ending must be one of {sorted(_ENDINGS)}, not {ending!r}")
        if not is_token_shaped(token):
            return None
        nonce = secrets.token_hex(8)
        with unavailable_on_connection_error():
            raw = await self._redis.eval(
                _TAKE, 1, self.key(token), ending, nonce, ENDING_TTL_SECONDS
            )
        confirmation = self._parse(token, raw)
        if confirmation is None and raw is not None:  # unreadable: nothing was run
            with unavailable_on_connection_error():
                await self._redis.delete(self.key(token))
        return confirmation

    async def ending(self, token: str) -> Ending | None:
        """How a taken confirmation ended; None when it expired, never existed or is pending."""
        if not is_token_shaped(token):
            return None
        with unavailable_on_connection_error():
            value = await self._redis.get(self.key(token))
            if isinstance(value, str) and value.startswith(_TAKEN):
                value = value[len(_TAKEN) :].split(":", 1)[0]
            else:  # one taken before the tombstone moved into the key itself
                value = await self._redis.get(self.ending_key(token))
        if value in _ENDINGS:
            return cast(Ending, value)
        return None

    def _parse(self, token: str, raw: object) -> Confirmation | None:
        """Parse a stored value; one written by an incompatible version counts as missing."""
        if raw is None or (isinstance(raw, str) and raw.startswith(_TAKEN)):
            return None
        try:
            return Confirmation.model_validate_json(cast("str | bytes", raw))
        except ValidationError as exc:
            logger.warning(
                "discarding unreadable confirmation %s (%d validation errors): "
                "written by another version?",
                _short(token),
                exc.error_count(),
            )
            return None
