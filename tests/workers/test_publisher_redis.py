"""RedisPublisher against a real Redis: idempotent by job id, ledger and counters kept."""

from __future__ import annotations

import pytest
import redis

from workers.messages import CleanedMessage, FailedMessage, FailReason, decode_result
from workers.publisher import Copy, Delivery, RedisPublisher
from workers.results import ResultStore
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration


def test_publishing_twice_leaves_one_document_and_one_entry(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    publisher = RedisPublisher(redis_db, unit_settings)
    redis_db.zadd(keys.pending, {"a": 1.0})
    assert publisher.begin_delivery("a") == Delivery(1, None)
    message = CleanedMessage(id="a", document={"text": "t", "word_count": 1})
    assert publisher.publish(message) is True
    assert publisher.publish(message.model_copy(update={"document": {"text": "other"}})) is False
    assert decode_result(redis_db.get(keys.doc("a"))) == message
    assert redis_db.xlen(keys.results) == 1
    assert 0 < redis_db.ttl(keys.doc("a")) <= unit_settings.doc_ttl_seconds
    assert redis_db.zcard(keys.pending) == 0
    assert redis_db.hlen(keys.deliveries) == 0
    stats = ResultStore(redis_db, unit_settings).stats()
    assert (stats.cleaned, stats.duplicate, stats.in_flight) == (1, 1, 0)
    assert stats.rate_per_s >= 0


def test_failures_go_to_the_failed_stream_with_their_reason(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    publisher = RedisPublisher(redis_db, unit_settings)
    publisher.publish(FailedMessage(id="b", reason=FailReason.BINARY, detail="png", job="{}"))
    [(_entry_id, fields)] = redis_db.xrange(unit_settings.keys.failed)
    assert fields[b"id"] == b"b"
    assert fields[b"reason"] == b"binary"
    assert redis_db.xlen(unit_settings.keys.results) == 0
    assert ResultStore(redis_db, unit_settings).stats().failed == 1


def test_the_results_stream_is_capped(redis_db: redis.Redis, unit_settings: WorkerSettings) -> None:
    settings = unit_settings.model_copy(update={"results_maxlen": 10})
    publisher = RedisPublisher(redis_db, settings)
    for n in range(300):
        publisher.publish(CleanedMessage(id=f"j{n}", document={"word_count": n}))
    assert redis_db.xlen(settings.keys.results) < 300  # approximate: trimmed by whole nodes


def test_a_delivery_of_a_finished_job_settles_it_instead_of_counting(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    publisher = RedisPublisher(redis_db, unit_settings)
    publisher.publish(CleanedMessage(id="c", document={"text": "t", "word_count": 1}))
    redis_db.zadd(keys.pending, {"c": 1.0})  # a leftover copy, still in the ledger
    assert publisher.begin_delivery("c") is None
    assert (redis_db.zcard(keys.pending), redis_db.hlen(keys.deliveries)) == (0, 0)
    assert ResultStore(redis_db, unit_settings).stats().duplicate == 1


def test_a_delivery_stamps_the_start_of_a_pending_job_only(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    publisher = RedisPublisher(redis_db, unit_settings)
    redis_db.zadd(keys.pending, {"d": 1.0})
    redis_db.hset(keys.jobs, "d", '{"content": "x"}')  # the producer's copy
    assert [publisher.begin_delivery("d"), publisher.begin_delivery("d")] == [
        Delivery(1, '{"content": "x"}'), Delivery(2, '{"content": "x"}')]
    assert redis_db.zscore(keys.pending, "d") > 1.0  # the sweeper's clock restarts
    assert publisher.stored_job("d") == '{"content": "x"}'
    assert publisher.begin_delivery("unknown") == Delivery(1, None)
    assert redis_db.zscore(keys.pending, "unknown") is None  # never adds to the ledger


def test_settle_publishes_one_job_begins_the_next_and_reads_the_one_after(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    publisher = RedisPublisher(redis_db, unit_settings)
    redis_db.hset(keys.jobs, mapping={"a": '{"content": "a"}', "b": '{"content": "b"}'})
    redis_db.hset(keys.deliveries, "b", 2)  # b has been started twice before
    redis_db.zadd(keys.pending, {"a": 1.0, "b": 1.0})
    assert publisher.begin_delivery("a") == Delivery(1, '{"content": "a"}')
    message = CleanedMessage(id="a", document={"text": "t"})
    settling = publisher.settle(message, begin="b", look_ahead="c")
    # sent, not yet read: Redis has done it while the caller was busy
    assert redis_db.exists(keys.doc("a")) and redis_db.hget(keys.deliveries, "b") == b"3"
    assert settling.wait() == Copy(job=None, deliveries=0, finished=False)  # c: unknown
    assert decode_result(redis_db.get(keys.doc("a"))) == message
    assert redis_db.zrange(keys.pending, 0, -1) == [b"b"]  # a left the ledger, b is running
    assert publisher.settle(look_ahead="b").wait() == Copy('{"content": "b"}', 3, finished=False)
    assert publisher.settle(look_ahead="a").wait() == Copy(None, 0, finished=True)
    assert publisher.settle().wait() is None


def test_a_settle_error_is_raised_at_wait_and_the_connection_stays_usable(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    keys = unit_settings.keys
    publisher = RedisPublisher(redis_db, unit_settings)
    redis_db.set(keys.deliveries, "not a hash")  # the begin script's HINCRBY fails
    settling = publisher.settle(begin="e", look_ahead="e")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        settling.wait()
    redis_db.delete(keys.deliveries)
    assert publisher.begin_delivery("e") == Delivery(1, None)  # no reply left unread


def test_scripts_lost_by_a_redis_restart_are_loaded_again(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    publisher = RedisPublisher(redis_db, unit_settings)
    redis_db.script_flush()  # what a restart without persistence of scripts leaves
    message = CleanedMessage(id="c", document={"text": "t"})
    assert publisher.settle(message, begin="d", look_ahead="d").wait() == Copy(None, 1, False)
    assert redis_db.exists(unit_settings.keys.doc("c"))
    assert redis_db.hget(unit_settings.keys.deliveries, "d") == b"1"  # run once, once loaded
