"""The client other services use to submit pages. Needs redis + celery, never `cleaner`.

    from workers.messages import Job
    from workers.producer import CleanerClient

    client = CleanerClient.from_env()              # CLEANER_REDIS_URL
    job_id = client.submit(Job.from_content(html, url=url, source="crawler"))
    ids = client.submit_many(Job.from_content(p.html, url=p.url) for p in pages)
    result = client.get(job_id)                    # CleanedMessage | FailedMessage | None

Submitting writes the ledger (`cleaner:pending`, `cleaner:stats`) and a copy of
each job for the sweeper (`cleaner:jobs`) in one MULTI round trip per batch,
then sends the batch's tasks over one broker connection. The ledger goes
first, so a job the broker holds is always in it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Self, TypeVar

import redis
from celery import Celery

from workers.conf import TASK_NAME, celery_conf
from workers.messages import (
    CleanedMessage,
    FailedMessage,
    Job,
    JobTooLarge,
    decode_result,
    job_id_for_payload,
)
from workers.publisher import connect
from workers.settings import WorkerSettings

DEFAULT_BATCH = 200
T = TypeVar("T")


class CleanerClient:
    """Submit jobs to the cleaner service and read their outcomes."""

    def __init__(self, settings: WorkerSettings, *, client: redis.Redis | None = None) -> None:
        self._settings = settings
        self._keys = settings.keys
        self._app = make_producer_app(settings)
        self._redis = client or connect(str(settings.redis_url))

    @classmethod
    def from_env(cls) -> Self:
        return cls(WorkerSettings.from_env())

    @property
    def redis(self) -> redis.Redis:
        return self._redis

    def submit(self, job: Job) -> str:
        """Submit one job; return its id (the job's own, or derived from url + content)."""
        return self.submit_many([job])[0]

    def submit_many(self, jobs: Iterable[Job], *, batch_size: int = DEFAULT_BATCH) -> list[str]:
        """Submit jobs in pipelined batches; return their ids in order.

        Batches start at one job and double up to `batch_size`: the first pages
        reach the workers at once, instead of after a whole batch was encoded
        and written, and the later ones still share their round trips.

        Raises JobTooLarge (before sending anything of its batch) for a job
        whose message is above `max_job_bytes`: shipping it would only fail.
        """
        ids: list[str] = []
        for batch, last in _batches(jobs, batch_size):
            items = [self._encode(job) for job in batch]
            self._send(items, last=last)
            ids.extend(job_id for job_id, _ in items)
        return ids

    def submit_raw(self, payload: str, job_id: str | None = None) -> str:
        """Submit a job message as it came (e.g. from the inbox); the worker validates it."""
        job_id = job_id or job_id_for_payload(payload, max_job_bytes=self._settings.max_job_bytes)
        self._send([(job_id, payload)])
        return job_id

    def submit_raw_many(self, payloads: Iterable[str], *,
                        batch_size: int = DEFAULT_BATCH) -> list[str]:
        """`submit_raw` for many messages, in `submit_many`'s batches; return their ids."""
        ids: list[str] = []
        for batch, last in _batches(payloads, batch_size):
            cap = self._settings.max_job_bytes
            items = [(job_id_for_payload(payload, max_job_bytes=cap), payload) for payload in batch]
            self._send(items, last=last)
            ids.extend(job_id for job_id, _ in items)
        return ids

    def get(self, job_id: str) -> CleanedMessage | FailedMessage | None:
        """The job's outcome, or None while it has none (or after its TTL)."""
        payload = self._redis.get(self._keys.doc(job_id))
        return None if payload is None else decode_result(payload)

    def close(self) -> None:
        self._redis.close()
        self._app.close()

    def _encode(self, job: Job) -> tuple[str, str]:
        job_id = job.resolved_id()
        payload = job.model_copy(update={"id": job_id}).to_json()
        if len(payload) > self._settings.max_job_bytes:
            raise JobTooLarge(
                f"job {job_id} is {len(payload)} bytes, the cap is {self._settings.max_job_bytes}"
            )
        return job_id, payload

    def _send(self, items: Sequence[tuple[str, str]], *, last: bool = True) -> None:
        now = time.time()
        # MULTI: a job in the ledger always has the copy the sweeper resubmits if it is lost
        with self._redis.pipeline(transaction=True) as pipe:
            for job_id, payload in items:
                pipe.hset(self._keys.jobs, job_id, payload)
                pipe.zadd(self._keys.pending, {job_id: now}, nx=True)
            pipe.hincrby(self._keys.stats, "submitted", len(items))
            pipe.execute()
        # The messages carry the ids only (a claim check): the worker reads the copies
        # above, so a page crosses the broker once and sits in Redis once.
        ids = [job_id for job_id, _ in items]
        start = 0
        with self._app.producer_or_acquire() as producer:
            for size in _message_sizes(len(ids), self._settings.jobs_per_message, taper=last):
                send_jobs(self._app, ids[start:start + size], self._settings.queue,
                          producer=producer)
                start += size


def send_jobs(app: Celery, job_ids: Sequence[str], queue: str, *, producer: Any = None) -> None:
    """One task message for these jobs, whose copies are in `cleaner:jobs` already.

    A pool process takes its next message only after acking the last one
    (prefetch 1): that handoff is paid once per message, not once per page.
    """
    first = job_ids[0]
    task_id = first if len(job_ids) == 1 else f"{first}+{len(job_ids) - 1}"
    app.send_task(TASK_NAME, args=[list(job_ids)], task_id=task_id, queue=queue,
                  producer=producer)


def message_job_ids(args: Sequence[Any]) -> list[str]:
    """The job ids a task message's args carry: `[[id, ...]]`, or the older `[id]`, `[id, job]`."""
    first = args[0] if args else None
    if isinstance(first, str):
        return [first]
    if isinstance(first, list):
        return [job_id for job_id in first if isinstance(job_id, str)]
    return []


def _batches(items: Iterable[T], size: int) -> Iterator[tuple[list[T], bool]]:
    """Batches of 1, 2, 4, ... items, then `size` at most, each with whether it is the last.

    A batch shorter than asked for is the last (a full one may be too: that
    costs nothing but the taper below). No look-ahead: a slow source of jobs
    (a pipe) never holds back the batch already read."""
    iterator, next_size = iter(items), 1
    while batch := list(islice(iterator, wanted := min(next_size, size))):
        yield batch, len(batch) < wanted
        next_size *= 2


def _message_sizes(count: int, per_message: int, *, taper: bool) -> Iterator[int]:
    """How a batch of `count` jobs splits into task messages: `per_message` jobs each.

    With `taper` (nothing follows the batch), each message takes at most half
    of the jobs left, so the last messages hold one page each: a pool's
    processes finish together instead of one waiting out another's full
    message (up to `per_message` pages of idle for all but one process)."""
    while count > 0:
        size = min(per_message, max(1, count // 2) if taper else count)
        yield size
        count -= size


def make_producer_app(settings: WorkerSettings) -> Celery:
    """A send-only app: the workers' broker and serialization, no tasks, no cleaner."""
    app = Celery("pagecleaner-producer", set_as_current=False)
    app.conf.update(celery_conf(settings))
    return app
