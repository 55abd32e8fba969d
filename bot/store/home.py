"""The App Home's per-person index: the jobs that involved someone, the task ids the bot gave
them per evaluation, the previews waiting for their Confirm, and a short cache of their tasks.

Written when a job is submitted, again when it finishes (and when a preview is made), read
when a Home is published. Everything
expires with the job records (7 days); a person's list keeps only their newest jobs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

from pydantic import ValidationError
from redis.asyncio import Redis

from bot.core.home import JobEntry
from bot.store.errors import unavailable_on_connection_error

__all__ = ["JOBS_KEPT", "KEPT_SECONDS", "HomeIndex"]

KEPT_SECONDS: Final = 7 * 24 * 60 * 60
#: Newest jobs and evaluations kept per person.
JOBS_KEPT: Final = 50

#: SADD of a JSON list of members (ARGV[1]), 1,000 at a time, then EXPIRE (ARGV[2]). One
#: argument instead of one per task: redis-py packs each argument in Python, which took 6 ms
#: of the job's event loop for a 10,000-task job's ids; the JSON, 1 ms.
_ADD_MEMBERS: Final = (
    "local members = cjson.decode(ARGV[1]) "
    "for i = 1, #members, 1000 do "
    "redis.call('SADD', KEYS[1], unpack(members, i, math.min(i + 999, #members))) end "
    "redis.call('EXPIRE', KEYS[1], ARGV[2]) return #members"
)


class HomeIndex:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key

    def _person(self, kind: str, team_id: str, user_id: str, *rest: str) -> str:
        return self._key("home", kind, team_id, user_id, *rest)

    async def add_job(self, entry: JobEntry, given: dict[str, tuple[str, ...]]) -> None:
        """The job under each person it involves; `given`: task ids per assignee's Slack id."""
        at = entry.finished_at.timestamp()
        with unavailable_on_connection_error():
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.set(
                    self._key("home", "job", entry.job_id), entry.model_dump_json(), ex=KEPT_SECONDS
                )
                for user in entry.involves():
                    self._ranked(pipe, self._person("jobs", entry.team_id, user), entry.job_id, at)
                for user, task_ids in given.items():
                    evaluations = self._person("evaluations", entry.team_id, user)
                    self._ranked(pipe, evaluations, entry.evaluation_id, at)
                    tasks = self._person("tasks", entry.team_id, user, entry.evaluation_id)
                    pipe.eval(_ADD_MEMBERS, 1, tasks, json.dumps(task_ids), KEPT_SECONDS)
                    pipe.delete(self._person("cache", entry.team_id, user))
                await pipe.execute()

    async def add_unfinished(self, entry: JobEntry) -> None:
        """A job not finished, under its requester. A queued one never replaces what is there
        (a fast worker may have finished it already); a given-up one does."""
        queued = entry.phase == "queued"
        at = entry.finished_at.timestamp()
        with unavailable_on_connection_error():
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.set(
                    self._key("home", "job", entry.job_id),
                    entry.model_dump_json(),
                    ex=KEPT_SECONDS,
                    nx=queued,
                )
                jobs = self._person("jobs", entry.team_id, entry.requester_id)
                pipe.zadd(jobs, {entry.job_id: at}, nx=queued)
                pipe.zremrangebyrank(jobs, 0, -JOBS_KEPT - 1)
                pipe.expire(jobs, KEPT_SECONDS)
                await pipe.execute()

    @staticmethod
    def _ranked(pipe: Any, key: str, member: str, at: float) -> None:
        pipe.zadd(key, {member: at})
        pipe.zremrangebyrank(key, 0, -JOBS_KEPT - 1)
        pipe.expire(key, KEPT_SECONDS)

    async def set_permalink(self, job_id: str, permalink: str | None) -> JobEntry | None:
        """Add the summary's permalink once it is posted; the entry, None when unknown."""
        entry = await self.job(job_id)
        if entry is None or permalink is None:
            return entry
        entry = entry.model_copy(update={"permalink": permalink})
        with unavailable_on_connection_error():
            await self._redis.set(
                self._key("home", "job", job_id), entry.model_dump_json(), ex=KEPT_SECONDS
            )
        return entry

    async def job(self, job_id: str) -> JobEntry | None:
        with unavailable_on_connection_error():
            raw = await self._redis.get(self._key("home", "job", job_id))
        return _entry(raw)

    async def jobs(self, team_id: str, user_id: str, count: int) -> list[JobEntry]:
        """The person's newest `count` jobs, newest first (expired ones left out)."""
        with unavailable_on_connection_error():
            ids = await self._redis.zrevrange(self._person("jobs", team_id, user_id), 0, count - 1)
            raws = await self._redis.mget([self._key("home", "job", i) for i in ids]) if ids else []
        return [entry for raw in raws if (entry := _entry(raw)) is not None]

    async def evaluations(self, team_id: str, user_id: str, count: int) -> list[str]:
        """The evaluations the bot gave the person tasks in, most recent first."""
        key = self._person("evaluations", team_id, user_id)
        with unavailable_on_connection_error():
            return [str(item) for item in await self._redis.zrevrange(key, 0, count - 1)]

    async def given(self, team_id: str, user_id: str, evaluation_id: str) -> set[str]:
        with unavailable_on_connection_error():
            found = await self._redis.smembers(
                self._person("tasks", team_id, user_id, evaluation_id)
            )
        return {str(item) for item in found}

    # -- previews waiting for a Confirm -----------------------------------------------------------

    async def add_pending(
        self, team_id: str, user_id: str, token: str, expires_at: datetime
    ) -> None:
        key = self._person("pending", team_id, user_id)
        with unavailable_on_connection_error():
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.zadd(key, {token: expires_at.timestamp()})
                pipe.zremrangebyrank(key, 0, -JOBS_KEPT - 1)
                pipe.expire(key, KEPT_SECONDS)
                await pipe.execute()

    async def pending(self, team_id: str, user_id: str, now: datetime) -> list[str]:
        """Tokens of the person's previews not yet expired, newest first; the rest dropped."""
        key = self._person("pending", team_id, user_id)
        with unavailable_on_connection_error():
            await self._redis.zremrangebyscore(key, "-inf", now.timestamp())
            return [str(item) for item in await self._redis.zrevrange(key, 0, JOBS_KEPT - 1)]

    async def drop_pending(self, team_id: str, user_id: str, tokens: Sequence[str]) -> None:
        if tokens:
            with unavailable_on_connection_error():
                await self._redis.zrem(self._person("pending", team_id, user_id), *tokens)

    # -- a short cache of the person's open tasks -------------------------------------------------

    async def cached_tasks(self, team_id: str, user_id: str) -> Any | None:
        with unavailable_on_connection_error():
            raw = await self._redis.get(self._person("cache", team_id, user_id))
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    async def cache_tasks(self, team_id: str, user_id: str, value: Any, seconds: int) -> None:
        if seconds > 0:
            with unavailable_on_connection_error():
                await self._redis.set(
                    self._person("cache", team_id, user_id), json.dumps(value), ex=seconds
                )


def _entry(raw: object) -> JobEntry | None:
    if not raw:
        return None
    try:
        return JobEntry.model_validate_json(str(raw))
    except ValidationError:
        return None
