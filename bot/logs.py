"""The bot's logging: no secret on any line, a request or job id on every line, text or JSON.

Keep the bot's secrets out of every log line, whoever writes it.

The bot's own code never logs a token, but libraries log at DEBUG what they send and receive
(request bodies, headers, payloads that quote them), and an exception's text may quote a
request. A filter on a logger sees only that logger's own records, and a handler filter only
its handler's, so redaction happens where every record is born: a wrapper around the log
record factory replaces each configured secret in the message, its arguments and the
exception text with `[redacted]`.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final, Literal, TextIO

REDACTED: Final = "[redacted]"
#: Shorter values are not secrets worth hunting for, and would redact ordinary words.
MIN_SECRET_LENGTH: Final = 8

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
_installed = False


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every known secret (or the given ones) replaced by `[redacted]`."""
    for secret in _secrets if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def install_redaction(secrets: Iterable[str | None]) -> None:
    """Redact these values from every log record of this process from now on.

    Idempotent, and additive: two bots in one process (tests) each add their own secrets.
    """
    global _secrets, _installed
    wanted = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
    with _lock:
        _secrets = _secrets | wanted
        if not _installed:
            logging.setLogRecordFactory(_redacting(logging.getLogRecordFactory()))
            _installed = True


def forget_redaction(secrets: Iterable[str | None]) -> None:
    """Stop redacting values that are dead (a workflow step's token once the step is completed),
    so short-lived secrets do not pile up for the life of the process."""
    global _secrets
    with _lock:
        _secrets = _secrets - {s for s in secrets if s}


def _redacting(make: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = make(*args, **kwargs)
        if _secrets:
            _scrub(record)
        return record

    return factory


def _scrub(record: logging.LogRecord) -> None:
    """Format once; if a secret shows, keep the redacted text and drop the arguments."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logging's problem, not ours
        message = str(record.msg)
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            # The traceback quotes a secret: keep the redacted text, not the live exception.
            record.exc_text = redact(text)
            record.exc_info = None


# --- request and job ids on every line ----------------------------------------------------------
#
# A line belongs to the Slack request or the job that was being handled when it was logged. The
# ids live in context variables, which asyncio copies into every task a handler starts, so the
# work a listener spawns after its ack still carries them. A second record factory wrapper copies
# them onto each record as it is born, so every formatter (and pytest's caplog) can show them.

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_job_id: ContextVar[str | None] = ContextVar("job_id", default=None)
_context_installed = False


def new_request_id() -> str:
    """A short random id for a request that brings none of its own (no Slack event id)."""
    return secrets.token_hex(6)


def current_request_id() -> str | None:
    return _request_id.get()


def current_job_id() -> str | None:
    return _job_id.get()


def set_request_id(request_id: str | None) -> None:
    """Tag the rest of this task (and the tasks it starts) with `request_id`.

    For Bolt's global middleware, which runs before the listener but does not wrap it: the value
    stays in the task's context until the task ends, and each request is its own task.
    """
    install_context()
    _request_id.set(request_id)


@contextmanager
def bind_request_id(request_id: str | None = None) -> Iterator[str]:
    """Tag every line logged inside the block (and by tasks started in it) with a request id."""
    install_context()
    chosen = request_id or new_request_id()
    token = _request_id.set(chosen)
    try:
        yield chosen
    finally:
        _request_id.reset(token)


@contextmanager
def bind_job_id(job_id: str) -> Iterator[str]:
    """Tag every line logged while a worker runs a job (and by tasks it starts) with its id."""
    install_context()
    token = _job_id.set(job_id)
    try:
        yield job_id
    finally:
        _job_id.reset(token)


def install_context() -> None:
    """Copy the current request and job ids onto every log record from now on (idempotent)."""
    global _context_installed
    with _lock:
        if not _context_installed:
            logging.setLogRecordFactory(_with_context(logging.getLogRecordFactory()))
            _context_installed = True


def _with_context(make: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = make(*args, **kwargs)
        record.request_id = _request_id.get()
        record.job_id = _job_id.get()
        return record

    return factory


def _ids_of(record: logging.LogRecord) -> dict[str, str]:
    found = {
        "request_id": getattr(record, "request_id", None),
        "job_id": getattr(record, "job_id", None),
    }
    return {key: value for key, value in found.items() if isinstance(value, str) and value}


# --- formats -------------------------------------------------------------------------------------

LogFormat = Literal["text", "json"]
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s%(ids)s: %(message)s"
#: The handler `configure_logging` installs, so a second call replaces it instead of doubling.
_HANDLER_NAME: Final = "bot"


class TextFormatter(logging.Formatter):
    """For people: `time LEVEL logger [request=...]: message`, the ids only when there are any."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        ids = _ids_of(record)
        record.ids = "".join(f" [{key.removesuffix('_id')}={value}]" for key, value in ids.items())
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """For log pipelines: one JSON object per line, with the request or job id as fields.

    A record logged with `extra={"audit": {...}}` (the audit line) carries that object as a
    field too, so a pipeline need not parse the message.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_ids_of(record),
        }
        audit = getattr(record, "audit", None)
        if isinstance(audit, dict):
            entry["audit"] = audit
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(
    level: str | int = "INFO", fmt: LogFormat | str = "text", stream: TextIO | None = None
) -> logging.Handler:
    """The process's one log handler on the root logger: readable text, or JSON lines.

    Replaces a handler installed by an earlier call (tests configure more than once) and leaves
    other handlers alone. Everyone's records reach it, uvicorn's included when it is started
    with `log_config=None`.
    """
    install_context()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler
