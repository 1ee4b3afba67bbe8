"""The producer client: ledger first, then tasks; no `cleaner` import; size cap up front."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
import redis

from tests.workers.conftest import queued_job_ids, queued_messages
from workers.messages import CleanedMessage, Job, JobTooLarge
from workers.producer import CleanerClient, IdConflict, InvalidJobId, RedisFull
from workers.publisher import RedisPublisher
from workers.results import ResultStore
from workers.settings import WorkerSettings


def test_the_producer_does_not_import_the_cleaning_library() -> None:
    code = ("import sys, workers.producer, workers.results, workers.inbox; "
            "print([m for m in sys.modules if m == 'cleaner' or m.startswith('cleaner.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.integration
def test_submit_many_writes_the_ledger_and_messages_of_job_ids(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = unit_settings.model_copy(update={"jobs_per_message": 8})
    client = CleanerClient(settings, client=redis_db)
    jobs = [Job.from_content(f"<p>page {n}</p>".encode(), meta={"n": n}) for n in range(25)]
    ids = client.submit_many(jobs, batch_size=10)
    assert ids == [job.id for job in jobs]
    assert redis_db.zcard(unit_settings.keys.pending) == 25
    # batches of 1, 2, 4, 8, then 10 (the first pages start at once); 8 jobs a message at most
    sizes = [len(ids) for ids in queued_messages(redis_db, unit_settings.queue)]
    assert sizes == [1, 2, 4, 8, 8, 2]
    assert queued_job_ids(redis_db, unit_settings.queue) == ids
    body = json.loads(redis_db.lindex(unit_settings.queue, -1))
    assert body["headers"]["task"] == "cleaner.clean_page"
    assert "page" not in body["headers"]["argsrepr"]  # content never shown in events/Flower
    assert "page" not in base64.b64decode(body["body"]).decode()  # the id only: a claim check
    assert redis_db.hlen(unit_settings.keys.jobs) == 25  # the jobs themselves
    stats = ResultStore(redis_db, unit_settings).stats()
    assert (stats.submitted, stats.in_flight, stats.queued) == (25, 25, 6)  # 6 messages
    client.close()


@pytest.mark.integration
def test_the_last_batch_tapers_to_one_job_messages(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    client = CleanerClient(unit_settings.model_copy(update={"jobs_per_message": 8}),
                           client=redis_db)
    jobs = [Job.from_content(f"<p>page {n}</p>".encode()) for n in range(23)]
    ids = client.submit_many(jobs, batch_size=10)
    # batches of 1, 2, 4, 8, then 8 (< 10: the last), which splits in halves: the
    # pool's processes each end on a one-page message, not one on 8 pages alone
    sizes = [len(ids) for ids in queued_messages(redis_db, unit_settings.queue)]
    assert sizes == [1, 2, 4, 8, 4, 2, 1, 1]
    assert queued_job_ids(redis_db, unit_settings.queue) == ids
    client.close()


@pytest.mark.integration
def test_an_oversized_job_is_refused_before_anything_of_its_batch_is_sent(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = unit_settings.model_copy(update={"max_job_bytes": 2048})
    client = CleanerClient(settings, client=redis_db)
    small = [Job.from_content(f"<p>ok {n}</p>".encode()) for n in range(3)]
    with pytest.raises(JobTooLarge):  # batches of 1, then 2: the second holds the big one
        client.submit_many([small[0], small[1], Job(content="x" * 4096), small[2]])
    assert queued_job_ids(redis_db, settings.queue) == [small[0].id]
    assert redis_db.hlen(settings.keys.jobs) == 1
    client.close()


@pytest.mark.integration
def test_a_known_id_with_another_page_is_a_conflict_unless_forced(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """Finding 1: one id, two pages: never silently dropped."""
    keys = unit_settings.keys
    client = CleanerClient(unit_settings, client=redis_db)
    first = Job.from_content(b"<p>first crawl</p>", id="https-e.com-a")
    second = Job.from_content(b"<p>second crawl</p>", id="https-e.com-a")
    assert client.submit(first) == "https-e.com-a"
    assert client.submit(first) == "https-e.com-a"  # the same page: known, not sent again
    with pytest.raises(IdConflict) as conflict:
        client.submit_many([second, Job.from_content(b"<p>other</p>", id="b")])
    assert conflict.value.code == "id_conflict"
    assert conflict.value.conflicts == ["https-e.com-a"]
    assert conflict.value.ids == ["https-e.com-a", "b"]  # the other job went in
    assert b"first crawl" in redis_db.hget(keys.jobs, "https-e.com-a")
    assert queued_job_ids(redis_db, unit_settings.queue) == ["https-e.com-a", "b"]
    client.submit(second, force=True)  # the new page replaces the old one
    assert b"second crawl" in redis_db.hget(keys.jobs, "https-e.com-a")
    assert queued_job_ids(redis_db, unit_settings.queue) == ["https-e.com-a", "b",
                                                            "https-e.com-a"]
    # an outcome of the old page, from a worker that read it before the force, is not published
    publisher = RedisPublisher(redis_db, unit_settings)
    stale = CleanedMessage(id="https-e.com-a", document={"text": "first crawl"},
                           version=first.version(2**20))
    assert publisher.publish(stale) is False
    assert client.get("https-e.com-a") is None
    # once done, the id still knows its page: a third page conflicts again
    publisher.publish(CleanedMessage(id="https-e.com-a", document={"text": "second crawl"},
                                     version=second.version(2**20)))
    with pytest.raises(IdConflict):
        client.submit(Job.from_content(b"<p>third crawl</p>", id="https-e.com-a"))
    assert client.submit(second) == "https-e.com-a"  # known: its outcome stands
    client.close()


@pytest.mark.integration
def test_ids_are_validated_at_every_entry_point(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    client = CleanerClient(unit_settings, client=redis_db)
    for bad in ("with space", "new\nline", "*", "x" * 1_000_000, ""):
        with pytest.raises(InvalidJobId, match="not a valid job id") as refused:
            client.submit_raw('{"content": "x"}', bad)
        assert len(str(refused.value)) < 200
    assert redis_db.hlen(unit_settings.keys.jobs) == 0
    client.close()


@pytest.mark.integration
def test_a_full_redis_refuses_new_jobs_with_no_page_in_the_error(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    """Finding 3: the error names the cause, not the page; nothing refused runs later."""
    client = CleanerClient(unit_settings.model_copy(update={"submit_memory_share": 1e-6}),
                           client=redis_db)
    marker = "zqxj-page-content-marker"
    with pytest.raises(RedisFull, match="Redis is full") as refused:
        client.submit_many(Job.from_content(f"<p>{marker} {n}</p>") for n in range(5))
    assert marker not in str(refused.value)
    assert len(refused.value.refused) == 1 and refused.value.accepted == []  # the first batch
    assert redis_db.hlen(unit_settings.keys.jobs) == 0
    assert redis_db.llen(unit_settings.queue) == 0
    client.close()


@pytest.mark.integration
def test_jobs_whose_messages_the_broker_refused_leave_the_ledger(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    settings = unit_settings.model_copy(update={"jobs_per_message": 1})
    client = CleanerClient(settings, client=redis_db)
    redis_db.set(settings.queue, "not a list")  # the broker's LPUSH fails
    with pytest.raises(RedisFull, match="WRONGTYPE") as refused:
        client.submit_many([Job.from_content(b"<p>a</p>", id="a")])
    assert refused.value.refused == ["a"]
    assert redis_db.hlen(settings.keys.jobs) == 0
    assert redis_db.zcard(settings.keys.pending) == 0
    client.close()
