"""Who asked, and where: enough to answer them and to post the summary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Requester:
    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str | None = None
    response_url: str | None = None
