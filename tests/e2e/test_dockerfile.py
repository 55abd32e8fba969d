"""The container image's contract: non-root, `python -m bot`, and a health check that works.

No Docker engine runs here, so the HEALTHCHECK command itself is run against a live bot.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from tests.e2e.conftest import Bot
from tests.fakes.server import free_port

DOCKERFILE = (Path(__file__).resolve().parents[2] / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    pairs = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_image_runs_the_bot_as_a_non_root_user() -> None:
    steps = instructions()
    keywords = [keyword for keyword, _ in steps]
    assert steps[0][1].startswith("python:3.11-slim")
    user = dict(steps)["USER"]
    assert user not in ("root", "0")
    assert keywords.index("USER") > max(i for i, (k, _) in enumerate(steps) if k == "RUN")
    assert dict(steps)["CMD"] == '["python", "-m", "bot"]'


def healthcheck_command() -> list[str]:
    rest = dict(instructions())["HEALTHCHECK"]
    return shlex.split(rest.split(" CMD ", 1)[1])


def test_healthcheck_passes_on_a_healthy_bot_and_fails_otherwise(bot: Bot) -> None:
    command = healthcheck_command()
    healthy = subprocess.run(
        command,
        env=os.environ | {"PORT": str(bot.server.port)},
        capture_output=True,
        timeout=30,
    )
    assert healthy.returncode == 0, healthy.stderr
    down = subprocess.run(
        command, env=os.environ | {"PORT": str(free_port())}, capture_output=True, timeout=30
    )
    assert down.returncode != 0
