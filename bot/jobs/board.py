"""The job board the use cases submit to (`bot.usecases.ports.JobBoard`): queue + records."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.core.job import Job
from bot.jobs.codec import decode_chunk
from bot.jobs.queue import JobQueue
from bot.jobs.records import JobRecords
from bot.store.connection import Store


class Jobs:
    """The queue and the records of one store, as the rest of the bot sees jobs."""

    def __init__(self, redis: Redis, queue: JobQueue, records: JobRecords) -> None:
        self.redis = redis
        self.queue = queue
        self.records = records

    @classmethod
    def of(cls, store: Store) -> Jobs:
        queue = JobQueue(store.redis, store.key)
        return cls(store.redis, queue, JobRecords(store.redis, store.key))

    def new_id(self) -> str:
        return self.queue.new_id()

    async def enqueue(self, job: Job) -> None:
        await self.queue.enqueue(job)

    async def job(self, job_id: str) -> Job | None:
        return await self.queue.job(job_id)

    async def failed_task_ids(self, job_id: str) -> set[str]:
        """The tasks of the job's chunks whose requests failed (for "Retry failed")."""
        failed: set[str] = set()
        for record in (await self.records.recorded_chunks(job_id)).values():
            chunk = decode_chunk(record)
            if chunk.error is not None:
                failed.update(chunk.task_ids)
        return failed

    async def claim_retry(self, job_id: str) -> bool:
        return await self.records.claim_retry(job_id)

    async def retry_claimed(self, job_id: str) -> bool:
        """Retry failed was used already: the Home stops offering it."""
        return await self.records.retried(job_id)

    async def tasks_done(self, job_id: str) -> int:
        """Tasks of the job's chunks answered so far (one hash read): a running job's progress."""
        chunks = (await self.records.recorded_chunks(job_id)).values()
        return sum(len(record.get("task_ids", ())) for record in chunks)
