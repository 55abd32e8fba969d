"""What a job leaves in Redis: docs/operations.md promises an operator a memory budget."""

from __future__ import annotations

from pathlib import Path

from bot.slack.ui_ids import Action
from tests.e2e.conftest import fake_servers  # noqa: F401  (the fakes' servers, per session)
from tests.e2e.processes import Fakes
from tests.e2e.test_assign_command import button
from tests.faults.redis_bot import EVALUATION, fault_bot
from tests.faults.redis_servers import redis_server

#: docs/operations.md: "about 4 MB per 10,000-id job" (16-character ids).
BUDGET_BYTES = 5_000_000


def test_a_10000_id_job_stays_within_the_documented_memory(fakes: Fakes, tmp_path: Path) -> None:
    # 16 characters: 10,000 of them fill most of the 200,000 characters a request may hold
    ids = [f"task{i:012d}" for i in range(10_000)]
    fakes.sgp.add_tasks(EVALUATION, ids)
    with (
        redis_server(tmp_path / "redis") as server,
        fault_bot(fakes, tmp_path, REDIS_URL=server.url, ASSIGN_CHUNK_SIZE="500") as bot,
        server.client() as client,
    ):
        before = {key for key in client.scan_iter("faults:*")}
        response, key = bot.sender.command(f"{EVALUATION} {' '.join(ids)} to sgp:user-alice")
        assert response.status_code == 200
        preview = fakes.slack.wait_for(lambda: fakes.slack.posts_to(key), timeout=30)[-1]
        bot.sender.click(Action.CONFIRM, button(preview, Action.CONFIRM)["value"])
        bot.wait_for_summary(timeout=120)
        bot.process.process.terminate()  # its answers and audit written: nothing more comes
        bot.process.process.wait(timeout=30)
        left = {key for key in client.scan_iter("faults:*")} - before
        sizes = {key: int(client.memory_usage(key, samples=0) or 0) for key in left}
        kept = {key: int(client.ttl(key)) for key in left}
    total = sum(sizes.values())
    print(f"\n10,000-id job: {total:,} bytes in {len(sizes)} keys")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:8]:
        print(f"  {size:>10,}  {name}  ttl {kept[name]} s")
    assert total <= BUDGET_BYTES, sorted(sizes.items(), key=lambda item: -item[1])[:5]
