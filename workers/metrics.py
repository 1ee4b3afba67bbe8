"""Prometheus metrics from every worker, and the per-worker figures `cleaner results stats` shows.

Jobs are cleaned in the prefork pool's child processes, and a child's memory
is its own, so the counts live where prometheus_client's documented
multiprocess mode puts them: one mmap file per process in a directory that
`PROMETHEUS_MULTIPROC_DIR` names. The worker's main process (a bootstep):

1. makes a fresh directory and sets the variable *before* prometheus_client
   is first imported (it picks its value class at import) and before the pool
   forks, so every child inherits both and writes its own `*_<pid>.db` file;
2. serves `GET /metrics` on `CLEANER_METRICS_PORT` (unset: no server) from a
   registry holding a `MultiProcessCollector` (the children's counts summed)
   and a `RedisCollector` (queue, inbox, stream and ledger depths and each
   consumer group's lag, read from Redis at scrape time);
3. every `FLUSH_INTERVAL_S` (1 s) adds what its pool counted since the last flush to
   the hash `cleaner:worker:<worker name>` and stamps `cleaner:workers`, so
   `cleaner results stats` can break outcomes and latency down per worker
   without a Prometheus server. Counts survive a worker's restart under the
   same name (`-n`); a SIGKILLed worker loses at most one interval of them.

The task calls `observe(outcome, queued_at)` once per job it ran: mmap
writes, no Redis round trip (13 µs a job, measured with timeit). Before
`install()` (unit tests, `cleaner clean`) it does nothing.

Metrics (every worker reports the fleet-wide Redis gauges alike: take `max`):

    cleaner_jobs_total{outcome, reason}             counter: job runs by outcome, failures by reason
    cleaner_clean_seconds{outcome}                  histogram: time in cleaner.clean per page
    cleaner_job_latency_seconds{outcome}            histogram: queued (submitted, or last
                                                    started) -> outcome, end to end
    cleaner_queue_messages                          Celery queue length (task messages)
    cleaner_inbox_entries                           entries waiting in the inbox stream
    cleaner_in_flight_jobs, cleaner_oldest_in_flight_seconds    the ledger
    cleaner_stream_entries{stream}                  results / failed / inbox stream lengths
    cleaner_group_pending{stream, group}            read by the group, not yet acked
    cleaner_group_lag{stream, group}                entries the group has not read (Redis >= 7)
    cleaner_group_behind_seconds{stream, group}     age of the newest entry minus that of
                                                    the group's last read one (any Redis)
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

import redis
from celery import bootsteps

from workers.messages import CleanedMessage
from workers.publisher import ResultMessage, connect
from workers.settings import Keys, WorkerSettings

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram
    from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

CLEAN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
                   1800.0, 3600.0)
FLUSH_INTERVAL_S = 1.0  # a pipeline of the counts that changed, and one HSET
# Every metric a worker exports (a test checks the dashboard and alerts use only these)
METRIC_NAMES = (
    "cleaner_jobs_total", "cleaner_clean_seconds", "cleaner_job_latency_seconds",
    "cleaner_queue_messages", "cleaner_inbox_entries", "cleaner_in_flight_jobs",
    "cleaner_oldest_in_flight_seconds", "cleaner_stream_entries", "cleaner_group_pending",
    "cleaner_group_lag", "cleaner_group_behind_seconds",
)
JOIN_TIMEOUT_S = 5.0


def workers_key(keys: Keys) -> str:
    """Hash: worker name -> unix time of its last flush."""
    return f"{keys.prefix}:workers"


def worker_key(keys: Keys, name: str) -> str:
    """Hash of one worker's counts: `cleaned`, `failed:<reason>`, `clean:<le>`, `latency:<le>`."""
    return f"{keys.prefix}:worker:{name}"


@dataclass
class _Metrics:
    """The metric objects of one worker (created in its main process, used by its children)."""

    jobs: Counter
    clean_seconds: Histogram
    latency_seconds: Histogram

    def observe(self, outcome: ResultMessage, queued_at: float | None) -> None:
        kind = "cleaned" if isinstance(outcome, CleanedMessage) else "failed"
        reason = "" if isinstance(outcome, CleanedMessage) else outcome.reason.value
        self.jobs.labels(outcome=kind, reason=reason).inc()
        if outcome.clean_ms is not None:
            self.clean_seconds.labels(outcome=kind).observe(outcome.clean_ms / 1000)
        if queued_at is not None:
            latency = outcome.finished_at.timestamp() - queued_at
            self.latency_seconds.labels(outcome=kind).observe(max(latency, 0.0))


_metrics: _Metrics | None = None


def observe(outcome: ResultMessage, queued_at: float | None = None) -> None:
    """Count one job's outcome in this process; `queued_at` (unix s) gives its latency."""
    if _metrics is not None:
        _metrics.observe(outcome, queued_at)


def install(directory: str) -> None:
    """Multiprocess mode in `directory`, then the metrics: call before the pool forks."""
    global _metrics  # noqa: PLW0603  # one set of metrics per process, inherited by the children
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    from prometheus_client import Counter, Histogram, values  # noqa: PLC0415  # after the variable

    if not getattr(values.ValueClass, "_multiprocess", False):  # imported before us, somewhere
        values.ValueClass = values.get_value_class()  # what its import would have chosen now

    _metrics = _Metrics(
        jobs=Counter("cleaner_jobs", "Job runs by outcome; failures by reason",
                     ["outcome", "reason"]),
        clean_seconds=Histogram("cleaner_clean_seconds", "Seconds in cleaner.clean per page",
                                ["outcome"], buckets=CLEAN_BUCKETS),
        latency_seconds=Histogram("cleaner_job_latency_seconds",
                                  "Seconds from queued (submitted, or last started) to outcome",
                                  ["outcome"], buckets=LATENCY_BUCKETS),
    )


def uninstall() -> None:
    global _metrics  # noqa: PLW0603
    _metrics = None


# ------------------------------------------------------------------ reading the counts


@dataclass
class WorkerCounts:
    """What a worker's pool counted: by `cleaned` / `failed:<reason>`, and histogram buckets."""

    values: dict[str, float] = field(default_factory=dict)

    @classmethod
    def collect(cls, collector: Collector) -> WorkerCounts:
        values: dict[str, float] = {}
        for metric in collector.collect():
            for sample in metric.samples:
                name = _field(sample.name, sample.labels)
                if name is not None:
                    values[name] = values.get(name, 0.0) + sample.value
        return cls(values)

    def minus(self, other: WorkerCounts) -> dict[str, float]:
        return {name: value - other.values.get(name, 0.0) for name, value in self.values.items()
                if value != other.values.get(name, 0.0)}


def _field(sample: str, labels: dict[str, str]) -> str | None:
    """The hash field of a sample: `cleaned`, `failed:empty`, `clean:0.1`, `latency:+Inf`."""
    if sample == "cleaner_jobs_total":
        return labels["outcome"] + (f":{labels['reason']}" if labels.get("reason") else "")
    for prefix, metric in (("clean", "cleaner_clean_seconds"),
                           ("latency", "cleaner_job_latency_seconds")):
        if sample == f"{metric}_bucket":
            return f"{prefix}:{float(labels['le']):g}" if labels["le"] != "+Inf" \
                else f"{prefix}:+Inf"
        if sample == f"{metric}_sum":
            return f"{prefix}:sum"
    return None


def flush(client: redis.Redis, keys: Keys, name: str, now: WorkerCounts,
          last: WorkerCounts) -> None:
    """Add the counts since `last` to the worker's hash; stamp it as seen."""
    with client.pipeline(transaction=True) as pipe:
        for hash_field, delta in now.minus(last).items():
            pipe.hincrbyfloat(worker_key(keys, name), hash_field, delta)
        pipe.hset(workers_key(keys), name, f"{time.time():.3f}")
        pipe.execute()


def percentile(buckets: dict[float, float], q: float) -> float | None:
    """The q-quantile of a cumulative histogram ({upper bound: count}), as histogram_quantile:
    linear within the bucket it falls in; None with no observation."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0.0
    if total <= 0:
        return None
    rank, lower, below = q * total, 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower  # past the last finite bucket: its bound is all we know
            share = (rank - below) / (count - below) if count > below else 1.0
            return lower + (bound - lower) * share
        lower, below = bound, count
    return lower


# ------------------------------------------------------------------ Redis depths


class RedisCollector:
    """Queue, inbox, stream and ledger depths and consumer-group lag, read at scrape time."""

    def __init__(self, client: redis.Redis, settings: WorkerSettings) -> None:
        self._redis, self._settings, self._keys = client, settings, settings.keys

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily  # noqa: PLC0415  # see install()

        keys = self._keys
        streams = {"results": keys.results, "failed": keys.failed, "inbox": keys.inbox}
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                pipe.llen(self._settings.queue)
                pipe.zcard(keys.pending)
                pipe.zrange(keys.pending, 0, 0, withscores=True)
                for stream in streams.values():
                    pipe.xlen(stream)
                queued, in_flight, oldest, *lengths = pipe.execute()
            groups = {name: self._groups(stream) for name, stream in streams.items()}
        except redis.RedisError as exc:  # a scrape during a Redis outage: say nothing wrong
            log.warning("metrics: Redis unavailable (%s)", type(exc).__name__)
            return
        yield _gauge(GaugeMetricFamily, "cleaner_queue_messages",
                     "Task messages waiting in the Celery queue", queued)
        yield _gauge(GaugeMetricFamily, "cleaner_inbox_entries",
                     "Entries waiting in the inbox stream", lengths[2])
        yield _gauge(GaugeMetricFamily, "cleaner_in_flight_jobs",
                     "Jobs submitted with no outcome yet (the ledger)", in_flight)
        age = time.time() - oldest[0][1] if oldest else 0.0
        yield _gauge(GaugeMetricFamily, "cleaner_oldest_in_flight_seconds",
                     "Age of the oldest job in the ledger (since its last sign of life)", age)
        entries = GaugeMetricFamily("cleaner_stream_entries", "Stream length", labels=["stream"])
        for name, length in zip(streams, lengths, strict=True):
            entries.add_metric([name], length)
        yield entries
        yield from _group_metrics(GaugeMetricFamily, groups)

    def _groups(self, stream: str) -> list[dict[str, Any]]:
        try:
            infos: list[dict[str, Any]] = self._redis.xinfo_groups(stream)
        except redis.ResponseError:  # no such stream yet (nothing written): no group
            return []
        newest = cast(list[Any], self._redis.xrevrange(stream, count=1))
        newest_ms = _entry_ms(newest[0][0]) if newest else None
        for info in infos:
            last_ms = _entry_ms(info.get("last-delivered-id", b"0-0"))
            info["behind_s"] = max(0.0, (newest_ms - last_ms) / 1000) if newest_ms else 0.0
        return infos


def _gauge(family: Any, name: str, documentation: str, value: float) -> Any:
    return family(name, documentation, value=value)


def _group_metrics(family: Any, groups: dict[str, list[dict[str, Any]]]) -> Iterable[Any]:
    pending = family("cleaner_group_pending", "Entries read by a consumer group, not acked",
                     labels=["stream", "group"])
    lag = family("cleaner_group_lag", "Entries a consumer group has not read (Redis >= 7)",
                 labels=["stream", "group"])
    behind = family("cleaner_group_behind_seconds", "Age of the stream's newest entry minus "
                    "that of the group's last read entry", labels=["stream", "group"])
    for stream, infos in groups.items():
        for info in infos:
            labels = [stream, _text(info.get("name"))]
            pending.add_metric(labels, info.get("pending", 0))
            if info.get("lag") is not None:
                lag.add_metric(labels, info["lag"])
            behind.add_metric(labels, info["behind_s"])
    return pending, lag, behind


def _entry_ms(entry_id: bytes | str) -> int:
    return int(_text(entry_id).split("-")[0])


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# ------------------------------------------------------------------ the bootstep


def metrics_step(settings: WorkerSettings) -> type[bootsteps.StartStopStep]:
    """The worker bootstep: multiprocess mode before the fork, then the server and the flushes."""

    class MetricsStep(bootsteps.StartStopStep):  # type: ignore[misc]  # celery is untyped
        requires: ClassVar = {"celery.worker.components:Pool"}
        name = "workers.metrics"

        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            # Runs while the worker is built, before the pool forks its children
            self._dir = tempfile.mkdtemp(prefix="cleaner-metrics-")
            install(self._dir)
            self._stop = threading.Event()
            self._thread: threading.Thread | None = None
            self._server: Any = None

        def start(self, worker: Any) -> None:
            from prometheus_client import CollectorRegistry, start_http_server  # noqa: PLC0415
            from prometheus_client.multiprocess import MultiProcessCollector  # noqa: PLC0415

            client = connect(str(settings.redis_url))
            pool_counts = MultiProcessCollector(None, path=self._dir)  # type: ignore[no-untyped-call]
            if settings.metrics_port is not None:
                registry = CollectorRegistry()
                registry.register(pool_counts)
                registry.register(RedisCollector(client, settings))
                try:
                    self._server, _ = start_http_server(settings.metrics_port, registry=registry)
                    log.info("metrics: http://0.0.0.0:%s/metrics", settings.metrics_port)
                except OSError as exc:  # the port is taken: clean pages anyway, say so
                    log.error("metrics: cannot serve on port %s (%s): no /metrics",
                              settings.metrics_port, exc.strerror or exc)
            self._thread = threading.Thread(
                target=_flush_loop, args=(client, settings.keys, worker.hostname, pool_counts,
                                          self._stop), name="cleaner-metrics", daemon=True)
            self._thread.start()

        def stop(self, worker: Any) -> None:
            self._stop.set()
            if self._thread is not None:
                self._thread.join(timeout=JOIN_TIMEOUT_S)
            if self._server is not None:
                self._server.shutdown()

        def shutdown(self, worker: Any) -> None:
            uninstall()
            shutil.rmtree(self._dir, ignore_errors=True)

    return MetricsStep


def _flush_loop(client: redis.Redis, keys: Keys, name: str, pool_counts: Collector,
                stop: threading.Event) -> None:
    """Every FLUSH_INTERVAL_S, and once more at shutdown: the pool's new counts to Redis."""
    last = WorkerCounts()
    while True:
        stopping = stop.wait(FLUSH_INTERVAL_S)
        try:
            now = WorkerCounts.collect(pool_counts)
            flush(client, keys, name, now, last)
            last = now
        except redis.RedisError as exc:  # kept for the next round: nothing is lost
            log.warning("metrics: could not flush counts to Redis (%s)", type(exc).__name__)
        if stopping:
            return
