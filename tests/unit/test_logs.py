"""The log redaction: every record of the process, whoever logs it."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from bot.logs import (
    REDACTED,
    bind_job_id,
    bind_request_id,
    configure_logging,
    current_request_id,
    install_redaction,
    redact,
)


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


# --- formats and ids ---------------------------------------------------------------------------


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """configure_logging's output, with the root logger put back as it was afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    captured = io.StringIO()
    yield captured
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_json_lines_parse_and_carry_the_request_and_job_ids(stream: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=stream)
    log = logging.getLogger("bot.test")
    with bind_request_id("Ev123"):
        log.info("hello %s", "world")
        with bind_job_id("job-9"):
            log.warning("in a job")
    log.info("outside")
    log.debug("below the level")
    entries = [json.loads(line) for line in lines(stream)]
    assert [e["message"] for e in entries] == ["hello world", "in a job", "outside"]
    assert entries[0]["request_id"] == "Ev123" and "job_id" not in entries[0]
    assert entries[1]["job_id"] == "job-9" and entries[1]["request_id"] == "Ev123"
    assert "request_id" not in entries[2] and "job_id" not in entries[2]
    assert entries[0]["level"] == "INFO" and entries[0]["logger"] == "bot.test"
    assert entries[0]["time"].endswith("+00:00")


def test_tasks_started_in_a_request_keep_its_id(stream: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=stream)
    log = logging.getLogger("bot.test")

    async def later() -> None:
        await asyncio.sleep(0)
        log.info("after the ack")

    async def handle() -> asyncio.Task[None]:
        with bind_request_id() as request_id:
            assert request_id and current_request_id() == request_id
            return asyncio.create_task(later())

    async def main() -> None:
        await (await handle())

    asyncio.run(main())
    [entry] = [json.loads(line) for line in lines(stream)]
    assert entry["message"] == "after the ack" and len(entry["request_id"]) == 12


def test_text_is_the_readable_default(stream: io.StringIO) -> None:
    configure_logging("INFO", stream=stream)
    log = logging.getLogger("bot.test")
    with bind_request_id("Ev7"):
        log.info("with an id")
    log.info("without")
    first, second = lines(stream)
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert re.fullmatch(rf"{stamp} INFO bot\.test \[request=Ev7\]: with an id", first)
    assert re.fullmatch(rf"{stamp} INFO bot\.test: without", second)


def test_secrets_stay_redacted_in_json(stream: io.StringIO) -> None:
    install_redaction(["json-secret-1234"])
    configure_logging("INFO", "json", stream=stream)
    log = logging.getLogger("any.library")
    log.info("token=%s", "json-secret-1234")
    try:
        raise ValueError("json-secret-1234 in the error")
    except ValueError:
        log.exception("failed")
    assert "json-secret-1234" not in stream.getvalue()
    first, second = (json.loads(line) for line in lines(stream))
    assert first["message"] == f"token={REDACTED}"
    assert f"ValueError: {REDACTED} in the error" in second["exception"]


def test_the_audit_record_is_a_json_field_and_reconfiguring_replaces_the_handler(
    stream: io.StringIO,
) -> None:
    configure_logging("INFO", "text", stream=io.StringIO())
    configure_logging("INFO", "json", stream=stream)
    assert sum(h.get_name() == "bot" for h in logging.getLogger().handlers) == 1
    logging.getLogger("bot.audit").info("{}", extra={"audit": {"assigned": 3}})
    [entry] = [json.loads(line) for line in lines(stream)]
    assert entry["audit"] == {"assigned": 3}
