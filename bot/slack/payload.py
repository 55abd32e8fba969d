"""Reading Slack payloads defensively: a missing or oddly typed field is absent, never a crash.

Payloads are signed by Slack, yet their shape varies by surface and over time; a listener
that trips over one answers nothing, which Slack shows as a generic error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def dig(node: Any, *keys: str) -> Any:
    """`node[k1][k2]...`, or None when a step is missing or not a mapping."""
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def mapping(node: Any, *keys: str) -> Mapping[str, Any]:
    """The mapping at `keys`, or an empty one."""
    found = dig(node, *keys)
    return found if isinstance(found, Mapping) else {}


def text(node: Any, *keys: str) -> str:
    """The string (or number) at `keys`, or ""."""
    found = dig(node, *keys)
    if isinstance(found, bool) or not isinstance(found, str | int | float):
        return ""
    return str(found)
