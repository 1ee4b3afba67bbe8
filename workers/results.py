"""Reading the service's state back out of Redis: outcomes, streams, the ledger, counters.

What `cleaner results ...` shows, and what a sweeper or a dashboard reads.
Needs only redis (no `cleaner`), like the producer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, cast

import redis

from workers.messages import RETRYABLE_REASONS, FailedMessage, FailReason, decode_result
from workers.metrics import percentile, worker_key, workers_key
from workers.publisher import RATE_BUCKET_SECONDS, ResultMessage
from workers.settings import WorkerSettings

# redis-py types replies as unions of every protocol's shapes; these are ours (RESP2, bytes)
StreamEntries = list[tuple[bytes, dict[bytes, bytes]]]
RATE_WINDOW_BUCKETS = 6  # the rate is over the last minute of finished jobs, this 10 s included
SCAN_CHUNK = 200  # entries per call: a failed entry keeps its job (up to 512 KB)
QUANTILES = (0.5, 0.9, 0.99)
LABEL = 12  # the width of the label column of `cleaner results stats`

# A server-side scan of a stream, newest first, SCAN_CHUNK entries per call (each call is
# short, so Redis serves others in between; only what matched crosses the wire). KEYS[1] the
# stream; ARGV: start id (exclusive after the first call), count, mode, needle. Mode `find`:
# the ids of the entries whose `data` holds the needle; `count`: reason, n, reason, n, ...
_SCAN_LUA = """
local entries = redis.call('XREVRANGE', KEYS[1], ARGV[1], '-', 'COUNT', ARGV[2])
local mode, needle, out, counts = ARGV[3], ARGV[4], {}, {}
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    local name, value = fields[i], fields[i + 1]
    if mode == 'find' and name == 'data' and string.find(value, needle, 1, true) then
      table.insert(out, entry[1])
    elseif mode == 'count' and name == 'reason' then
      counts[value] = (counts[value] or 0) + 1
    end
  end
end
for reason, n in pairs(counts) do table.insert(out, reason); table.insert(out, n) end
local last = entries[#entries]
return {last and last[1] or '', out}
"""


class UnreadableResult(Exception):
    """A stored outcome this version cannot read (written by another version, or damaged).

    Stream readers hand it back in the place of the entry, so a listing goes on past it;
    `get` raises it."""

    def __init__(self, where: str, error: Exception) -> None:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        super().__init__(f"{where} cannot be read by this version: {reason[:200]}")
        self.where = where


Entry = tuple[str, "ResultMessage | UnreadableResult"]


class Resubmitter(Protocol):
    """What retry-failed needs of a producer (CleanerClient)."""

    def submit_raw(self, payload: str, job_id: str | None = None) -> str: ...


@dataclass(frozen=True, slots=True)
class WorkerStats:
    """One worker's counts since it was first seen under its name (workers/metrics.py)."""

    name: str
    cleaned: int
    failed: dict[str, int]  # by reason
    seen_s_ago: float

    def line(self) -> str:
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(self.failed.items(), key=_by_count))
        failed = sum(self.failed.values())
        return (f"{self.name}: {self.cleaned} cleaned, {failed} failed"
                + (f" ({reasons})" if reasons else "") + f"; seen {self.seen_s_ago:.0f} s ago")


@dataclass(frozen=True, slots=True)
class Stats:
    """The service's state. Job figures count jobs (one outcome each), not runs."""

    submitted: int  # submissions (a resubmission by retry-failed or the sweeper counts again)
    cleaned: int  # jobs with a document (a forced resubmission's new one replaces the old)
    failed: int  # jobs whose outcome is a failure (a retried or replaced one counts once)
    duplicate: int  # runs of a job that already had an outcome (redelivery, resubmission)
    recovered: int  # lost jobs the sweeper resubmitted (workers/sweeper.py)
    retried: int  # failed jobs resubmitted by retry-failed
    in_flight: int  # job ids submitted with no outcome yet (the ledger, cleaner:pending)
    queued: int  # task messages waiting in the Celery queue (up to jobs_per_message jobs each)
    inbox: int  # entries waiting in the plain-Redis inbox
    oldest_in_flight_s: float | None
    rate_per_s: float  # jobs finished per second over the last minute, this moment included
    rate_window_s: float
    failed_by_reason: dict[str, int] = field(default_factory=dict)  # the failed stream's entries
    latency_s: dict[str, float] = field(default_factory=dict)  # "end_to_end_p50": 0.4, ...
    workers: list[WorkerStats] = field(default_factory=list)
    other_counters: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # consumer groups that lag, by name

    def lines(self) -> list[str]:
        oldest = "-" if self.oldest_in_flight_s is None else f"{self.oldest_in_flight_s:.0f} s"
        reasons = ", ".join(f"{reason} {n}" for reason, n in
                            sorted(self.failed_by_reason.items(), key=_by_count))
        rows = [
            ("submitted", f"{self.submitted}"), ("cleaned", f"{self.cleaned}"),
            ("failed", f"{self.failed}" + (f" ({reasons})" if reasons else "")),
            ("in flight", f"{self.in_flight} (oldest {oldest})"),
            ("rate", f"{self.rate_per_s:.1f} jobs/s (last {self.rate_window_s:.0f} s)"),
            ("latency", self._latency() or "- (no worker has reported yet)"),
            ("queued", f"{self.queued} messages"), ("inbox", f"{self.inbox}"),
            ("duplicate", f"{self.duplicate}"), ("recovered", f"{self.recovered}"),
            ("retried", f"{self.retried}"),
            *((name, f"{n}") for name, n in sorted(self.other_counters.items())),
        ]
        lines = [f"{label:<{LABEL - 1}} {value}" for label, value in rows]
        lines += [f"{'worker' if n == 0 else '':<{LABEL - 1}} {worker.line()}"
                  for n, worker in enumerate(self.workers)]
        lines += [f"{'warning':<{LABEL - 1}} {warning}" for warning in self.warnings]
        return lines

    def _latency(self) -> str:
        parts = []
        for kind, label in (("end_to_end", "end to end"), ("clean", "cleaning")):
            figures = [f"p{round(q * 100)} {self.latency_s[f'{kind}_p{round(q * 100)}']:.2f} s"
                       for q in QUANTILES if f"{kind}_p{round(q * 100)}" in self.latency_s]
            if figures:
                parts.append(f"{label} " + ", ".join(figures))
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def lagging_groups(client: redis.Redis, settings: WorkerSettings) -> list[str]:
    """A warning per consumer group that holds a stream's oldest entry past its cap.

    Trimming keeps what a group has not read (workers/publisher.py), so such a
    stream grows towards `streams_ceiling`, where entries are dropped unread."""
    warnings = []
    for stream, cap in ((settings.keys.results, settings.results_maxlen),
                        (settings.keys.failed, settings.failed_maxlen)):
        length = client.xlen(stream)
        if length <= cap:
            continue
        oldest = cast(list[tuple[bytes, Any]], client.xrange(stream, count=1))
        for group in cast(list[dict[str, Any]], client.xinfo_groups(stream)):
            needed = group["last-delivered-id"]
            if group["pending"]:
                needed = client.xpending(stream, group["name"])["min"]
            if oldest and _stream_id(needed) <= _stream_id(oldest[0][0]):
                name = group["name"].decode() if isinstance(group["name"], bytes) else group["name"]
                warnings.append(
                    f"consumer group {name!r} lags on {stream}: it holds {length} entries "
                    f"(cap {cap}); past {settings.streams_ceiling} they are dropped unread")
    return warnings


def _stream_id(entry_id: bytes | str) -> tuple[int, int]:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


class ResultStore:
    def __init__(self, client: redis.Redis, settings: WorkerSettings) -> None:
        self._redis = client
        self._settings = settings
        self._keys = settings.keys
        self._scan_script = client.register_script(_SCAN_LUA)

    @property
    def redis(self) -> redis.Redis:
        """The client it reads with (for readers of other keys: `results duplicates`)."""
        return self._redis

    def get(self, job_id: str) -> ResultMessage | None:
        """The job's outcome, None if it has none; UnreadableResult if it cannot be read."""
        payload = self._redis.get(self._keys.doc(job_id))
        if payload is None:
            return None
        try:
            return decode_result(payload)
        except (ValueError, RecursionError) as error:  # pydantic's ValidationError included
            raise UnreadableResult(f"the outcome of {job_id}", error) from None

    def outcomes(self, job_ids: list[str]) -> dict[str, ResultMessage]:
        """The outcomes that exist among `job_ids`, in one round trip."""
        payloads = self._redis.mget([self._keys.doc(job_id) for job_id in job_ids])
        return {job_id: decode_result(p) for job_id, p in zip(job_ids, payloads, strict=True) if p}

    def tail(self, count: int, *, failed: bool = False) -> list[Entry]:
        """The last `count` entries of the results (or failed) stream, oldest first."""
        stream = self._keys.failed if failed else self._keys.results
        entries = cast(StreamEntries, self._redis.xrevrange(stream, count=count))
        return [_entry(entry_id, fields) for entry_id, fields in reversed(entries)]

    def follow(self, after: str = "$", block_ms: int = 5000) -> Iterator[Entry]:
        """New results as they are published (XREAD BLOCK), forever."""
        while True:
            reply = self._redis.xread({self._keys.results: after}, block=block_ms, count=100)
            for _stream, entries in cast(list[tuple[bytes, StreamEntries]], reply or []):
                for entry_id, fields in entries:
                    after = entry_id.decode()
                    yield _entry(entry_id, fields)

    def find_by_url(self, url: str, limit: int = 20) -> list[ResultMessage]:
        """The outcomes whose job had this URL, newest first, from both streams.

        Redis scans the streams' entries (SCAN_CHUNK per call) for the URL as the
        messages spell it; only the matches cross the wire, and each is checked."""
        needle = '"url":' + json.dumps(url, ensure_ascii=False, separators=(",", ":"))
        found: list[tuple[str, ResultMessage]] = []
        for stream in (self._keys.results, self._keys.failed):
            for entry_id in (raw.decode() for chunk in self._scan(stream, "find", needle)
                             for raw in chunk):
                entries = cast(StreamEntries, self._redis.xrange(stream, entry_id, entry_id))
                for raw_id, fields in entries:
                    entry, message = _entry(raw_id, fields)
                    if isinstance(message, UnreadableResult):
                        continue
                    document = getattr(message, "document", {})
                    if url in (message.url, document.get("url")):
                        found.append((entry, message))
                if len(found) >= limit:
                    break
        found.sort(key=lambda item: _entry_order(item[0]), reverse=True)
        return [message for _entry_id, message in found[:limit]]

    def failed_by_reason(self) -> dict[str, int]:
        """The failed stream's entries (one per failed job) counted by reason, in Redis."""
        counts: dict[str, int] = {}
        for chunk in self._scan(self._keys.failed, "count"):
            for reason, n in zip(chunk[::2], chunk[1::2], strict=True):
                counts[reason.decode()] = counts.get(reason.decode(), 0) + int(n)
        return counts

    def _scan(self, stream: str, mode: str, needle: str = "") -> Iterator[list[bytes]]:
        """What _SCAN_LUA gives back, chunk after chunk, from the newest entry to the oldest."""
        start = "+"
        while True:
            last, out = self._scan_script(keys=[stream], args=[start, SCAN_CHUNK, mode, needle])
            yield out
            if not last:
                return
            start = "(" + last.decode()

    def finished(self) -> int:
        """Jobs finished so far (cleaned + failed + duplicate): one cheap HMGET."""
        counts = self._redis.hmget(self._keys.stats, ["cleaned", "failed", "duplicate"])
        return sum(int(n or 0) for n in counts)

    def stats(self) -> Stats:
        keys, now = self._keys, time.time()
        bucket_now = int(now) // RATE_BUCKET_SECONDS
        buckets = [keys.rate(bucket_now - back) for back in range(RATE_WINDOW_BUCKETS)]
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.stats)
            pipe.zcard(keys.pending)
            pipe.llen(self._settings.queue)
            pipe.xlen(keys.inbox)
            pipe.zrange(keys.pending, 0, 0, withscores=True)
            pipe.mget(buckets)
            pipe.hgetall(workers_key(keys))
            counters, in_flight, queued, inbox, oldest, finished, seen = pipe.execute()
        count = {k.decode(): int(float(v)) for k, v in counters.items()}
        workers, histograms = self._workers(seen, now)
        window_s = (RATE_WINDOW_BUCKETS - 1) * RATE_BUCKET_SECONDS + now % RATE_BUCKET_SECONDS
        shown = {"submitted", "cleaned", "failed", "duplicate", "recovered", "retried",
                 "replaced:cleaned", "replaced:failed"}
        # an outcome replaced by a forced resubmission or a retry is the same job's: once
        cleaned = count.get("cleaned", 0) - count.get("replaced:cleaned", 0)
        failed = (count.get("failed", 0) - count.get("replaced:failed", 0)
                  - count.get("retried", 0))
        return Stats(
            submitted=count.get("submitted", 0), cleaned=cleaned, failed=failed,
            duplicate=count.get("duplicate", 0), recovered=count.get("recovered", 0),
            retried=count.get("retried", 0),
            in_flight=in_flight, queued=queued, inbox=inbox,
            oldest_in_flight_s=now - oldest[0][1] if oldest else None,
            rate_per_s=sum(int(n or 0) for n in finished) / window_s, rate_window_s=window_s,
            failed_by_reason=self.failed_by_reason(), latency_s=_latencies(histograms),
            workers=workers,
            other_counters={k: v for k, v in count.items() if k not in shown},
            warnings=lagging_groups(self._redis, self._settings),
        )

    def _workers(self, seen: dict[bytes, bytes], now: float
                 ) -> tuple[list[WorkerStats], dict[str, dict[float, float]]]:
        """Each worker's counts (workers/metrics.py), and their histograms summed."""
        names = sorted(name.decode() for name in seen)
        with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(worker_key(self._keys, name))
            hashes = pipe.execute()
        workers: list[WorkerStats] = []
        histograms: dict[str, dict[float, float]] = {"clean": {}, "end_to_end": {}}
        for name, raw in zip(names, hashes, strict=True):
            values = {k.decode(): float(v) for k, v in raw.items()}
            failed = {k.removeprefix("failed:"): round(v) for k, v in values.items()
                      if k.startswith("failed:") and round(v)}
            workers.append(WorkerStats(name, round(values.get("cleaned", 0)), failed,
                                       now - float(seen[name.encode()])))
            for key, value in values.items():
                kind, _, bound = key.partition(":")
                target = {"clean": "clean", "latency": "end_to_end"}.get(kind)
                if target and bound != "sum":
                    bucket = histograms[target]
                    bucket[float(bound)] = bucket.get(float(bound), 0.0) + value
        return workers, histograms


    def retry_failed(self, producer: Resubmitter,
                     reasons: Iterable[FailReason]) -> list[FailedMessage]:
        """Resubmit failed jobs with one of `reasons`; return the failures retried.

        Per job: delete its failed outcome (so the new run may publish), submit
        the stored job, count it as `retried` (its new outcome replaces the old
        one in the job counts), then drop its failed entry. A crash midway
        leaves the entry in the failed stream, so running this again finishes.
        """
        wanted, retried = set(reasons), []
        for entry_id, message in self._iter_failed():
            if message.reason not in wanted or message.job is None:
                continue
            doc_key = self._keys.doc(message.id)
            if self._failed_outcome(message.id):
                self._redis.delete(doc_key)
            producer.submit_raw(message.job, message.id)
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.hincrby(self._keys.stats, "retried", 1)
                pipe.xdel(self._keys.failed, entry_id)
                pipe.execute()
            retried.append(message)
        return retried

    def _failed_outcome(self, job_id: str) -> bool:
        """Whether the job's current outcome is a failure (one it cannot read is left alone)."""
        try:
            current = self.get(job_id)
        except UnreadableResult:
            return False
        return current is not None and current.status == "failed"

    def _iter_failed(self) -> Iterator[tuple[str, FailedMessage]]:
        """The failed entries present now; not those added while iterating (by our retries)."""
        newest = cast(StreamEntries, self._redis.xrevrange(self._keys.failed, count=1))
        if not newest:
            return
        start, end = "-", newest[0][0].decode()
        while entries := cast(StreamEntries, self._redis.xrange(
                self._keys.failed, min=start, max=end, count=SCAN_CHUNK)):
            for entry_id, fields in entries:
                entry, message = _entry(entry_id, fields)
                if isinstance(message, FailedMessage):
                    yield entry, message
            start = "(" + entries[-1][0].decode()


def _latencies(histograms: dict[str, dict[float, float]]) -> dict[str, float]:
    figures = {}
    for kind, buckets in histograms.items():
        for q in QUANTILES:
            value = percentile(buckets, q)
            if value is not None:
                figures[f"{kind}_p{round(q * 100)}"] = round(value, 3)
    return figures


def _entry_order(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _entry(entry_id: bytes, fields: dict[bytes, bytes]) -> Entry:
    """A stream entry's id and message; an UnreadableResult in its place if it cannot be read."""
    try:
        return entry_id.decode(), decode_result(fields[b"data"])
    except (KeyError, ValueError, RecursionError) as error:
        return entry_id.decode(), UnreadableResult(f"entry {entry_id.decode()}", error)


def as_json(message: ResultMessage) -> str:
    return json.dumps(message.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


DEFAULT_RETRY_REASONS = RETRYABLE_REASONS
