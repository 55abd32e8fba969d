"""The fake Slack under the load the benchmarks put on it."""

from __future__ import annotations

import socket

import httpx

from bot.fakes.slack_server import FakeSlack
from tests.fakes.server import serve


def test_an_upload_whose_body_is_still_arriving_does_not_stop_other_calls() -> None:
    """A thread lock held across the wait for an upload's body froze the fake's event loop as
    soon as another call came in: the benchmark's job then hung on its CSV upload."""
    slack = FakeSlack()
    body = b"task_id,assignee\n" * 5000
    with (
        serve(slack.app) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as upload,
    ):
        upload.sendall(
            b"POST /upload/F1 HTTP/1.1\r\nHost: fake\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        answer = httpx.post(
            f"{server.url}/api/auth.test",
            headers={"Authorization": f"Bearer {slack.bot_token}"},
            timeout=3,
        )
        assert answer.json()["ok"] is True
        upload.sendall(body[len(body) // 2 :])
        assert upload.recv(1024).startswith(b"HTTP/1.1 200")
    assert slack.uploads["F1"] == body
