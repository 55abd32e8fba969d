"""Two web and two worker processes (`python -m bot`, `python -m bot worker`) sharing one
redis-server the test starts: 50 confirmations, each clicked twice from each web process at
the same moment. Exactly one job per confirmation, every losing click told "already
confirmed" (never "expired"), no loser touching the winner's message, and every winner's
message ending on its result.
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx

from bot.fakes.slack_requests import SlackSender
from bot.slack.ui_ids import Action
from tests.e2e.conftest import (
    SIGNING_SECRET,
    fake_servers,  # noqa: F401  (the fakes' servers, per session)
)
from tests.e2e.processes import ROOT, Fakes, bot_process
from tests.e2e.test_assign_command import button, text_of
from tests.faults.redis_bot import report, summary_counts

CONFIRMATIONS = 50
EVALUATION = "eval_1"
ASSIGNEE = "user-alice"
ALREADY = "already confirmed"


class Sender(SlackSender):
    """One web process's clicks: response_url keys of its own, safe from several threads."""

    def __init__(self, bot_url: str, name: str, response_base: str) -> None:
        super().__init__(bot_url, SIGNING_SECRET, response_base)
        self.name = name
        self._ids = itertools.count(1)

    def _next(self, prefix: str) -> str:
        return f"{self.name}-{prefix}{next(self._ids)}"


def test_two_webs_and_two_workers_run_each_confirmation_once(
    fakes: Fakes, fault_redis: str
) -> None:
    env = fakes.environment(
        REDIS_URL=fault_redis,
        REDIS_KEY_PREFIX="faults:",
        ASSIGN_WORKER_IN_WEB="false",
        ASSIGN_WORKER_LEASE_SECONDS="5",
        ASSIGN_CHUNK_SIZE="20",
    )
    with ExitStack() as stack:
        webs = [stack.enter_context(bot_process(ROOT, env)) for _ in range(2)]
        processes = webs + [stack.enter_context(bot_process(ROOT, env, "worker")) for _ in "ab"]
        senders = [Sender(web.url, f"web{n}", fakes.slack.base_url) for n, web in enumerate(webs)]
        ids = {n: [f"t{n}_a", f"t{n}_b"] for n in range(CONFIRMATIONS)}
        fakes.sgp.add_tasks(EVALUATION, [i for pair in ids.values() for i in pair])
        values = _previews(fakes, senders, ids)
        began = time.monotonic()
        keys = _clicked_four_times_each(senders, values)

        fakes.slack.wait_for(
            lambda: len(summary_counts(fakes.slack)) >= CONFIRMATIONS,
            timeout=60,
            what="50 summaries",
        )

        def settled() -> bool:
            return all(fakes.slack.posts_to(key) for key in keys) and all(
                "metadata" in fakes.slack.posts_to(key)[-1]
                for key in keys
                if "Assigning" in text_of(fakes.slack.posts_to(key)[0])
            )

        fakes.slack.wait_for(settled, timeout=30, what="every click answered, every result in")
        recovered = time.monotonic() - began
        health = {httpx.get(f"{p.url}/healthz", timeout=5).status_code for p in processes}
    assert health == {200}
    counts = summary_counts(fakes.slack)
    assert len(counts) == CONFIRMATIONS and set(counts.values()) == {1}
    winners, losers = _one_winner_each(fakes, keys)
    lost_ids = [
        i
        for pair in ids.values()
        for i in pair
        if (fakes.sgp.task(EVALUATION, i) or {}).get("assigned_to") != ASSIGNEE
    ]
    assert lost_ids == []
    sent = [t for call in fakes.sgp.batch_assign_calls() for t in call.json["task_ids"]]
    assert len(sent) == len(set(sent)) == 2 * CONFIRMATIONS
    report(
        f"2 web + 2 worker processes, {CONFIRMATIONS} confirmations x 4 clicks | 0 | 0 | "
        f"{winners} (1 each; {losers} losers told 'already confirmed', 0 'expired') | "
        f"{recovered:.1f} | 200 on all 4 processes after"
    )


def _previews(fakes: Fakes, senders: list[Sender], ids: dict[int, list[str]]) -> list[str]:
    """Each confirmation's preview, asked for through the web processes in turn; the values
    of their Confirm buttons."""
    values = []
    for n, pair in ids.items():
        response, key = senders[n % 2].command(f"{EVALUATION} {' '.join(pair)} to sgp:{ASSIGNEE}")
        assert response.status_code == 200
        preview = fakes.slack.wait_for(lambda k=key: fakes.slack.posts_to(k), what="preview")
        values.append(button(preview[-1], Action.CONFIRM)["value"])
    return values


def _clicked_four_times_each(senders: list[Sender], values: list[str]) -> list[str]:
    """Every Confirm clicked twice through each web process, at once; the clicks' keys."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        clicks = [
            pool.submit(senders[who % 2].click, Action.CONFIRM, value)
            for value in values
            for who in range(4)
        ]
        answered = [future.result() for future in clicks]
    assert all(response.status_code == 200 for response, _ in answered)
    return [key for _, key in answered]


def _one_winner_each(fakes: Fakes, keys: list[str]) -> tuple[int, int]:
    """Of each confirmation's four clicks, one ran the job and the others were told it was
    confirmed already; how many won and how many lost."""
    winners = losers = 0
    for index in range(0, len(keys), 4):
        posts = [fakes.slack.posts_to(key) for key in keys[index : index + 4]]
        won = [p for p in posts if "Assigning" in text_of(p[0])]
        lost = [p for p in posts if p not in won]
        assert len(won) == 1, posts
        assert "metadata" in won[0][-1]  # the winner's message ends on its result
        for answer in lost:
            assert len(answer) == 1 and ALREADY in text_of(answer[0])
            assert answer[0].get("replace_original") is False
        winners += 1
        losers += len(lost)
    return winners, losers
