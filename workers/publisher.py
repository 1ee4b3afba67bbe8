"""Where results go: a Protocol, the Redis implementation, and an in-memory twin for tests.

Publishing is idempotent by job id. One Lua script, atomic in Redis, does:

    SET  cleaner:doc:<id> <message> NX EX <ttl>     the first outcome wins
    XADD cleaner:results|failed MAXLEN ~ N ...      only if that SET happened
    ZREM cleaner:pending <id>; HDEL cleaner:deliveries|jobs <id>   the job left the ledger
    HINCRBY cleaner:stats cleaned|failed|duplicate 1; INCR cleaner:rate:<10 s bucket>

so a job run twice (a redelivery after a crash, a resubmission) leaves one
document and one stream entry. The window is the doc key's TTL: after it
expires, the same job id is new again.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from workers.messages import CleanedMessage, FailedMessage
from workers.settings import Keys, WorkerSettings

ResultMessage = CleanedMessage | FailedMessage
ScriptCall = tuple[Script, list[str], list[Any]]  # a Lua script, its KEYS, its ARGV
RATE_BUCKET_SECONDS = 10
RATE_BUCKET_TTL_SECONDS = 3600

_PUBLISH_LUA = """
local first = redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[7], ARGV[1])
if not first then
  redis.call('HINCRBY', KEYS[5], 'duplicate', 1)
  return 0
end
local fields = {unpack(ARGV, 7)}
table.insert(fields, 'data')
table.insert(fields, ARGV[2])  -- the message crosses the wire once, for both SET and XADD
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
redis.call('HINCRBY', KEYS[5], ARGV[5], 1)
redis.call('INCR', KEYS[6])
redis.call('EXPIRE', KEYS[6], ARGV[6])
return 1
"""

# Sent before each run (its reply is read after it: `settle`). A job that already
# has an outcome (a leftover copy after a crash or a sweep) is settled without
# running again: for a page that kills its worker, that is one kill less. Otherwise
# the delivery is counted and the start stamped (a sign of life: the sweeper
# measures its deadline from it). Returns the count, or 0 for a job settled instead.
_BEGIN_DELIVERY_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[5], ARGV[1])
  redis.call('HINCRBY', KEYS[4], 'duplicate', 1)
  return 0
end
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
return redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    count: int  # deliveries of this job so far, this one included
    job: str | None  # the job's stored copy; None if there is none


@dataclass(frozen=True, slots=True)
class Copy:
    """A job as read ahead of its run: its stored copy and the deliveries counted so far."""

    job: str | None  # the producer's copy (cleaner:jobs); None if there is none
    deliveries: int
    finished: bool  # it has an outcome already: settle it, do not run it


class Settling(Protocol):
    """A `settle` round trip in flight; `wait` reads its replies (or raises its error)."""

    def wait(self) -> Copy | None:
        """The look-ahead job's Copy, or None if there was none to read."""
        ...


class ResultPublisher(Protocol):
    """What the task needs from a result store."""

    def begin_delivery(self, job_id: str) -> Delivery | None:
        """Count one more delivery of the job; return the count and the job's stored copy.
        None (and the ledger cleared) if the job already has an outcome."""
        ...

    def stored_job(self, job_id: str) -> str | None:
        """The job's stored copy, while it has no outcome."""
        ...

    def without_outcome(self, job_ids: Sequence[str]) -> list[str]:
        """Those of the jobs that have no outcome yet, in their order."""
        ...

    def publish(self, message: ResultMessage) -> bool:
        """Store and announce the job's outcome; False if it already had one."""
        ...

    def settle(self, message: ResultMessage | None = None, *, begin: str | None = None,
               look_ahead: str | None = None) -> Settling:
        """In one round trip, each if given: publish `message` (the job that just ran),
        count a delivery of `begin` (the job about to run) and read `look_ahead`'s Copy
        (the job after it). Sent at once, read by `wait()`: a worker sends it, cleans
        the `begin` page meanwhile, then waits, so Redis's time is off the page's path."""
        ...


class RedisPublisher:
    """Results in Redis: `cleaner:doc:<id>` + the results or failed stream."""

    def __init__(self, client: redis.Redis, settings: WorkerSettings) -> None:
        self._redis = client
        self._keys = settings.keys
        self._settings = settings
        self._publish = client.register_script(_PUBLISH_LUA)
        self._begin_delivery = client.register_script(_BEGIN_DELIVERY_LUA)

    def begin_delivery(self, job_id: str) -> Delivery | None:
        copy = self.settle(begin=job_id, look_ahead=job_id).wait()
        return None if copy is None or copy.finished else Delivery(copy.deliveries, copy.job)

    def stored_job(self, job_id: str) -> str | None:
        job = self._redis.hget(self._keys.jobs, job_id)
        return job.decode() if isinstance(job, bytes) else job

    def without_outcome(self, job_ids: Sequence[str]) -> list[str]:
        with self._redis.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.exists(self._keys.doc(job_id))
            done = pipe.execute()
        return [job_id for job_id, exists in zip(job_ids, done, strict=True) if not exists]

    def publish(self, message: ResultMessage) -> bool:
        return bool(self._run([self._publish_call(message)])[0])

    def settle(self, message: ResultMessage | None = None, *, begin: str | None = None,
               look_ahead: str | None = None) -> Settling:
        calls = [self._publish_call(message)] if message is not None else []
        if begin is not None:
            calls.append(self._begin_call(begin))
        return _InFlight(self, calls, look_ahead)

    def _begin_call(self, job_id: str) -> ScriptCall:
        keys = self._keys
        script_keys = [keys.doc(job_id), keys.pending, keys.deliveries, keys.stats, keys.jobs]
        return self._begin_delivery, script_keys, [job_id, time.time()]

    def _publish_call(self, message: ResultMessage) -> ScriptCall:
        keys, payload = self._keys, message.model_dump_json(exclude_none=True)
        if isinstance(message, CleanedMessage):
            stream, maxlen, counter = keys.results, self._settings.results_maxlen, "cleaned"
            fields = ["id", message.id, "status", "cleaned"]
        else:
            stream, maxlen, counter = keys.failed, self._settings.failed_maxlen, "failed"
            fields = ["id", message.id, "status", "failed", "reason", message.reason.value,
                      "detail", message.detail[:500]]
        bucket = keys.rate(int(time.time()) // RATE_BUCKET_SECONDS)
        script_keys = [keys.doc(message.id), stream, keys.pending, keys.deliveries, keys.stats,
                       bucket, keys.jobs]
        ttl = self._settings.doc_ttl_seconds
        args: list[str | int | float] = [message.id, payload, ttl, maxlen, counter,
                                         RATE_BUCKET_TTL_SECONDS, *fields]
        return self._publish, script_keys, args

    def _copy_commands(self, job_id: str) -> list[tuple[Any, ...]]:
        keys = self._keys
        return [("EXISTS", keys.doc(job_id)), ("HGET", keys.deliveries, job_id),
                ("HGET", keys.jobs, job_id)]

    def _run(self, calls: list[ScriptCall]) -> list[Any]:
        try:
            return self._evalsha(calls)
        except NoScriptError:  # Redis restarted without our scripts: load them, run again
            self._load_scripts(calls)
            return self._evalsha(calls)

    def _load_scripts(self, calls: list[ScriptCall]) -> None:
        for script, _, _ in calls:
            self._redis.script_load(script.script)

    def _evalsha(self, calls: list[ScriptCall]) -> list[Any]:
        """The calls in one round trip. Both scripts are safe to run again after a failure."""
        with self._redis.pipeline(transaction=False) as pipe:
            for script, keys, args in calls:
                pipe.evalsha(script.sha, len(keys), *keys, *args)
            return cast(list[Any], pipe.execute())


class _InFlight:
    """A settle round trip: written to a pooled connection now, its replies read by `wait`.

    The connection stays out of the pool until then, so nothing else reads its
    replies. Scripts Redis lost (a restart) are loaded and the round trip sent
    again at `wait`: none of them ran, and both are safe to run late."""

    def __init__(self, publisher: RedisPublisher, calls: list[ScriptCall],
                 look_ahead: str | None) -> None:
        self._publisher, self._calls = publisher, calls
        commands = [("EVALSHA", script.sha, len(keys), *keys, *args)
                    for script, keys, args in calls]
        if look_ahead is not None:
            commands += publisher._copy_commands(look_ahead)
        self._count, self._look_ahead = len(commands), look_ahead
        self._pool = publisher._redis.connection_pool
        self._connection = self._pool.get_connection()
        try:
            self._connection.send_packed_command(self._connection.pack_commands(commands))
        except BaseException:
            self._release(broken=True)
            raise

    def wait(self) -> Copy | None:
        replies: list[Any] = []
        try:
            for _ in range(self._count):
                try:
                    replies.append(self._connection.read_response())
                except redis.ResponseError as error:  # one command's error: read the rest
                    replies.append(error)
        except BaseException:
            self._release(broken=True)
            raise
        self._release(broken=False)
        if any(isinstance(reply, NoScriptError) for reply in replies):
            self._publisher._load_scripts(self._calls)
            return _InFlight(self._publisher, self._calls, self._look_ahead).wait()
        if errors := [reply for reply in replies if isinstance(reply, redis.ResponseError)]:
            raise errors[0]
        return _copy(replies[len(self._calls):]) if self._look_ahead is not None else None

    def _release(self, *, broken: bool) -> None:
        if broken:  # replies may be left unread on it: never hand it out again as it is
            self._connection.disconnect()
        self._pool.release(self._connection)


def _copy(replies: list[Any]) -> Copy:
    exists, deliveries, job = replies
    if isinstance(job, bytes):
        job = job.decode()
    return Copy(job=job, deliveries=int(deliveries or 0), finished=bool(exists))


@dataclass(frozen=True, slots=True)
class _Settled:
    """The in-memory twin's settle: done at once."""

    copy: Copy | None

    def wait(self) -> Copy | None:
        return self.copy


@dataclass
class InMemoryPublisher:
    """The Redis publisher's twin for unit tests: same idempotency, plain containers."""

    documents: dict[str, ResultMessage] = field(default_factory=dict)
    results: list[CleanedMessage] = field(default_factory=list)
    failed: list[FailedMessage] = field(default_factory=list)
    deliveries: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, str] = field(default_factory=dict)  # stored copies, as cleaner:jobs
    duplicates: int = 0

    def begin_delivery(self, job_id: str) -> Delivery | None:
        if job_id in self.documents:
            self.deliveries.pop(job_id, None)
            self.jobs.pop(job_id, None)
            self.duplicates += 1
            return None
        self.deliveries[job_id] = self.deliveries.get(job_id, 0) + 1
        return Delivery(self.deliveries[job_id], self.jobs.get(job_id))

    def stored_job(self, job_id: str) -> str | None:
        return self.jobs.get(job_id)

    def without_outcome(self, job_ids: Sequence[str]) -> list[str]:
        return [job_id for job_id in job_ids if job_id not in self.documents]

    def settle(self, message: ResultMessage | None = None, *, begin: str | None = None,
               look_ahead: str | None = None) -> Settling:
        if message is not None:
            self.publish(message)
        if begin is not None:
            self.begin_delivery(begin)
        if look_ahead is None:
            return _Settled(None)
        return _Settled(Copy(self.jobs.get(look_ahead), self.deliveries.get(look_ahead, 0),
                             finished=look_ahead in self.documents))

    def publish(self, message: ResultMessage) -> bool:
        self.deliveries.pop(message.id, None)
        self.jobs.pop(message.id, None)
        if message.id in self.documents:
            self.duplicates += 1
            return False
        self.documents[message.id] = message
        if isinstance(message, CleanedMessage):
            self.results.append(message)
        else:
            self.failed.append(message)
        return True


def connect(url: str) -> redis.Redis:
    """A client for the service's Redis, with timeouts so a dead server is an error, not a hang."""
    return redis.Redis.from_url(
        url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30
    )


__all__ = ["Copy", "Delivery", "InMemoryPublisher", "Keys", "RedisPublisher", "ResultPublisher",
           "Settling", "connect"]
