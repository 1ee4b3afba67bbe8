"""RedisPublisher on a real Redis: the ledger decides who publishes; streams keep unread entries."""

from __future__ import annotations

import pytest
import redis

from workers.messages import CleanedMessage, FailedMessage, FailReason, Job, decode_result
from workers.producer import CleanerClient
from workers.publisher import RedisPublisher, RedisUnavailable, StoredJob
from workers.results import ResultStore, lagging_groups
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration


def submitted(client: redis.Redis, settings: WorkerSettings, *ids: str) -> CleanerClient:
    producer = CleanerClient(settings, client=client)
    producer.submit_many(Job.from_content(f"<p>page {i}</p>", id=i) for i in ids)
    client.delete(settings.queue)  # no worker here: the tests play the messages out
    return producer


def test_publishing_twice_leaves_one_document_and_one_entry(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    submitted(redis_db, unit_settings, "a")
    publisher = RedisPublisher(redis_db, unit_settings)
    message = CleanedMessage(id="a", document={"text": "t", "word_count": 1})
    assert publisher.publish(message) is True
    assert publisher.publish(message.model_copy(update={"document": {"text": "other"}})) is False
    assert decode_result(redis_db.get(keys.doc("a"))) == message
    assert redis_db.xlen(keys.results) == 1
    assert 0 < redis_db.ttl(keys.doc("a")) <= unit_settings.doc_ttl_seconds
    for ledger in (keys.jobs, keys.versions, keys.deliveries):  # the page left with its outcome
        assert redis_db.hlen(ledger) == 0
    stats = ResultStore(redis_db, unit_settings).stats()
    assert (stats.cleaned, stats.duplicate, stats.in_flight) == (1, 1, 0)


def test_failures_go_to_the_failed_stream_with_their_reason(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    submitted(redis_db, unit_settings, "b")
    publisher = RedisPublisher(redis_db, unit_settings)
    publisher.publish(FailedMessage(id="b", reason=FailReason.BINARY, detail="png"))
    [(_entry_id, fields)] = redis_db.xrange(unit_settings.keys.failed)
    assert (fields[b"id"], fields[b"reason"]) == (b"b", b"binary")
    assert redis_db.xlen(unit_settings.keys.results) == 0


def test_advance_publishes_one_job_starts_the_next_and_reads_the_one_after(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    submitted(redis_db, unit_settings, "a", "b")
    publisher = RedisPublisher(redis_db, unit_settings)
    first = publisher.advance(start="a", read="b").wait()
    assert first is not None and first.pending and first.deliveries == 0
    assert first.message is not None and '"id":"b"' in first.message
    message = CleanedMessage(id="a", document={"text": "t"})
    trip = publisher.advance(message, start="b", read="a")
    assert trip.wait() == StoredJob(message=None, version=None, deliveries=0, pending=False)
    assert trip.script_replies == [1, 1]  # a published, b's first delivery counted
    assert redis_db.hget(keys.deliveries, "b") == b"1"
    assert publisher.advance(read="unknown").wait() == StoredJob(None, None, 0, pending=False)
    assert publisher.advance().wait() is None


def test_a_round_trip_error_is_raised_at_wait_without_its_arguments(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    submitted(redis_db, unit_settings, "e")
    redis_db.set(keys.deliveries, "not a hash")  # the start script's HINCRBY fails
    publisher = RedisPublisher(redis_db, unit_settings)
    trip = publisher.advance(start="e", read="e")
    with pytest.raises(RedisUnavailable, match="WRONGTYPE") as caught:
        trip.wait()
    assert "page" not in str(caught.value)
    redis_db.delete(keys.deliveries)
    assert publisher.advance(start="e").wait() is None  # no reply was left unread


def test_a_retryable_failure_of_a_stale_run_is_not_published(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """Finding 9: a run frozen past the visibility timeout must not fail a job another runs."""
    keys = unit_settings.keys
    submitted(redis_db, unit_settings, "s")
    publisher = RedisPublisher(redis_db, unit_settings)
    first = publisher.advance(start="s")
    first.wait()
    assert first.started_at is not None
    publisher.advance(start="s").wait()  # a second worker starts it later
    timeout = FailedMessage(id="s", reason=FailReason.TIMEOUT, detail="soft limit")
    assert publisher.publish(timeout, started_at=first.started_at) is False
    assert redis_db.zscore(keys.pending, "s") is not None  # still the second run's
    assert redis_db.hget(keys.stats, "stale") == b"1"
    assert publisher.publish(CleanedMessage(id="s", document={"text": "t"})) is True


def test_trimming_keeps_what_a_consumer_group_has_not_read(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """Finding 2: a group that read nothing still gets every result (up to the ceiling)."""
    settings = unit_settings.model_copy(update={"results_maxlen": 10, "streams_ceiling": 10_000})
    keys = settings.keys
    redis_db.xgroup_create(keys.results, "indexer", id="0", mkstream=True)
    redis_db.xgroup_create(keys.results, "archiver", id="0")
    publisher = RedisPublisher(redis_db, settings)
    ids = [f"j{n}" for n in range(400)]
    submitted(redis_db, settings, *ids)
    for job_id in ids[:300]:
        publisher.publish(CleanedMessage(id=job_id, document={"word_count": 1}))
    assert redis_db.xlen(keys.results) == 300  # nobody read: nothing trimmed
    warnings = lagging_groups(redis_db, settings)
    assert sorted(w.split("'")[1] for w in warnings) == ["archiver", "indexer"]
    assert ResultStore(redis_db, settings).stats().warnings == warnings  # `results stats`
    # archiver reads everything; indexer reads 250 and acks 200
    redis_db.xreadgroup("archiver", "a1", {keys.results: ">"}, count=1000)
    entries = redis_db.xreadgroup("indexer", "i1", {keys.results: ">"}, count=250)[0][1]
    redis_db.xack(keys.results, "archiver", *[e for e, _ in redis_db.xrange(keys.results)])
    redis_db.xack(keys.results, "indexer", *[entry_id for entry_id, _ in entries[:200]])
    for job_id in ids[300:]:
        publisher.publish(CleanedMessage(id=job_id, document={"word_count": 1}))
    remaining = {fields[b"id"].decode() for _, fields in redis_db.xrange(keys.results)}
    assert {f"j{n}" for n in range(200, 400)} <= remaining  # indexer's pending and unread
    assert len(remaining) <= 200 + 1  # the acked ones went


def test_the_ceiling_trims_even_unread_entries(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = unit_settings.model_copy(update={"results_maxlen": 10, "streams_ceiling": 100})
    redis_db.xgroup_create(settings.keys.results, "idle", id="0", mkstream=True)
    ids = [f"c{n}" for n in range(400)]
    submitted(redis_db, settings, *ids)
    publisher = RedisPublisher(redis_db, settings)
    for job_id in ids:
        publisher.publish(CleanedMessage(id=job_id, document={"word_count": 1}))
    assert redis_db.xlen(settings.keys.results) < 250  # approximate: trimmed by whole nodes
