"""A confirmed request on its way to the platform, as any worker process can pick it up."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.core.confirmation import Confirmation


class SurfaceRef(BaseModel):
    """Where the requester watches progress, in a form another process can write to.

    `response_url`: an ephemeral message replaced through its response_url (5 uses, 30 min);
    `view`: a modal updated with views.update.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["response_url", "view", "none"] = "none"
    response_url: str | None = None
    view_id: str | None = None


class Job(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    confirmation: Confirmation
    surface: SurfaceRef = SurfaceRef()
    created_at: datetime
    #: For "Retry failed": the job whose summary thread this one reports into.
    retry_of: str | None = None
