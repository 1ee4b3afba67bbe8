"""The sweeper against a real Redis, with the broker's states set up by hand (no worker).

"Lost" is a message gone from the queue while its job is still in the ledger:
what kombu's BRPOP-then-`unacked` window or a Redis restart leaves behind.
Ages are set through ledger scores, not sleeps.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import cast

import pytest
import redis
from kombu.exceptions import OperationalError

from tests.workers.conftest import queued_job_ids
from workers.embedded import EmbeddedRedis
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job
from workers.producer import CleanerClient
from workers.publisher import RedisPublisher
from workers.results import ResultStore
from workers.settings import WorkerSettings
from workers.sweeper import UNACKED_KEY, Sweeper, make_sweeper, run_sweeper

SWEEPER_DB = 3  # kombu's `unacked` hash is per database: keep it to these tests
SWEEP_AFTER_S = 30


@pytest.fixture
def settings(redis_server: EmbeddedRedis) -> WorkerSettings:
    return WorkerSettings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{SWEEPER_DB}",
                          key_prefix="sw", queue="sw-queue", soft_time_limit=5, time_limit=10,
                          visibility_timeout=20, sweep_after_s=SWEEP_AFTER_S, sweep_interval_s=5)


@pytest.fixture
def client(settings: WorkerSettings) -> Iterator[CleanerClient]:
    producer = CleanerClient(settings)
    producer.redis.flushdb()
    yield producer
    producer.redis.flushdb()
    producer.close()


@pytest.fixture
def sweeper(settings: WorkerSettings, client: CleanerClient) -> Sweeper:
    return make_sweeper(settings, client.redis)


def submit(client: CleanerClient, count: int) -> list[str]:
    """Submit `count` jobs, then date them back in submit order, oldest first."""
    ids = client.submit_many(Job.from_content(f"<p>page {n}</p>", id=f"job-{n}")
                             for n in range(count))
    long_ago = time.time() - 10 * SWEEP_AFTER_S
    client.redis.zadd("sw:pending", {job_id: long_ago + n for n, job_id in enumerate(ids)},
                      xx=True)
    return ids


def queued_ids(db: redis.Redis, settings: WorkerSettings) -> list[str]:
    """Job ids in the Celery queue, head (next to be consumed) first."""
    return queued_job_ids(db, settings.queue)


def lose_head(db: redis.Redis, settings: WorkerSettings) -> bytes:
    """What a worker killed right after kombu's BRPOP leaves: the message is gone."""
    message = db.rpop(settings.queue)
    assert isinstance(message, bytes)
    return message


def test_a_job_lost_by_the_broker_is_resubmitted_once(
    client: CleanerClient, sweeper: Sweeper, settings: WorkerSettings
) -> None:
    ids = submit(client, 3)
    client.redis.delete(settings.queue)  # e.g. a Redis restart that lost the queue
    report = sweeper.sweep_now()
    assert sorted(report.resubmitted) == ids
    assert sorted(queued_ids(client.redis, settings)) == ids
    assert sweeper.sweep_now().lost == 0  # resubmitted = a sign of life: not again before due
    stats = ResultStore(client.redis, settings).stats()
    assert (stats.recovered, stats.submitted, stats.in_flight) == (3, 3, 3)  # jobs, not sends
    assert "recovered   3" in stats.lines()


def test_a_backlog_older_than_the_deadline_is_waiting_not_lost(
    client: CleanerClient, sweeper: Sweeper, settings: WorkerSettings
) -> None:
    ids = submit(client, 5)
    assert sweeper.sweep_now().lost == 0  # all queued behind an older head
    lose_head(client.redis, settings)
    assert sweeper.sweep_now().resubmitted == [ids[0]]
    assert queued_ids(client.redis, settings) == [*ids[1:], ids[0]]  # at the back


def test_a_job_a_worker_holds_is_left_to_kombus_restore(
    client: CleanerClient, sweeper: Sweeper, settings: WorkerSettings
) -> None:
    submit(client, 3)  # two messages: [job-0], [job-1, job-2]
    for tag in ("tag-1", "tag-2"):  # both taken by workers: every job of each is held
        message = json.loads(lose_head(client.redis, settings))
        client.redis.hset(UNACKED_KEY, tag, json.dumps([message, "", settings.queue]))
    assert sweeper.sweep_now().lost == 0


def test_a_job_that_started_within_the_deadline_is_not_lost(
    client: CleanerClient, sweeper: Sweeper, settings: WorkerSettings
) -> None:
    ids = submit(client, 1)
    lose_head(client.redis, settings)
    RedisPublisher(client.redis, settings).advance(start=ids[0]).wait()  # a worker started it
    assert sweeper.sweep_now().lost == 0


def test_a_lost_job_without_a_copy_fails_as_crashed(
    client: CleanerClient, sweeper: Sweeper, settings: WorkerSettings
) -> None:
    client.redis.zadd("sw:pending", {"no-copy": time.time() - 10 * SWEEP_AFTER_S})
    assert sweeper.sweep_now().failed == ["no-copy"]
    outcome = client.get("no-copy")
    assert isinstance(outcome, FailedMessage)
    assert outcome.reason is FailReason.CRASHED
    assert client.redis.zcard("sw:pending") == 0


def test_one_sweeper_per_interval_across_the_fleet(
    client: CleanerClient, settings: WorkerSettings
) -> None:
    ids = submit(client, 2)
    client.redis.delete(settings.queue)
    first, second = make_sweeper(settings, client.redis), make_sweeper(settings, client.redis)
    assert sorted(first.sweep().resubmitted) == ids
    client.redis.delete(settings.queue)
    client.redis.zadd("sw:pending", dict.fromkeys(ids, 0.0), xx=True)
    assert second.sweep().lost == 0  # the lock: the first swept within the interval


def test_publishing_an_outcome_drops_the_jobs_copy(
    client: CleanerClient, settings: WorkerSettings
) -> None:
    job_id = client.submit(Job.from_content("<p>x</p>", id="done"))
    assert client.redis.hexists("sw:jobs", job_id)
    RedisPublisher(client.redis, settings).publish(CleanedMessage(id=job_id, document={}))
    assert not client.redis.hexists("sw:jobs", job_id)
    assert client.redis.zcard("sw:pending") == 0


def test_the_deadline_must_exceed_the_hard_time_limit() -> None:
    with pytest.raises(ValueError, match="sweep_after_s > time_limit"):
        WorkerSettings(time_limit=90, sweep_after_s=60)


def test_the_sweeper_thread_outlives_a_failed_sweep(settings: WorkerSettings) -> None:
    stop, failures = threading.Event(), [redis.ConnectionError("down"),
                                         OperationalError("broker down"), KeyError("bug")]

    class Flaky:
        def sweep(self) -> None:
            if not failures:
                stop.set()
                return
            raise failures.pop(0)

    fast = settings.model_copy(update={"sweep_interval_s": 0.01})
    run_sweeper(cast(Sweeper, Flaky()), fast, stop)  # returns once all three were survived
    assert failures == []


def test_the_sweeper_runs_without_the_cleaning_library() -> None:
    code = ("import sys, workers.sweeper; "
            "print([m for m in sys.modules if m == 'cleaner' or m.startswith('cleaner.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
