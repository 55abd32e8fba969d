"""Redis Cluster (`redis+cluster://`): the store and job tests, a job end to end, a burst of
previews, and `python -m bot check`, on a real 3-node cluster."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from bot.store.connection import open_store
from bot.store.kinds import MAX_CONNECTIONS
from tests.e2e.conftest import fake_servers  # noqa: F401  (the fakes' servers, per session)
from tests.e2e.processes import ROOT, Fakes
from tests.faults.redis_bot import EVALUATION, fault_bot, report
from tests.faults.redis_servers import redis_cluster

BURST = 60


def cluster_url(port: int) -> str:
    return f"redis+cluster://127.0.0.1:{port}"


def test_the_store_and_job_tests_pass_on_a_3_node_cluster(tmp_path: Path) -> None:
    with redis_cluster(tmp_path) as nodes:
        env = os.environ | {"REDIS_TEST_CLUSTER_URL": cluster_url(nodes[0].port)}
        run = subprocess.run(
            [
                sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
                "-k", "cluster", "tests/integration/store", "tests/integration/jobs",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:]
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed[1]) >= 50, run.stdout[-2000:]


def test_a_burst_of_commands_on_a_cluster_waits_for_connections(tmp_path: Path) -> None:
    """Four times the connection cap at once: redis-py's cluster client alone would raise
    MaxConnectionsError; the bot's waits its turn, and every command is answered."""

    async def burst(url: str) -> list[Any]:
        store = open_store(url, "burst:")
        try:
            await store.redis.set(store.key("k"), "1")
            return list(
                await asyncio.gather(
                    *(store.redis.get(store.key("k")) for _ in range(4 * MAX_CONNECTIONS))
                )
            )
        finally:
            await store.aclose()

    with redis_cluster(tmp_path) as nodes:
        answers = asyncio.run(burst(cluster_url(nodes[0].port)))
    assert answers == ["1"] * (4 * MAX_CONNECTIONS)


def test_a_job_and_a_burst_of_previews_on_a_cluster(fakes: Fakes, tmp_path: Path) -> None:
    fakes.sgp.latency_per_request = 0.05
    with (
        redis_cluster(tmp_path / "cluster") as nodes,
        fault_bot(fakes, tmp_path, REDIS_URL=cluster_url(nodes[0].port)) as bot,
    ):
        bot.queue_job(200)
        took = bot.wait_for_summary(timeout=60)
        outcome = bot.outcome()
        report(outcome.row("3-node cluster, a 200-id job", took, "200"))
        assert outcome.lost == 0 and outcome.summaries == 1 and outcome.resent == 0, outcome

        def preview(index: int) -> tuple[int, str]:
            response, key = bot.sender.command(f"{EVALUATION} t{index} to sgp:user-bob")
            return response.status_code, key

        with ThreadPoolExecutor(max_workers=BURST) as pool:
            answers = list(pool.map(preview, range(BURST)))
        assert [status for status, _ in answers] == [200] * BURST
        for _, key in answers:
            posts = fakes.slack.wait_for(partial(fakes.slack.posts_to, key), timeout=30)
            assert "Confirm" in str(posts[-1]), posts[-1]  # a preview, not "unavailable"
        holding = []
        for node in nodes:
            with node.client() as client:
                if keys := client.keys("*"):
                    holding.append(keys)
        assert len(holding) == 1, "every key of the bot is in one slot, on one node"
        assert all(key.startswith("{faults}:") for key in holding[0]), holding[0][:5]
