"""The job every benchmark runs: one assignee, the given ids, in the fake's `eval_bench`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core.confirmation import Assignee, Confirmation, Share
from bot.core.job import Job


def bench_job(job_id: str, ids: Sequence[str]) -> Job:
    now = datetime.now(UTC)
    share = Share(assignee=Assignee(platform_user_id="user-1"), task_ids=tuple(ids))
    confirmation = Confirmation(
        team_id="T1",
        requester_id="U1",
        channel_id="C1",
        evaluation_id="eval_bench",
        shares=(share,),
        created_at=now,
        expires_at=now,
    )
    return Job(id=job_id, confirmation=confirmation, created_at=now)
