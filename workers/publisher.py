"""Where results go: idempotent publishing into Redis, and the worker's one round trip per job.

The ledger is the authority on what is still to do: a job is pending while it
is in `cleaner:pending`, with its message in `cleaner:jobs` and its page's
version in `cleaner:versions`. One Lua script, atomic in Redis, publishes:

    the job is no longer pending              -> a duplicate run: counted, nothing written
    the outcome answers an older version      -> superseded (a forced resubmission replaced
                                                 the page meanwhile): counted, nothing written
    a retryable failure of a stale run        -> stale (the job was started again since, by
                                                 another worker or the sweeper: that run
                                                 answers): counted, nothing written
    else: SET cleaner:doc:<id> EX ttl; XADD cleaner:results|failed; the job leaves the ledger

so a job run twice leaves one document and one stream entry, and its content
leaves Redis with its outcome. Trimming the streams never drops an entry a
registered consumer group has not read (`_TRIM_LUA`), up to the hard ceiling.

Redis's own errors are raised as `RedisUnavailable`, whose text never quotes a
command's arguments (redis-py's pipeline errors quote them: page content).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from workers.messages import RETRYABLE_REASONS, CleanedMessage, FailedMessage
from workers.settings import Keys, WorkerSettings

ResultMessage = CleanedMessage | FailedMessage
ScriptCall = tuple[Script, list[str], list[Any]]  # a Lua script, its KEYS, its ARGV
RATE_BUCKET_SECONDS = 10
RATE_BUCKET_TTL_SECONDS = 3600
TRIM_CHUNK = 100  # a stream is trimmed once it holds this many entries above its cap

# Compare two stream ids ("ms-seq") in Lua; trim a stream past its cap, but never
# past the oldest entry a consumer group still needs (pending, or not yet delivered).
# KEYS[1] stream; ARGV[1] cap. Runs in the publish script, after its XADD.
_TRIM_LUA = """
local function before(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
local function trim(stream, cap)
  if redis.call('XLEN', stream) <= cap + TRIM_CHUNK then return end
  local kept = redis.call('XRANGE', stream, '-', '+', 'COUNT', TRIM_CHUNK + 1)
  local cut = kept[#kept][1]   -- the oldest entry the cap keeps
  for _, group in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local info = {}
    for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
    local needed = info['last-delivered-id']
    if info['pending'] > 0 then needed = redis.call('XPENDING', stream, info['name'])[2] end
    if before(needed, cut) then cut = needed end
  end
  redis.call('XTRIM', stream, 'MINID', cut)
end
"""

_PUBLISH_LUA = _TRIM_LUA.replace("TRIM_CHUNK", str(TRIM_CHUNK)) + """
local id = ARGV[1]
if ARGV[10] == '1' then  -- refused before the ledger (an inbox entry): its id is its own
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
elseif not redis.call('ZSCORE', KEYS[3], id) then  -- not pending: it has its outcome already
  redis.call('HINCRBY', KEYS[5], 'duplicate', 1)
  return 0
end
local current = redis.call('HGET', KEYS[8], id)
if current and ARGV[7] ~= '' and current ~= ARGV[7] then
  redis.call('HINCRBY', KEYS[5], 'superseded', 1)
  return 0
end
if ARGV[8] ~= '' and tonumber(redis.call('ZSCORE', KEYS[3], id)) > tonumber(ARGV[8]) then
  redis.call('HINCRBY', KEYS[5], 'stale', 1)
  return 0
end
-- Deletes first: they free the page's copy, and a script that has written is never
-- refused for a full Redis, so a job once accepted can always publish its outcome.
redis.call('ZREM', KEYS[3], id)
redis.call('HDEL', KEYS[4], id)
redis.call('HDEL', KEYS[7], id)
redis.call('HDEL', KEYS[8], id)
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
local fields = {unpack(ARGV, 11)}
table.insert(fields, 'data')
table.insert(fields, ARGV[2])  -- the message crosses the wire once, for both SET and XADD
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[9], '*', unpack(fields))  -- the ceiling
trim(KEYS[2], tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[5], ARGV[5], 1)
redis.call('INCR', KEYS[6])
redis.call('EXPIRE', KEYS[6], ARGV[6])
return 1
"""

# Sent before each run (its reply is read after it: `advance`). A job no longer
# pending (finished, or a leftover message) is not started: counted as a
# duplicate. Otherwise the delivery is counted and the start stamped (a sign of
# life: the sweeper measures its deadline from it). Returns the count, or 0.
_START_LUA = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('HINCRBY', KEYS[3], 'duplicate', 1)
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
"""


class RedisUnavailable(Exception):
    """Redis refused or did not answer (down, stalled, full): an infrastructure error.

    Never a fact about a page: the job stays in the ledger and runs again."""


def describe_redis_error(error: BaseException) -> str:
    """`ResponseError: OOM command not allowed ...`, without the command's arguments."""
    text = str(error).split("caused error: ", 1)[-1].splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__


@dataclass(frozen=True, slots=True)
class StoredJob:
    """A job as read from the ledger ahead of its run."""

    message: str | None  # the job message (cleaner:jobs); None if there is none
    version: str | None  # its page's version (cleaner:versions)
    deliveries: int  # starts counted so far
    pending: bool  # False: it has its outcome already (or was never submitted): skip it
    queued_at: float | None = None  # its ledger score when read: submitted, or last started


class RoundTrip:
    """One `advance` round trip: written to a pooled connection now, its replies read by `wait`.

    The connection stays out of the pool until then, so nothing else reads its
    replies. Scripts Redis lost (a restart) are loaded and the round trip sent
    again at `wait`: none of them ran, and both are safe to run late."""

    def __init__(self, publisher: RedisPublisher, calls: list[ScriptCall],
                 read: str | None, *, started_at: float | None = None) -> None:
        self._publisher, self._calls, self._read = publisher, calls, read
        self.started_at = started_at  # the time a start in it stamps on its job
        commands = [("EVALSHA", script.sha, len(keys), *keys, *args)
                    for script, keys, args in calls]
        if read is not None:
            commands += publisher.read_commands(read)
        self._count = len(commands)
        self.script_replies: list[Any] = []  # each script's reply, once `wait` has read them
        self._pool = publisher.client.connection_pool
        with _as_unavailable():
            self._connection = self._pool.get_connection()
        try:
            with _as_unavailable():
                self._connection.send_packed_command(self._connection.pack_commands(commands))
        except BaseException:
            self._release(broken=True)
            raise

    def wait(self) -> StoredJob | None:
        """The read job, or None if none was asked for. RedisUnavailable if Redis failed."""
        replies: list[Any] = []
        try:
            with _as_unavailable():
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
            self._publisher.load_scripts(self._calls)
            again = RoundTrip(self._publisher, self._calls, self._read,
                              started_at=self.started_at)
            stored = again.wait()
            self.script_replies = again.script_replies
            return stored
        if errors := [reply for reply in replies if isinstance(reply, redis.ResponseError)]:
            raise RedisUnavailable(describe_redis_error(errors[0]))
        self.script_replies = replies[:len(self._calls)]
        return _stored_job(replies[len(self._calls):]) if self._read is not None else None

    def _release(self, *, broken: bool) -> None:
        if broken:  # replies may be left unread on it: never hand it out again as it is
            self._connection.disconnect()
        self._pool.release(self._connection)


class RedisPublisher:
    """Results in Redis: `cleaner:doc:<id>` + the results or failed stream."""

    def __init__(self, client: redis.Redis, settings: WorkerSettings) -> None:
        self.client = client
        self._keys = settings.keys
        self._settings = settings
        self._publish = client.register_script(_PUBLISH_LUA)
        self._start = client.register_script(_START_LUA)
        self._loaded = False  # the scripts are in Redis (loaded again if a restart lost them)

    def publish(self, message: ResultMessage, *, started_at: float | None = None,
                outside_ledger: bool = False) -> bool:
        """Store and announce the job's outcome; False if it was not the one to publish.

        `outside_ledger`: a refusal of something that never became a job (an inbox
        entry with a bad id), published under its own, unique id."""
        self._load_once()
        calls = [self._publish_call(message, started_at, outside_ledger=outside_ledger)]
        trip = RoundTrip(self, calls, None)
        trip.wait()
        return bool(trip.script_replies[0])

    def advance(self, outcome: ResultMessage | None = None, *, started_at: float | None = None,
                start: str | None = None, read: str | None = None) -> RoundTrip:
        """In one round trip, each if given: publish `outcome` (the job that just ran, its
        run started at `started_at`), start `start` (count its delivery: the job about to
        run) and read `read` from the ledger (the job after it). Sent now, read by `wait()`:
        the worker cleans the `start` page meanwhile, so Redis's time is off its path."""
        self._load_once()
        calls = [] if outcome is None else [self._publish_call(outcome, started_at)]
        now = time.time()
        if start is not None:
            calls.append(self._start_call(start, now))
        return RoundTrip(self, calls, read, started_at=now)

    def pending_among(self, job_ids: Sequence[str]) -> list[str]:
        """Those of the jobs still in the ledger, in their order."""
        with _as_unavailable():
            scores = self.client.zmscore(self._keys.pending, list(job_ids))
        return [job_id for job_id, score in zip(job_ids, scores, strict=True) if score is not None]

    def stored_message(self, job_id: str) -> str | None:
        with _as_unavailable():
            message = self.client.hget(self._keys.jobs, job_id)
        return message.decode() if isinstance(message, bytes) else message

    def read_commands(self, job_id: str) -> list[tuple[Any, ...]]:
        keys = self._keys
        return [("ZSCORE", keys.pending, job_id), ("HGET", keys.deliveries, job_id),
                ("HGET", keys.jobs, job_id), ("HGET", keys.versions, job_id)]

    def load_scripts(self, calls: list[ScriptCall]) -> None:
        with _as_unavailable():
            for script, _, _ in calls:
                self.client.script_load(script.script)

    def _load_once(self) -> None:
        """Load the scripts before the first round trip: an EVALSHA that finds no script is
        sent again at `wait`, after the page, so a first start would count too late."""
        if not self._loaded:
            with _as_unavailable():
                for script in (self._publish, self._start):
                    self.client.script_load(script.script)
            self._loaded = True

    def _start_call(self, job_id: str, now: float) -> ScriptCall:
        keys = self._keys
        return self._start, [keys.pending, keys.deliveries, keys.stats], [job_id, repr(now)]

    def _publish_call(self, message: ResultMessage, started_at: float | None, *,
                      outside_ledger: bool = False) -> ScriptCall:
        keys, settings = self._keys, self._settings
        payload = message.model_dump_json(exclude_none=True)
        if isinstance(message, CleanedMessage):
            stream, maxlen, counter = keys.results, settings.results_maxlen, "cleaned"
            fields = ["id", message.id, "status", "cleaned"]
        else:
            stream, maxlen, counter = keys.failed, settings.failed_maxlen, "failed"
            fields = ["id", message.id, "status", "failed", "reason", message.reason.value,
                      "detail", message.detail[:500]]
        # only a retryable failure yields to a later delivery: a page's own answer stands
        yields = isinstance(message, FailedMessage) and message.reason in RETRYABLE_REASONS
        bucket = keys.rate(int(time.time()) // RATE_BUCKET_SECONDS)
        script_keys = [keys.doc(message.id), stream, keys.pending, keys.deliveries, keys.stats,
                       bucket, keys.jobs, keys.versions]
        args: list[str | int | float] = [
            message.id, payload, settings.doc_ttl_seconds, maxlen, counter,
            RATE_BUCKET_TTL_SECONDS, message.version or "",
            repr(started_at) if yields and started_at is not None else "",
            settings.streams_ceiling, "1" if outside_ledger else "0", *fields]
        return self._publish, script_keys, args


def _stored_job(replies: list[Any]) -> StoredJob:
    score, deliveries, message, version = (
        reply.decode() if isinstance(reply, bytes) else reply for reply in replies)
    return StoredJob(message=message, version=version, deliveries=int(deliveries or 0),
                     pending=score is not None,
                     queued_at=None if score is None else float(score))


class _as_unavailable:  # noqa: N801  # used as `with _as_unavailable():`
    """Turn a Redis error into RedisUnavailable, its arguments left out."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 _tb: object) -> bool:
        if error is not None and isinstance(error, redis.RedisError | OSError):
            raise RedisUnavailable(describe_redis_error(error)) from None
        return False


def connect(url: str) -> redis.Redis:
    """A client for the service's Redis, with timeouts so a dead server is an error, not a hang."""
    return redis.Redis.from_url(
        url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30
    )


__all__ = ["Keys", "RedisPublisher", "RedisUnavailable", "RoundTrip", "StoredJob", "connect"]
