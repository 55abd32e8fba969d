"""Job ids are read back from the metadata of the bot's messages, so they must pass its id rule."""

from bot.core.ids import is_valid_id
from bot.jobs.queue import JobQueue
from bot.store.confirmations import is_token_shaped


def test_every_new_job_id_can_be_read_back_from_a_message() -> None:
    # token_urlsafe starts with "-" or "_" in 1 of 32 ids: such a job's summary could not be
    # found by a worker taking it over, nor reassigned from its message.
    ids = [JobQueue.new_id() for _ in range(2000)]
    assert all(is_valid_id(job_id) and is_token_shaped(job_id) for job_id in ids)
    assert len(set(ids)) == len(ids)
