"""The fake platform's answers as JSON, fast enough not to be what a benchmark measures.

A task's `task_entity` (the test case result, most of its 1 KB) never changes once made, so its
JSON is made once and spliced in: a 500-task batch-assign answer took the fake 12.6 ms with
json.dumps on this 2-core machine, time its one event loop then owed every other request.
"""

from __future__ import annotations

import json
from typing import Any


class TaskJson:
    """Serializes task dicts, keeping each entity's JSON for as long as that entity lives."""

    def __init__(self) -> None:
        #: id(entity) -> (the entity, its JSON); the entity is held so its id is not reused.
        self._entities: dict[int, tuple[dict[str, Any], str]] = {}

    def dumps(self, tasks: list[dict[str, Any]]) -> bytes:
        return ("[" + ",".join(self._task(task) for task in tasks) + "]").encode()

    def warm(self, task: dict[str, Any]) -> None:
        """Make the task's entity JSON now rather than in its first answer."""
        entity = task.get("task_entity")
        if isinstance(entity, dict):
            self._entity(entity)

    def _task(self, task: dict[str, Any]) -> str:
        entity = task.get("task_entity")
        if not isinstance(entity, dict) or not task:
            return json.dumps(task, separators=(",", ":"))
        rest = json.dumps(
            {k: v for k, v in task.items() if k != "task_entity"}, separators=(",", ":")
        )
        opening = rest[:-1] + ("," if len(rest) > 2 else "")
        return f'{opening}"task_entity":{self._entity(entity)}}}'

    def _entity(self, entity: dict[str, Any]) -> str:
        cached = self._entities.get(id(entity))
        if cached is None or cached[0] is not entity:
            cached = (entity, json.dumps(entity, separators=(",", ":")))
            self._entities[id(entity)] = cached
        return cached[1]
