"""`python -m bot assign` as an operator runs it: a real process, the fake platform, no Slack."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.fakes.sgp_server import FakeSGP
from tests.e2e.processes import bare_environment
from tests.fakes.server import ServerThread

KEY = "cli-test-key-123"
EVAL = "eval_cli"


@pytest.fixture
def platform() -> Iterator[tuple[FakeSGP, str]]:
    fake = FakeSGP(api_key=KEY)
    fake.add_tasks(EVAL, [f"t{i}" for i in range(1, 7)])
    server = ServerThread(fake.app).start()
    yield fake, server.url
    server.stop()


def run_cli(tmp_path: Path, url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """No SLACK_* variable at all: the command line needs only the platform's."""
    environment = {
        k: v for k, v in bare_environment().items() if not k.startswith(("SLACK_", "SGP_"))
    }
    environment |= {"SGP_API_KEY": KEY, "SGP_CLIENT_BASE_URL": url} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", "assign", *args],
        cwd=tmp_path,
        env={k: v for k, v in environment.items() if v},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_assigns_in_chunks_and_prints_the_summary(
    tmp_path: Path, platform: tuple[FakeSGP, str]
) -> None:
    fake, url = platform
    ids = tmp_path / "ids.csv"
    ids.write_text("task_id,name\nt1,a\nt2,b\nt3,c\nt4,d\nt3,again\n")
    done = run_cli(
        tmp_path, url, EVAL, "--ids-file", str(ids), "--to", "user_a,sgp:user_b",
        ASSIGN_CHUNK_SIZE="1",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    calls = fake.batch_assign_calls(EVAL)
    assert sorted((c.json["task_ids"][0], c.json["assigned_to"]) for c in calls) == [
        ("t1", "user_a"),
        ("t2", "user_a"),
        ("t3", "user_b"),
        ("t4", "user_b"),
    ]
    assert all(c.headers["x-api-key"] == KEY for c in calls)
    out = done.stdout
    assert f"Evaluation {EVAL}: 4 of 4 tasks assigned, all assigned (1 duplicate id dropped)" in out
    assert "user_a" in out and "user_b" in out and "total" in out
    assert "Assigned by status: PENDING 4" in out
    assert "Assigning [" not in done.stderr, "no progress bar when stderr is not a terminal"
    assert KEY not in out + done.stderr


def test_partial_failure_exits_1_and_lists_each_reason(
    tmp_path: Path, platform: tuple[FakeSGP, str]
) -> None:
    fake, url = platform
    fake.assign_elsewhere(["t3"], "someone_else")
    fake.fail_next(500, times=1)  # the first chunk's only attempt
    done = run_cli(
        tmp_path, url, EVAL, "--ids", "t1", "t2", "t3", "nope_1", "t4", "--to", "user_a",
        ASSIGN_CHUNK_SIZE="2", ASSIGN_CONCURRENCY="1", SGP_MAX_RETRIES="0",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "1 of 5 tasks assigned, 4 NOT assigned" in out
    assert "the platform failed with 500" in out and "t1 t2" in out
    assert "assigned to another user (someone_else)" in out and "t3" in out
    assert "the platform did not return it" in out and "nope_1" in out
    assert "Traceback" not in done.stderr


def test_dry_run_shows_the_plan_and_sends_nothing(
    tmp_path: Path, platform: tuple[FakeSGP, str]
) -> None:
    fake, url = platform
    done = run_cli(
        tmp_path, url, f"https://app.sgp.scale.com/evaluations/{EVAL}", "--dry-run",
        "--ids", "t1,t2,t3", "t4", "t5", "--to", "user_a", "--to", "user_b",
        ASSIGN_CHUNK_SIZE="2",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert fake.requests == []
    out = done.stdout
    assert "Dry run: nothing was sent" in out and f"Evaluation {EVAL}" in out
    assert "5 tasks" in out and "3 batch-assign requests of at most 2 ids" in out
    assert "t1 .. t3" in out and "t4 .. t5" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--ids", "t1", "bad<id>", "--to", "user_a"], "'bad<id>' is not a valid task id"),
        (["--ids", "t1", "--to", "user a"], "--to 'user a' is not a platform user id"),
        (["--ids-file", "missing.txt", "--to", "user_a"], "Cannot read missing.txt"),
        (["--ids", "t1"], "the following arguments are required: --to"),
    ],
)
def test_usage_errors_exit_2_and_send_nothing(
    tmp_path: Path, platform: tuple[FakeSGP, str], args: list[str], said: str
) -> None:
    fake, url = platform
    done = run_cli(tmp_path, url, EVAL, *args)
    assert done.returncode == 2
    assert said in done.stderr
    assert fake.requests == []
    assert "Traceback" not in done.stderr


def test_missing_api_key_exits_2_and_names_it(
    tmp_path: Path, platform: tuple[FakeSGP, str]
) -> None:
    fake, url = platform
    done = run_cli(tmp_path, url, EVAL, "--ids", "t1", "--to", "user_a", SGP_API_KEY="")
    assert done.returncode == 2
    assert "missing SGP_API_KEY" in done.stderr
    assert "SLACK" not in done.stderr, "the command line needs no Slack settings"
    assert fake.requests == []


def test_dry_run_needs_no_api_key(tmp_path: Path, platform: tuple[FakeSGP, str]) -> None:
    fake, url = platform
    done = run_cli(
        tmp_path, url, EVAL, "--dry-run", "--ids", "t1", "--to", "user_a", SGP_API_KEY=""
    )
    assert done.returncode == 0, done.stderr
    assert "Dry run: nothing was sent" in done.stdout
    assert fake.requests == []


def test_a_wrong_key_stops_the_run_at_once(tmp_path: Path, platform: tuple[FakeSGP, str]) -> None:
    fake, url = platform
    done = run_cli(
        tmp_path, url, EVAL, "--ids", "t1", "t2", "t3", "t4", "t5", "t6", "--to", "user_a",
        SGP_API_KEY="wrong-key-456", ASSIGN_CHUNK_SIZE="1", ASSIGN_CONCURRENCY="1",
    )  # fmt: skip
    assert done.returncode == 1
    assert len(fake.batch_assign_calls()) == 1, "nothing more is sent after a 401"
    assert "check SGP_API_KEY / SGP_ACCOUNT_ID" in done.stdout
    assert "0 of 6 tasks assigned" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_command_line_says_when_it_waits(tmp_path: Path, platform: tuple[FakeSGP, str]) -> None:
    fake, url = platform
    fake.fail_next(429, headers={"retry-after": "0.2"})
    done = run_cli(tmp_path, url, EVAL, "--ids", "t1", "--to", "user_a")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The platform answered 429: waiting 0.2 s before retrying." in done.stderr


def test_a_link_to_another_host_is_refused(tmp_path: Path, platform: tuple[FakeSGP, str]) -> None:
    fake, url = platform
    link = f"https://evil.example/evaluations/{EVAL}"
    done = run_cli(tmp_path, url, link, "--ids", "t1", "--to", "user_a")
    assert done.returncode == 2
    assert "evil.example" in done.stderr and "ASSIGN_PLATFORM_HOSTS" in done.stderr
    assert fake.requests == []
    allowed = run_cli(
        tmp_path, url, link, "--ids", "t1", "--to", "user_a",
        ASSIGN_PLATFORM_HOSTS="app.sgp.scale.com, Evil.Example",
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
