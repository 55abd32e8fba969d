"""The log redaction: every record of the process, whoever logs it."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, install_redaction, redact


def test_redact_replaces_every_occurrence() -> None:
    assert redact("a s3cret-value b s3cret-value", ["s3cret-value"]) == f"a {REDACTED} b {REDACTED}"
    assert redact("nothing here", ["s3cret-value"]) == "nothing here"


def test_installed_redaction_covers_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_redaction(["unit-test-secret-1", None, "short"])
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("any.library.at.all")
    log.debug("token=%s", "unit-test-secret-1")
    log.info("plain %d", 42)
    log.debug("short values like %s are not secrets", "short")
    try:
        raise ValueError("failed with unit-test-secret-1 inside")
    except ValueError:
        log.exception("boom")
    messages = [r.getMessage() for r in caplog.records]
    assert messages[:3] == [
        f"token={REDACTED}",
        "plain 42",
        "short values like short are not secrets",
    ]
    assert "unit-test-secret-1" not in caplog.text
    assert "ValueError: failed with [redacted] inside" in caplog.text


def test_installing_twice_wraps_the_factory_once() -> None:
    install_redaction(["unit-test-secret-2"])
    factory = logging.getLogRecordFactory()
    install_redaction(["unit-test-secret-3"])
    assert logging.getLogRecordFactory() is factory
    record = logging.getLogger("x").makeRecord(
        "x", logging.INFO, "f", 1, "%s %s", ("unit-test-secret-2", "unit-test-secret-3"), None
    )
    assert record.getMessage() == f"{REDACTED} {REDACTED}"
