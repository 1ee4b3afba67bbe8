"""ResultStore against a real Redis: retry-failed, tail, outcomes, lookup by URL, and stats
that count jobs (not runs), failures by reason, per worker, with latency percentiles."""

from __future__ import annotations

import pytest
import redis

from cleaner.cli import main as cleaner_main
from tests.workers.conftest import point_cli_at
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job
from workers.metrics import LATENCY_BUCKETS, WorkerCounts, flush, percentile
from workers.producer import CleanerClient
from workers.publisher import RedisPublisher
from workers.results import ResultStore, UnreadableResult
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration


def submitted(client: redis.Redis, settings: WorkerSettings, *ids: str,
              url: str | None = None) -> CleanerClient:
    producer = CleanerClient(settings, client=client)
    producer.submit_many(Job.from_content(f"<p>page {i}</p>", id=i, url=url) for i in ids)
    client.delete(settings.queue)  # no worker here: the tests publish the outcomes
    return producer


class InstantWorker:
    """Stands in for the producer + a worker that fails the job again at once."""

    def __init__(self, producer: CleanerClient, publisher: RedisPublisher) -> None:
        self.producer, self.publisher = producer, publisher
        self.submitted: list[str] = []

    def submit_raw(self, payload: str, job_id: str | None = None) -> str:
        job_id = self.producer.submit_raw(payload, job_id)
        self.submitted.append(job_id)
        self.publisher.publish(FailedMessage(id=job_id, reason=FailReason.TIMEOUT,
                                             detail="again", job=payload))
        return job_id


def test_retry_failed_retries_each_entry_once_and_stats_count_the_job_once(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    producer = submitted(redis_db, unit_settings, "a", "b", "c", "d")
    publisher = RedisPublisher(redis_db, unit_settings)
    for job_id, reason in (("a", FailReason.TIMEOUT), ("b", FailReason.NO_ARTICLE),
                           ("c", FailReason.CRASHED)):
        publisher.publish(FailedMessage(id=job_id, reason=reason, detail="d", job="{}"))
    publisher.publish(FailedMessage(id="d", reason=FailReason.TIMEOUT, detail="too big"))
    worker = InstantWorker(producer, publisher)
    store = ResultStore(redis_db, unit_settings)
    retried = store.retry_failed(worker, {FailReason.TIMEOUT, FailReason.CRASHED})
    assert [m.id for m in retried] == worker.submitted == ["a", "c"]  # "d" kept no job
    ids = [message.id for _entry, message in store.tail(10, failed=True)]
    assert sorted(ids) == ["a", "b", "c", "d"]
    stats = store.stats()
    assert (stats.failed, stats.retried) == (4, 2)  # 6 failures published, for 4 jobs
    assert stats.failed_by_reason == {"timeout": 3, "no_article": 1}
    assert "failed      4 (timeout 3, no_article 1)" in stats.lines()


def test_tail_outcomes_and_lookup_by_url(redis_db: redis.Redis,
                                         unit_settings: WorkerSettings) -> None:
    url = "https://x.test/a?b=1"
    submitted(redis_db, unit_settings, *(f"j{n}" for n in range(4)))
    submitted(redis_db, unit_settings, "u1", url=url)
    publisher = RedisPublisher(redis_db, unit_settings)
    for n in range(4):
        publisher.publish(CleanedMessage(id=f"j{n}", document={"word_count": n}))
    publisher.publish(FailedMessage(id="u1", url=url, reason=FailReason.EMPTY, detail="empty"))
    store = ResultStore(redis_db, unit_settings)
    assert [m.id for _e, m in store.tail(2)] == ["j2", "j3"]
    assert sorted(store.outcomes(["j1", "nope", "j3"])) == ["j1", "j3"]
    assert store.get("nope") is None
    assert [m.id for m in store.find_by_url(url)] == ["u1"]
    assert store.find_by_url("https://x.test/a") == []  # a prefix is not the URL


def test_stats_rate_includes_the_current_interval_and_workers_report_latency(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    submitted(redis_db, unit_settings, "a", "b")
    publisher = RedisPublisher(redis_db, unit_settings)
    publisher.publish(CleanedMessage(id="a", document={}))
    publisher.publish(FailedMessage(id="b", reason=FailReason.EMPTY, detail="empty"))
    latency = {f"latency:{bound:g}": 2.0 for bound in LATENCY_BUCKETS if bound >= 1.0}
    counts = WorkerCounts({"cleaned": 1.0, "failed:empty": 1.0, **latency,
                           "latency:0.5": 1.0, "latency:+Inf": 2.0})
    flush(redis_db, unit_settings.keys, "w1@host", counts, WorkerCounts())
    stats = ResultStore(redis_db, unit_settings).stats()
    assert stats.rate_per_s > 0  # finished just now: in the current 10 s bucket
    assert (stats.cleaned, stats.failed, stats.submitted) == (1, 1, 2)
    [worker] = stats.workers
    assert (worker.name, worker.cleaned, worker.failed) == ("w1@host", 1, {"empty": 1})
    assert stats.latency_s["end_to_end_p50"] == 0.5
    assert 0.5 < stats.latency_s["end_to_end_p90"] <= 1.0


def test_percentile_interpolates_within_a_bucket() -> None:
    buckets = {0.1: 0.0, 0.2: 10.0, 0.4: 20.0, float("inf"): 20.0}
    assert percentile(buckets, 0.5) == pytest.approx(0.2)
    assert percentile(buckets, 0.75) == pytest.approx(0.3)
    assert percentile({}, 0.5) is None
    assert percentile({1.0: 0.0, float("inf"): 3.0}, 0.5) == 1.0  # past the last bound


def test_an_entry_this_version_cannot_read_is_reported_and_the_listing_goes_on(
    redis_db: redis.Redis, unit_settings: WorkerSettings, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = unit_settings.keys
    submitted(redis_db, unit_settings, "good")
    redis_db.xadd(keys.results, {"id": "odd", "data": '{"status": "cleaned", "from": "v9"}'})
    RedisPublisher(redis_db, unit_settings).publish(CleanedMessage(id="good", document={}))
    redis_db.set(keys.doc("odd"), "{not json")
    store = ResultStore(redis_db, unit_settings)
    odd, good = (message for _entry, message in store.tail(5))
    assert isinstance(odd, UnreadableResult) and "cannot be read" in str(odd)
    assert isinstance(good, CleanedMessage)
    with pytest.raises(UnreadableResult):
        store.get("odd")
    point_cli_at(unit_settings, monkeypatch)
    assert cleaner_main(["results", "tail"]) == 0
    out, err = capsys.readouterr()
    assert "  good  " in out and err.startswith("cleaner: entry ") and err.count("\n") == 1
    assert cleaner_main(["results", "get", "odd"]) == 2
    assert capsys.readouterr().err.startswith("cleaner: the outcome of odd cannot be read")
