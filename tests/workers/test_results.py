"""ResultStore against a real Redis: retry-failed, tail, outcomes."""

from __future__ import annotations

import pytest
import redis

from workers.messages import CleanedMessage, FailedMessage, FailReason
from workers.publisher import RedisPublisher
from workers.results import ResultStore
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration


class InstantWorker:
    """Stands in for the producer + a worker that fails the job again at once."""

    def __init__(self, publisher: RedisPublisher) -> None:
        self.publisher = publisher
        self.submitted: list[str] = []

    def submit_raw(self, payload: str, job_id: str) -> str:
        self.submitted.append(job_id)
        self.publisher.publish(FailedMessage(id=job_id, reason=FailReason.TIMEOUT,
                                             detail="again", job=payload))
        return job_id


def test_retry_failed_retries_each_entry_once_even_if_it_fails_again_at_once(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    publisher = RedisPublisher(redis_db, unit_settings)
    for job_id, reason in (("a", FailReason.TIMEOUT), ("b", FailReason.NO_ARTICLE),
                           ("c", FailReason.CRASHED)):
        publisher.publish(FailedMessage(id=job_id, reason=reason, detail="d", job="{}"))
    publisher.publish(FailedMessage(id="d", reason=FailReason.TIMEOUT, detail="too big"))
    worker = InstantWorker(publisher)
    store = ResultStore(redis_db, unit_settings)
    retried = store.retry_failed(worker, {FailReason.TIMEOUT, FailReason.CRASHED})  # type: ignore[arg-type]
    assert retried == worker.submitted == ["a", "c"]  # "d" kept no job to resubmit
    ids = [message.id for _entry, message in store.tail(10, failed=True)]
    assert sorted(ids) == ["a", "b", "c", "d"]


def test_tail_and_outcomes(redis_db: redis.Redis, unit_settings: WorkerSettings) -> None:
    publisher = RedisPublisher(redis_db, unit_settings)
    for n in range(5):
        publisher.publish(CleanedMessage(id=f"j{n}", document={"word_count": n}))
    store = ResultStore(redis_db, unit_settings)
    assert [m.id for _e, m in store.tail(2)] == ["j3", "j4"]
    assert sorted(store.outcomes(["j1", "nope", "j4"])) == ["j1", "j4"]
    assert store.get("nope") is None
    assert store.finished() == 5
