"""What a notification of the corpus is, and shorthand for the Block Kit it may carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

APP = "https://app.sgp.scale.com"
OTHER = "https://linear.app/acme/issue/EVAL-12"


@dataclass(frozen=True)
class Notice:
    name: str
    message: str | dict[str, Any]
    evaluations: tuple[str, ...]
    tasks: tuple[str, ...]


def rich(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text", "elements": list(elements)}


def line(*pieces: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(pieces)}


def t(text: str, **style: bool) -> dict[str, Any]:
    return {"type": "text", "text": text, **({"style": style} if style else {})}


def section(text: str, *fields: str) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if fields:
        block["fields"] = [{"type": "mrkdwn", "text": f} for f in fields]
    return block
