"""Reading the service's state back out of Redis: outcomes, streams, the ledger, counters.

What `cleaner results ...` shows, and what a sweeper or a dashboard reads.
Needs only redis (no `cleaner`), like the producer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast

import redis

from workers.messages import RETRYABLE_REASONS, FailedMessage, FailReason, decode_result
from workers.producer import CleanerClient
from workers.publisher import RATE_BUCKET_SECONDS, ResultMessage
from workers.settings import WorkerSettings

# redis-py types replies as unions of every protocol's shapes; these are ours (RESP2, bytes)
StreamEntries = list[tuple[bytes, dict[bytes, bytes]]]
RATE_WINDOW_BUCKETS = 6  # the rate is over the last minute of finished jobs
RATE_WINDOW_S = RATE_WINDOW_BUCKETS * RATE_BUCKET_SECONDS
SCAN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Stats:
    submitted: int  # tasks sent (a resubmission counts again)
    cleaned: int
    failed: int
    duplicate: int  # finished a job that already had an outcome (redelivery, resubmission)
    recovered: int  # lost jobs the sweeper resubmitted (workers/sweeper.py)
    in_flight: int  # job ids submitted with no outcome yet (the ledger, cleaner:pending)
    queued: int  # task messages waiting in the Celery queue (up to jobs_per_message jobs each)
    inbox: int  # entries waiting in the plain-Redis inbox
    oldest_in_flight_s: float | None
    rate_per_s: float  # jobs finished per second over the last minute

    def lines(self) -> list[str]:
        oldest = "-" if self.oldest_in_flight_s is None else f"{self.oldest_in_flight_s:.0f} s"
        return [
            f"submitted   {self.submitted}", f"cleaned     {self.cleaned}",
            f"failed      {self.failed}", f"duplicate   {self.duplicate}",
            f"recovered   {self.recovered}",
            f"in flight   {self.in_flight} (oldest {oldest})",
            f"queued      {self.queued} messages",
            f"inbox       {self.inbox}", f"rate        {self.rate_per_s:.1f} jobs/s (last minute)",
        ]


class ResultStore:
    def __init__(self, client: redis.Redis, settings: WorkerSettings) -> None:
        self._redis = client
        self._settings = settings
        self._keys = settings.keys

    def get(self, job_id: str) -> ResultMessage | None:
        payload = self._redis.get(self._keys.doc(job_id))
        return None if payload is None else decode_result(payload)

    def outcomes(self, job_ids: list[str]) -> dict[str, ResultMessage]:
        """The outcomes that exist among `job_ids`, in one round trip."""
        payloads = self._redis.mget([self._keys.doc(job_id) for job_id in job_ids])
        return {job_id: decode_result(p) for job_id, p in zip(job_ids, payloads, strict=True) if p}

    def tail(self, count: int, *, failed: bool = False) -> list[tuple[str, ResultMessage]]:
        """The last `count` entries of the results (or failed) stream, oldest first."""
        stream = self._keys.failed if failed else self._keys.results
        entries = cast(StreamEntries, self._redis.xrevrange(stream, count=count))
        return [_entry(entry_id, fields) for entry_id, fields in reversed(entries)]

    def follow(self, after: str = "$", block_ms: int = 5000) -> Iterator[tuple[str, ResultMessage]]:
        """New results as they are published (XREAD BLOCK), forever."""
        while True:
            reply = self._redis.xread({self._keys.results: after}, block=block_ms, count=100)
            for _stream, entries in cast(list[tuple[bytes, StreamEntries]], reply or []):
                for entry_id, fields in entries:
                    after = entry_id.decode()
                    yield _entry(entry_id, fields)

    def finished(self) -> int:
        """Jobs finished so far (cleaned + failed + duplicate): one cheap HMGET."""
        counts = self._redis.hmget(self._keys.stats, ["cleaned", "failed", "duplicate"])
        return sum(int(n or 0) for n in counts)

    def stats(self) -> Stats:
        keys, now = self._keys, time.time()
        bucket_now = int(now) // RATE_BUCKET_SECONDS
        buckets = [keys.rate(bucket_now - back) for back in range(1, RATE_WINDOW_BUCKETS + 1)]
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.stats)
            pipe.zcard(keys.pending)
            pipe.llen(self._settings.queue)
            pipe.xlen(keys.inbox)
            pipe.zrange(keys.pending, 0, 0, withscores=True)
            pipe.mget(buckets)
            counters, in_flight, queued, inbox, oldest, finished = pipe.execute()
        count = {k.decode(): int(v) for k, v in counters.items()}
        return Stats(
            submitted=count.get("submitted", 0), cleaned=count.get("cleaned", 0),
            failed=count.get("failed", 0), duplicate=count.get("duplicate", 0),
            recovered=count.get("recovered", 0),
            in_flight=in_flight, queued=queued, inbox=inbox,
            oldest_in_flight_s=now - oldest[0][1] if oldest else None,
            rate_per_s=sum(int(n or 0) for n in finished) / RATE_WINDOW_S,
        )

    def retry_failed(self, producer: CleanerClient, reasons: Iterable[FailReason]) -> list[str]:
        """Resubmit failed jobs with one of `reasons`; return their ids.

        Per job: delete its failed outcome (so the new run may publish), submit
        the stored job, then drop its failed entry. A crash midway leaves the
        entry in the failed stream, so running this again finishes the work.
        """
        wanted, retried = set(reasons), []
        for entry_id, message in self._iter_failed():
            if message.reason not in wanted or message.job is None:
                continue
            doc_key = self._keys.doc(message.id)
            current = self._redis.get(doc_key)
            if current is not None and decode_result(current).status == "failed":
                self._redis.delete(doc_key)
            producer.submit_raw(message.job, message.id)
            self._redis.xdel(self._keys.failed, entry_id)
            retried.append(message.id)
        return retried

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


def _entry(entry_id: bytes, fields: dict[bytes, bytes]) -> tuple[str, ResultMessage]:
    return entry_id.decode(), decode_result(fields[b"data"])


def as_json(message: ResultMessage) -> str:
    return json.dumps(message.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


DEFAULT_RETRY_REASONS = RETRYABLE_REASONS
