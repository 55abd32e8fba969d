"""Reading Slack payloads defensively: a missing or oddly typed field is absent, never a crash.

Payloads are signed by Slack, yet their shape varies by surface and over time; a listener
that trips over one answers nothing, which Slack shows as a generic error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def dig(node: Any, *keys: str | int) -> Any:
    """`node[k1][k2]...` (an int indexes a list), or None when a step is missing."""
    for key in keys:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and -len(node) <= key < len(node) else None
        elif isinstance(node, Mapping):
            node = node.get(key)
        else:
            return None
    return node


def mapping(node: Any, *keys: str | int) -> Mapping[str, Any]:
    """The mapping at `keys`, or an empty one."""
    found = dig(node, *keys)
    return found if isinstance(found, Mapping) else {}


def text(node: Any, *keys: str | int) -> str:
    """The string (or number) at `keys`, or ""."""
    found = dig(node, *keys)
    if isinstance(found, bool) or not isinstance(found, str | int | float):
        return ""
    return str(found)
