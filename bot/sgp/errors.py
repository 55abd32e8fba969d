"""Typed errors of the platform client, one class per kind of failure (Stainless SDK style).

`str(err)` is shown to Slack users as the reason a request failed, so it is short, plain
English, names the status and the number of attempts, and never carries the API key, headers
or a raw HTML error page. Callers that need more read the attributes (status, detail, errors).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from bot.core.outcome import AUTH_HINT, AUTH_STATUSES
from bot.core.tasks import PlatformError
from bot.sgp.models import ValidationDetail

__all__ = [
    "AUTH_HINT",
    "AUTH_STATUSES",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "SGPError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "describe_detail",
    "error_for_status",
]

_MAX_DETAIL_CHARS = 300


class SGPError(PlatformError):
    """Base of every error the client raises; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.attempts = attempts

    def __str__(self) -> str:
        return self.message


class APIConnectionError(SGPError):
    """No HTTP answer at all: DNS, refused connection, reset, TLS, protocol errors."""

    _problem = "could not be reached"

    def __init__(self, *, attempts: int, cause: str) -> None:
        super().__init__(
            f"the platform {self._problem}{_after(attempts)} ({cause})", attempts=attempts
        )
        self.cause = cause


class APITimeoutError(APIConnectionError):
    """The platform did not answer within the client's timeout."""

    _problem = "did not answer in time"


class APIStatusError(SGPError):
    """The platform answered with a non-success status; `detail` is the body's detail, parsed."""

    status: int

    def __init__(self, message: str, *, status: int, detail: Any = None, attempts: int = 1) -> None:
        super().__init__(message, status=status, attempts=attempts)
        self.status = status
        self.detail = detail


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not act on this evaluation."""


class NotFoundError(APIStatusError):
    """404: usually an evaluation id that does not exist (or is not visible to this account)."""


class RequestTimeoutError(APIStatusError):
    """408."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422: the platform's validation of the request failed; `errors` lists each problem."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        detail: Any = None,
        attempts: int = 1,
        errors: list[ValidationDetail] | None = None,
    ) -> None:
        super().__init__(message, status=status, detail=detail, attempts=attempts)
        self.errors: list[ValidationDetail] = errors or []


class RateLimitError(APIStatusError):
    """429."""


class InternalServerError(APIStatusError):
    """5xx."""


class UnexpectedResponseError(SGPError):
    """A success status whose body is not what the spec promises (a list of tasks, or null)."""

    def __init__(self, reason: str, *, status: int = 200, attempts: int = 1) -> None:
        super().__init__(
            f"the platform's answer could not be read: {reason}", status=status, attempts=attempts
        )


def _after(attempts: int) -> str:
    """The suffix ` after 3 attempts`, or nothing when there was only one."""
    return f" after {attempts} attempts" if attempts > 1 else ""


def _one_line(text: str) -> str:
    """Collapse whitespace and cap the length, so a body never floods a Slack message."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) > _MAX_DETAIL_CHARS:
        flat = flat[: _MAX_DETAIL_CHARS - 1].rstrip() + "…"
    return flat


def _validation_details(detail: Any) -> list[ValidationDetail]:
    """The entries of a FastAPI-style 422 detail list; unreadable entries become plain text."""
    if not isinstance(detail, list):
        return []
    details: list[ValidationDetail] = []
    for item in detail:
        try:
            details.append(ValidationDetail.model_validate(item))
        except ValidationError:
            details.append(ValidationDetail(msg=_one_line(json.dumps(item, default=str))))
    return details


def _extract_detail(body: Any) -> Any:
    """The `detail` of `{"detail": ...}`, else the body itself."""
    if isinstance(body, dict) and "detail" in body:
        return body["detail"]
    return body


def describe_detail(detail: Any) -> str | None:
    """A one-line, human rendering of an error body's detail; None when it says nothing useful."""
    if detail is None:
        return None
    if isinstance(detail, str):
        text = detail.strip()
        # An HTML error page from a proxy or load balancer is noise to a person.
        if not text or text.startswith("<"):
            return None
        return _one_line(text)
    if isinstance(detail, list) and detail:
        return _one_line("; ".join(d.describe() for d in _validation_details(detail)))
    if isinstance(detail, dict):
        for key in ("message", "error", "msg"):
            if isinstance(detail.get(key), str) and detail[key].strip():
                return _one_line(detail[key])
    if detail in ({}, []):
        return None
    return _one_line(json.dumps(detail, default=str))


_FIXED_REASONS: dict[int, tuple[type[APIStatusError], str]] = {
    400: (BadRequestError, "the platform rejected the request (400)"),
    401: (AuthenticationError, "the platform did not accept the bot's API key (401)"),
    408: (RequestTimeoutError, "the platform timed out handling the request (408)"),
    409: (ConflictError, "the platform reported a conflict (409)"),
    422: (UnprocessableEntityError, "the platform rejected the request as invalid (422)"),
    429: (RateLimitError, "the platform is rate-limiting the bot (429)"),
}


def _class_and_reason(status: int, evaluation_id: str | None) -> tuple[type[APIStatusError], str]:
    if status in _FIXED_REASONS:
        return _FIXED_REASONS[status]
    if status == 403:
        if evaluation_id:
            return PermissionDeniedError, (
                f"the bot's API key is not allowed to assign tasks in evaluation `{evaluation_id}`"
                " (403)"
            )
        return PermissionDeniedError, "the bot's API key is not allowed to do this (403)"
    if status == 404:
        if evaluation_id:
            return NotFoundError, f"the platform found no evaluation `{evaluation_id}` (404)"
        return NotFoundError, "the platform found nothing at this address (404)"
    if status >= 500:
        return InternalServerError, f"the platform failed with {status}"
    return APIStatusError, f"the platform answered with unexpected status {status}"


def error_for_status(
    status: int, body: Any, evaluation_id: str | None = None, attempts: int = 1
) -> APIStatusError:
    """The typed error for an HTTP error status.

    `body` is the parsed JSON body, or the text when it was not JSON (with any secret already
    removed by the caller). `evaluation_id` names the evaluation in the message when the
    request was about one.
    """
    detail = _extract_detail(body)
    said = describe_detail(detail)
    cls, reason = _class_and_reason(status, evaluation_id)
    reason += _after(attempts)
    message = f"{reason}: {said}" if said else reason
    if status in AUTH_STATUSES:
        message = f"{message}; {AUTH_HINT}"
    if cls is UnprocessableEntityError:
        return UnprocessableEntityError(
            message,
            status=status,
            detail=detail,
            attempts=attempts,
            errors=_validation_details(detail),
        )
    return cls(message, status=status, detail=detail, attempts=attempts)
