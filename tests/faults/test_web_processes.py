"""WEB_CONCURRENCY=2: `python -m bot` as two web processes on one port, under a parent that
supervises them, against a redis-server the test starts.

Either process alone answers the port (the other stopped with SIGSTOP), every confirmation
runs once, SIGTERM to the parent stops both cleanly, and a web process that dies takes the
bot down with it so the process manager restarts it whole.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from bot.fakes.slack_requests import SlackSender
from bot.fakes.waiting import wait_until
from bot.slack.ui_ids import Action
from tests.e2e.conftest import (
    SIGNING_SECRET,
    fake_servers,  # noqa: F401  (the fakes' servers, per session)
)
from tests.e2e.processes import ROOT, BotProcess, Fakes, bot_process
from tests.e2e.test_assign_command import button
from tests.faults.redis_bot import summary_counts

EVALUATION = "eval_1"
ASSIGNEE = "user-alice"


def web_children(bot: BotProcess) -> list[int]:
    """The parent's children: the web processes it forked."""
    pid = bot.process.pid
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return sorted(found)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def two_webs(fakes: Fakes, redis_url: str) -> dict[str, str]:
    return fakes.environment(REDIS_URL=redis_url, REDIS_KEY_PREFIX="webs:", WEB_CONCURRENCY="2")


def previewed(fakes: Fakes, sender: SlackSender, task_id: str) -> str:
    """`/assign` one task; the preview's Confirm value, once the preview arrived."""
    response, key = sender.command(f"{EVALUATION} {task_id} to sgp:{ASSIGNEE}")
    assert response.status_code == 200
    preview = fakes.slack.wait_for(lambda: fakes.slack.posts_to(key), what="the preview")
    return str(button(preview[-1], Action.CONFIRM)["value"])


def test_either_web_process_answers_alone_and_each_job_runs_once(
    fakes: Fakes, fault_redis: str
) -> None:
    task_ids = [f"t{n}" for n in range(12)]
    fakes.sgp.add_tasks(EVALUATION, task_ids)
    with bot_process(ROOT, two_webs(fakes, fault_redis)) as bot:
        children = web_children(bot)
        assert len(children) == 2
        sender = SlackSender(bot.url, SIGNING_SECRET, fakes.slack.base_url)
        values: list[str] = []
        for index, other in enumerate(reversed(children)):  # one frozen, the other serves
            os.kill(other, signal.SIGSTOP)
            try:
                values += [previewed(fakes, sender, t) for t in task_ids[index * 3 : index * 3 + 3]]
            finally:
                os.kill(other, signal.SIGCONT)
        values += [previewed(fakes, sender, t) for t in task_ids[6:]]
        for value in values:
            response, _ = sender.click(Action.CONFIRM, value)
            assert response.status_code == 200
        fakes.slack.wait_for(
            lambda: len(summary_counts(fakes.slack)) >= len(task_ids),
            timeout=30,
            what="12 summaries",
        )
        time.sleep(0.5)  # a second summary of any job would show by now
    assert bot.process.returncode == 0, bot.output
    assert set(summary_counts(fakes.slack).values()) == {1}
    sent = [t for call in fakes.sgp.batch_assign_calls() for t in call.json["task_ids"]]
    assert sorted(sent) == sorted(task_ids)


def test_sigterm_to_the_parent_stops_every_web_process_cleanly(
    fakes: Fakes, fault_redis: str
) -> None:
    with bot_process(ROOT, two_webs(fakes, fault_redis)) as bot:
        children = web_children(bot)
        assert len(children) == 2
    assert bot.process.returncode == 0, bot.output
    wait_until(lambda: not any(alive(c) for c in children), "the web processes to end", 10)
    assert "serving with 2 web processes" in bot.output
    assert "Traceback" not in bot.output and "failed" not in bot.output, bot.output


def test_a_web_process_that_dies_takes_the_bot_down(fakes: Fakes, fault_redis: str) -> None:
    with bot_process(ROOT, two_webs(fakes, fault_redis)) as bot:
        first, second = web_children(bot)
        os.kill(first, signal.SIGKILL)
        bot.process.wait(timeout=30)
    assert bot.process.returncode == 128 + signal.SIGKILL
    assert f"web process {first} ended (-9); stopping the others" in bot.output
    assert not alive(second)
