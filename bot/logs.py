"""Keep the bot's secrets out of every log line, whoever writes it.

The bot's own code never logs a token, but libraries log at DEBUG what they send and receive
(request bodies, headers, payloads that quote them), and an exception's text may quote a
request. A filter on a logger sees only that logger's own records, and a handler filter only
its handler's, so redaction happens where every record is born: a wrapper around the log
record factory replaces each configured secret in the message, its arguments and the
exception text with `[redacted]`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any, Final

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
