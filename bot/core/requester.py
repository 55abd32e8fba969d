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
    #: The Enterprise Grid org, when the app is installed org-wide: then a person's link to the
    #: platform is the org's, valid in every workspace of it (Grid user ids are org-wide).
    enterprise_id: str | None = None

    @property
    def links_owner(self) -> str:
        """Whose links name people: the org's with an org-wide install, else the workspace's."""
        return self.enterprise_id or self.team_id

    @property
    def links_fallback(self) -> str | None:
        """Links kept before the install was org-wide, still read (the workspace's)."""
        return self.team_id if self.enterprise_id and self.team_id else None
