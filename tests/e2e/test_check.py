"""`python -m bot check` as an operator runs it before going live."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import BOT_TOKEN, SGP_KEY, SIGNING_SECRET
from tests.e2e.processes import Fakes, bare_environment
from tests.fakes.server import free_port


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=tmp_path,
        env=bare_environment() | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_all_checks_pass(tmp_path: Path, fakes: Fakes) -> None:
    slack_url, sgp_url = f"{fakes.slack.base_url}/api/", fakes.sgp_url
    done = run_check(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_url,
        SGP_API_KEY=SGP_KEY,
        SGP_CLIENT_BASE_URL=sgp_url,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[:2] for line in lines] == [
        ["ok", "settings:"],
        ["warn", "admins:"],
        ["ok", "Slack:"],
        ["ok", "Redis:"],
        ["ok", "Scale"],
    ]
    assert "in-memory store" in done.stdout
    assert "ASSIGN_ADMINS is not set, so nobody can link" in done.stdout


def test_blank_required_variables_are_missing(tmp_path: Path) -> None:
    """Set but blank is not set: the check does not say every variable is set."""
    done = run_check(tmp_path, SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET=" ", SGP_API_KEY="\n")
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "FAIL settings: fix these environment variables:"
    assert sorted(line.split()[1] for line in lines[1:]) == [
        "SGP_API_KEY",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
    ]
    assert all("(set, but blank)" in line for line in lines[1:])
    assert "every required variable is set" not in done.stdout


def test_each_failure_says_what_to_fix(tmp_path: Path, fakes: Fakes) -> None:
    slack_url, sgp_url = f"{fakes.slack.base_url}/api/", fakes.sgp_url
    done = run_check(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-wrong",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_url,
        SGP_API_KEY="wrong-key-123",
        SGP_CLIENT_BASE_URL=sgp_url,
        REDIS_URL=f"redis://:hunter2@127.0.0.1:{free_port()}/0",
    )
    assert done.returncode == 1
    out = done.stdout
    assert "FAIL Slack: Slack refused SLACK_BOT_TOKEN (invalid_auth)" in out
    assert "FAIL Redis:" in out and "start Redis or fix REDIS_URL" in out
    assert "FAIL Scale GP:" in out and "set SGP_API_KEY" in out
    for secret in ("xoxb-wrong", "wrong-key-123", "hunter2", SIGNING_SECRET):
        assert secret not in out + done.stderr


def test_missing_settings_fail_first(tmp_path: Path) -> None:
    done = run_check(tmp_path)
    assert done.returncode == 2
    assert "FAIL settings" in done.stdout and "SGP_API_KEY" in done.stdout
