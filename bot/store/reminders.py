"""Reminder schedules: one sorted set of what is due when, claimed by one process at a time.

Members of `reminders:due` are people (`p|team|user`, whose digest is due) and watched jobs
(`j|job`, whose stalled work the lead may need to hear about), scored by when they are due, in
epoch milliseconds. A claim moves a due member's score to the end of a short lease in one script,
so of several workers exactly one takes it; the taker sets the next due time (or removes the
member) when done, and a taker that died leaves it to be claimed again once the lease is over.

A person's hash holds the tasks the bot gave them (`t|evaluation|task` -> `user|expiry`) and, per
evaluation, until when a digest already covered it (`c|evaluation` -> ms): `cover` raises that
mark atomically, which is what makes a digest go out at most once per window.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar, cast

from pydantic import ValidationError
from redis.asyncio import Redis

from bot.core.reminders import FORGET_AFTER, JobWatch, StalledWork, Tracked
from bot.store.errors import unavailable_on_connection_error

__all__ = ["Due", "ReminderStore"]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Claim up to ARGV[3] members due by ARGV[1]: each is pushed to ARGV[2] (the lease's end).
CLAIM: Final = (
    "local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3]) "
    "for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end "
    "return due"
)
#: Done with ARGV[1], claimed with lease ARGV[2]: next due ARGV[3] ('' for never). A score that
#: moved meanwhile (new tasks scheduled earlier) is only ever lowered.
FINISH: Final = (
    "local score = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
    "if score and tonumber(score) ~= tonumber(ARGV[2]) then "
    "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[1], 'LT', ARGV[3], ARGV[1]) end return 0 end "
    "if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) "
    "else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end return 1"
)
#: Cover field ARGV[1] until ARGV[3] unless it already covers window ARGV[2]: 1 if we did.
COVER: Final = (
    "local mark = redis.call('HGET', KEYS[1], ARGV[1]) "
    "if mark and tonumber(mark) >= tonumber(ARGV[2]) then return 0 end "
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1"
)
#: How long what the lead was told stays answerable by its buttons.
STALLED_TTL: Final = timedelta(days=14)
MIN_TTL_SECONDS: Final = 24 * 60 * 60


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(value: str | int | float) -> datetime:
    return datetime.fromtimestamp(int(float(value)) / 1000, UTC)


class Due:
    """A claimed member: a person or a watched job, and the lease it was claimed with."""

    def __init__(self, member: str, lease: int) -> None:
        self.member = member
        self.lease = lease
        kind, *rest = member.split("|")
        self.kind = kind
        self.parts = rest

    @staticmethod
    def person(team_id: str, slack_user_id: str) -> str:
        return f"p|{team_id}|{slack_user_id}"

    @staticmethod
    def job(job_id: str) -> str:
        return f"j|{job_id}"


class ReminderStore:
    def __init__(self, redis: Redis, key: Callable[..., str]) -> None:
        self._redis = redis
        self._key = key
        self.due_key = key("reminders", "due")

    def person_key(self, team_id: str, slack_user_id: str) -> str:
        return self._key("reminders", "person", team_id, slack_user_id)

    def job_key(self, job_id: str) -> str:
        return self._key("reminders", "job", job_id)

    def stalled_key(self, job_id: str) -> str:
        return self._key("reminders", "stalled", job_id)

    async def _do(self, operation: Awaitable[T]) -> T:
        with unavailable_on_connection_error():
            return await operation

    async def _script(self, script: str, key: str, *args: str | int) -> Any:
        return await self._do(self._redis.eval(script, 1, key, *args))

    # -- scheduling ------------------------------------------------------------------------------

    async def track(
        self,
        team_id: str,
        slack_user_id: str,
        tasks: Sequence[Tracked],
        due: datetime,
        now: datetime,
    ) -> None:
        """Remember a person's new tasks; their digest is due at `due` at the latest."""
        fields: dict[Any, Any] = {
            f"t|{t.evaluation_id}|{t.task_id}": f"{t.platform_user_id}|{ms(t.expires_at)}"
            for t in tasks
        }
        if not fields:
            return
        latest = max(t.expires_at for t in tasks)
        ttl = max(int((latest + FORGET_AFTER - now).total_seconds()), MIN_TTL_SECONDS)
        key = self.person_key(team_id, slack_user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, ttl, gt=True)
            pipe.expire(key, ttl, nx=True)
            pipe.zadd(self.due_key, {Due.person(team_id, slack_user_id): ms(due)}, lt=True)
            await self._do(pipe.execute())

    async def watch(self, watch: JobWatch, due: datetime, now: datetime) -> None:
        latest = max(task.expires_at for task in watch.tasks)
        ttl = max(int((latest + FORGET_AFTER - now).total_seconds()), MIN_TTL_SECONDS)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self.job_key(watch.job_id), watch.model_dump_json(), ex=ttl)
            pipe.zadd(self.due_key, {Due.job(watch.job_id): ms(due)}, lt=True)
            await self._do(pipe.execute())

    # -- claiming --------------------------------------------------------------------------------

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Due]:
        """Members due by `now`, each taken by this caller alone until `lease` has passed."""
        until = ms(now + lease)
        members = await self._script(CLAIM, self.due_key, ms(now), until, limit)
        return [Due(str(member), until) for member in members or []]

    async def finish(self, due: Due, next_due: datetime | None) -> None:
        await self._script(
            FINISH, self.due_key, due.member, due.lease, "" if next_due is None else ms(next_due)
        )

    async def due_at(self, member: str) -> datetime | None:
        """When `member` is due next (None: not scheduled); for operators and tests."""
        score = await self._do(self._redis.zscore(self.due_key, member))
        return None if score is None else from_ms(score)

    # -- a person's tasks ------------------------------------------------------------------------

    async def person(
        self, team_id: str, slack_user_id: str
    ) -> tuple[list[Tracked], dict[str, datetime]]:
        """The tasks tracked for a person, and until when each evaluation was covered."""
        raw = await self._do(self._redis.hgetall(self.person_key(team_id, slack_user_id)))
        tracked: list[Tracked] = []
        covered: dict[str, datetime] = {}
        for field, value in cast("dict[str, str]", raw).items():
            kind, _, rest = field.partition("|")
            if kind == "c":
                covered[rest] = from_ms(value)
            elif kind == "t":
                evaluation_id, _, task_id = rest.partition("|")
                user, _, expiry = value.rpartition("|")
                tracked.append(Tracked(evaluation_id, task_id, user, from_ms(expiry)))
        return tracked, covered

    async def forget(self, team_id: str, slack_user_id: str, tasks: Iterable[Tracked]) -> None:
        fields = [f"t|{t.evaluation_id}|{t.task_id}" for t in tasks]
        if fields:
            await self._do(self._redis.hdel(self.person_key(team_id, slack_user_id), *fields))

    async def cover(
        self,
        team_id: str,
        slack_user_id: str,
        evaluation_id: str,
        window: datetime,
        until: datetime,
    ) -> bool:
        """Mark `evaluation_id` covered until `until`; False when `window` was covered already."""
        key = self.person_key(team_id, slack_user_id)
        return bool(await self._script(COVER, key, f"c|{evaluation_id}", ms(window), ms(until)))

    # -- watched jobs ----------------------------------------------------------------------------

    async def watched(self, job_id: str) -> JobWatch | None:
        raw = await self._do(self._redis.get(self.job_key(job_id)))
        return _parse(JobWatch, raw, job_id)

    async def unwatch(self, job_id: str) -> None:
        await self._do(self._redis.delete(self.job_key(job_id)))

    async def claim_stalled(self, work: StalledWork) -> bool:
        """Keep what the lead is told, once per job: False when they were told already."""
        stored = await self._do(
            self._redis.set(
                self.stalled_key(work.watch.job_id),
                work.model_dump_json(),
                nx=True,
                ex=int(STALLED_TTL.total_seconds()),
            )
        )
        return bool(stored)

    async def stalled(self, job_id: str) -> StalledWork | None:
        raw = await self._do(self._redis.get(self.stalled_key(job_id)))
        return _parse(StalledWork, raw, job_id)

    async def hold(self, name: str, job_id: str, seconds: int) -> bool:
        """A short once-only mark (a "Remind again" already sent): False when it is held."""
        key = self._key("reminders", name, job_id)
        return bool(await self._do(self._redis.set(key, "1", nx=True, ex=seconds)))


M = TypeVar("M", JobWatch, StalledWork)


def _parse(model: type[M], raw: object, job_id: str) -> M | None:
    if raw is None:
        return None
    try:
        return model.model_validate_json(cast("str", raw))
    except ValidationError:
        log.warning("discarding an unreadable %s of job %s", model.__name__, job_id)
        return None
