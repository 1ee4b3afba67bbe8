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
from dataclasses import dataclass
from itertools import islice
from typing import Any, Self, TypeVar

import redis
from celery import Celery
from kombu.exceptions import OperationalError

from workers.conf import TASK_NAME, celery_conf
from workers.messages import (
    CleanedMessage,
    FailedMessage,
    Identity,
    Job,
    JobTooLarge,
    decode_result,
    identify,
    is_job_id,
    task_args,
)
from workers.publisher import RedisUnavailable, _as_unavailable, connect, describe_redis_error
from workers.settings import WorkerSettings

DEFAULT_BATCH = 200
T = TypeVar("T")

# Per job of a batch, atomically: a known id keeps its outcome or its pending run
# ("known": same version; "conflict": another page), unless forced; a new or forced
# one enters the ledger ("new", "superseded": its old outcome is deleted). The first
# write is denied whole when Redis is full. ARGV: now, force, doc key prefix, then
# (id, version, message) per job.
_SUBMIT_LUA = """
local force, prefix, statuses, added = ARGV[2] == '1', ARGV[3], {}, 0
for i = 4, #ARGV, 3 do
  local id, version, message = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local current, replaced = nil, nil
  if redis.call('ZSCORE', KEYS[2], id) then
    current = redis.call('HGET', KEYS[3], id) or version
  else
    local doc = redis.call('GET', prefix .. id)
    if doc then
      local ok, outcome = pcall(cjson.decode, doc)
      current = ok and type(outcome) == 'table' and outcome['version'] or version
      replaced = ok and type(outcome) == 'table' and outcome['status'] or nil
    end
  end
  if current and not force then
    table.insert(statuses, current == version and 'known' or 'conflict')
  else
    redis.call('HSET', KEYS[1], id, message)
    redis.call('HSET', KEYS[3], id, version)
    redis.call('HDEL', KEYS[4], id)
    redis.call('ZADD', KEYS[2], ARGV[1], id)
    if current then redis.call('DEL', prefix .. id) end
    if replaced then redis.call('HINCRBY', KEYS[5], 'replaced:' .. replaced, 1) end  -- stats
    table.insert(statuses, current and 'superseded' or 'new')
    added = added + 1
  end
end
redis.call('HINCRBY', KEYS[5], 'submitted', added)
return statuses
"""


class SubmitError(Exception):
    """A submission the producer refused; `code` names why, the text never quotes a page."""

    code = "submit_error"


class InvalidJobId(SubmitError):
    code = "invalid_id"


class IdConflict(SubmitError):
    """Known ids with another page: not submitted (the others were). `force=True` replaces."""

    code = "id_conflict"

    def __init__(self, conflicts: list[str], ids: list[str]) -> None:
        shown = " ".join(conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")
        super().__init__(f"{len(conflicts)} job id(s) already name another page: {shown} "
                         "(submit with force=True to replace them)")
        self.conflicts, self.ids = conflicts, ids


class RedisFull(SubmitError):
    """Redis is too full (or unavailable) to take more jobs: `refused` were not submitted
    and will not run; `accepted` (submitted before) will."""

    code = "redis_full"

    def __init__(self, reason: str, accepted: list[str], refused: list[str]) -> None:
        super().__init__(f"{reason}: {len(refused)} job(s) refused, {len(accepted)} accepted")
        self.accepted, self.refused = accepted, refused


@dataclass(frozen=True, slots=True)
class Submission:
    id: str
    status: str  # new | superseded | known | conflict


class CleanerClient:
    """Submit jobs to the cleaner service and read their outcomes."""

    def __init__(self, settings: WorkerSettings, *, client: redis.Redis | None = None) -> None:
        self._settings = settings
        self._keys = settings.keys
        self._app = make_producer_app(settings)
        self._redis = client or connect(str(settings.redis_url))
        self._submit = self._redis.register_script(_SUBMIT_LUA)

    @classmethod
    def from_env(cls) -> Self:
        return cls(WorkerSettings.from_env())

    @property
    def redis(self) -> redis.Redis:
        return self._redis

    def submit(self, job: Job, *, force: bool = False) -> str:
        """Submit one job; return its id (the job's own, or derived from url + content)."""
        return self.submit_many([job], force=force)[0]

    def submit_many(self, jobs: Iterable[Job], *, force: bool = False,
                    batch_size: int = DEFAULT_BATCH) -> list[str]:
        """Submit jobs in pipelined batches; return their ids in order.

        Batches start at one job and double up to `batch_size`: the first pages
        reach the workers at once, and the later ones share their round trips.
        A job whose id is known with the same page is not run again (its outcome
        stands); with another page it is `IdConflict`, raised once every other
        job is in, unless `force` (the new page replaces the old outcome).
        Raises JobTooLarge (nothing of its batch sent) for a job above
        `max_job_bytes`, RedisFull when Redis is near its `maxmemory`.
        """
        return self._submit_all(jobs, self._encode, force=force, batch_size=batch_size)

    def submit_raw(self, payload: str, job_id: str | None = None, *, force: bool = False) -> str:
        """Submit a job message as it came (e.g. from the inbox); the worker validates it.

        `job_id`, if given, must be a valid id (InvalidJobId otherwise)."""
        if job_id is not None and not is_job_id(job_id):
            raise InvalidJobId(f"not a valid job id ({len(job_id)} characters): it needs 1-128 "
                               "of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit")
        identity = self._identify(payload)
        return self._submit_all([payload], lambda raw: (
            Identity(job_id or identity.id, identity.version), raw), force=force)[0]

    def submit_raw_many(self, payloads: Iterable[str], *, force: bool = False,
                        batch_size: int = DEFAULT_BATCH) -> list[str]:
        """`submit_raw` for many messages, in `submit_many`'s batches; return their ids."""
        return self._submit_all(payloads, lambda raw: (self._identify(raw), raw), force=force,
                                batch_size=batch_size)

    def resend(self, job_ids: Sequence[str]) -> None:
        """Send task messages again for jobs already in the ledger (the sweeper's resubmission)."""
        _, error = self._send_messages(list(job_ids), taper=True)
        if error is not None:
            raise RedisUnavailable(error)

    def get(self, job_id: str) -> CleanedMessage | FailedMessage | None:
        """The job's outcome, or None while it has none (or after its TTL)."""
        payload = self._redis.get(self._keys.doc(job_id))
        return None if payload is None else decode_result(payload)

    def close(self) -> None:
        self._redis.close()
        self._app.close()

    def _identify(self, payload: str) -> Identity:
        settings = self._settings
        return identify(payload, max_job_bytes=settings.max_job_bytes,
                        max_content_bytes=settings.max_content_bytes)

    def _encode(self, job: Job) -> tuple[Identity, str]:
        version = job.version(self._settings.max_content_bytes)
        job_id = job.id or version
        payload = job.model_copy(update={"id": job_id}).to_json()
        if len(payload) > self._settings.max_job_bytes:
            raise JobTooLarge(
                f"job {job_id} is {len(payload)} bytes, the cap is {self._settings.max_job_bytes}"
            )
        return Identity(job_id, version), payload

    def _submit_all(self, items: Iterable[T], encode: Any, *, force: bool,
                    batch_size: int = DEFAULT_BATCH) -> list[str]:
        ids: list[str] = []
        conflicts: list[str] = []
        for batch, last in _batches(items, batch_size):
            encoded = [encode(item) for item in batch]
            for submission in self._send(encoded, force=force, last=last, accepted=ids):
                ids.append(submission.id)
                if submission.status == "conflict":
                    conflicts.append(submission.id)
        if conflicts:
            raise IdConflict(conflicts, ids)
        return ids

    def _send(self, items: list[tuple[Identity, str]], *, force: bool, last: bool,
              accepted: list[str]) -> list[Submission]:
        """Ledger first (one script), then the task messages of the jobs it took."""
        every = [identity.id for identity, _ in items]
        try:
            self._check_memory()
            args: list[Any] = [time.time(), "1" if force else "0", self._keys.doc("")]
            for identity, payload in items:
                args += [identity.id, identity.version, payload]
            keys = [self._keys.jobs, self._keys.pending, self._keys.versions,
                    self._keys.deliveries, self._keys.stats]
            with _as_unavailable():
                statuses = [s.decode() for s in self._submit(keys=keys, args=args)]
        except RedisUnavailable as error:
            raise RedisFull(str(error), accepted, every) from None
        submissions = [Submission(job_id, status) for job_id, status in zip(every, statuses,
                                                                             strict=True)]
        to_run = [s.id for s in submissions if s.status in ("new", "superseded")]
        sent, error = self._send_messages(to_run, taper=last)
        if error is not None:  # nothing the caller is told was refused may run
            refused = to_run[sent:]
            self._withdraw(refused)
            taken = [job_id for job_id in every if job_id not in set(refused)]
            raise RedisFull(error, accepted + taken, refused)
        return submissions

    def _check_memory(self) -> None:
        """Refuse new jobs above `submit_memory_share` of maxmemory: the rest is the room the
        jobs already accepted need to finish (their outcomes, the broker's bookkeeping)."""
        with _as_unavailable():
            memory = self._redis.info("memory")
        limit = int(memory.get("maxmemory", 0))
        used = int(memory.get("used_memory", 0))
        if limit and used > limit * self._settings.submit_memory_share:
            raise RedisUnavailable(f"Redis is full: {used // 2**20} MiB used of "
                                   f"{limit // 2**20} MiB maxmemory, new jobs wait")

    def _send_messages(self, job_ids: list[str], *, taper: bool) -> tuple[int, str | None]:
        """Send the task messages of `job_ids`; return how many jobs went out, and why the
        broker refused the rest (None if it took them all)."""
        sent = 0
        try:
            with self._app.producer_or_acquire() as producer:
                for size in _message_sizes(len(job_ids), self._settings.jobs_per_message,
                                           taper=taper):
                    send_jobs(self._app, job_ids[sent:sent + size], self._settings.queue,
                              producer=producer)
                    sent += size
        except (redis.RedisError, OperationalError, OSError) as error:
            return sent, describe_redis_error(error)
        return sent, None

    def _withdraw(self, job_ids: list[str]) -> None:
        """Take jobs whose messages could not be sent out of the ledger (deletes: allowed in
        a full Redis); if Redis is gone altogether, the sweeper will run them instead."""
        if not job_ids:
            return
        keys = self._keys
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.hdel(keys.jobs, *job_ids)
                pipe.hdel(keys.versions, *job_ids)
                pipe.zrem(keys.pending, *job_ids)
                pipe.hincrby(keys.stats, "submitted", -len(job_ids))
                pipe.execute()
        except redis.RedisError:
            pass


def send_jobs(app: Celery, job_ids: Sequence[str], queue: str, *, producer: Any = None) -> None:
    """One task message for these jobs, whose copies are in `cleaner:jobs` already.

    A pool process takes its next message only after acking the last one
    (prefetch 1): that handoff is paid once per message, not once per page.
    """
    first = job_ids[0]
    task_id = first if len(job_ids) == 1 else f"{first}+{len(job_ids) - 1}"
    app.send_task(TASK_NAME, args=task_args(list(job_ids)), task_id=task_id, queue=queue,
                  producer=producer)


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
