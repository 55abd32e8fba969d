"""Where a summary went, and who could not be told: shared by the reporter and the builders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Publication:
    permalink: str | None = None
    summary_posted: bool = False
    post_error: str | None = None
    undelivered_dms: list[str] = field(default_factory=list)
