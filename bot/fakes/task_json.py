"""The fake platform's answers as JSON, fast enough not to be what a benchmark measures.

A task's `task_entity` (the test case result, most of its 1 KB) never changes once made, so its
JSON is made once and spliced in: a 500-task batch-assign answer took the fake 12.6 ms with
json.dumps on last session's 2-core machine, time its one event loop then owed every other
request. The tasks' own fields go through one json.dumps call (one call per task took 3.7 ms).
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any


class TaskJson:
    """Serializes task dicts, keeping each entity's JSON for as long as that entity lives."""

    def __init__(self) -> None:
        #: id(entity) -> (the entity, its JSON); the entity is held so its id is not reused.
        self._entities: dict[int, tuple[dict[str, Any], str]] = {}

    def dumps(self, tasks: list[dict[str, Any]]) -> bytes:
        """One json.dumps for every task's own fields (one C call, not one per task), each
        entity's kept JSON put in place of a marker no value can contain (a fresh nonce)."""
        nonce = secrets.token_hex(8)
        marked: list[Any] = []
        entities: list[str] = []
        for task in tasks:
            entity = task.get("task_entity")
            if isinstance(entity, dict):
                marked.append({**task, "task_entity": f"{nonce}{len(entities)}"})
                entities.append(self._entity(entity))
            else:
                marked.append(task)
        text = json.dumps(marked, separators=(",", ":"))
        if entities:
            text = re.sub(f'"{nonce}(\\d+)"', lambda m: entities[int(m.group(1))], text)
        return text.encode()

    def warm(self, task: dict[str, Any]) -> None:
        """Make the task's entity JSON now rather than in its first answer."""
        entity = task.get("task_entity")
        if isinstance(entity, dict):
            self._entity(entity)

    def _entity(self, entity: dict[str, Any]) -> str:
        cached = self._entities.get(id(entity))
        if cached is None or cached[0] is not entity:
            cached = (entity, json.dumps(entity, separators=(",", ":")))
            self._entities[id(entity)] = cached
        return cached[1]
