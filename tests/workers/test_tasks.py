"""The task's one path against a real Redis: ledger -> validate -> clean -> publish."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import cast

import pytest
import redis
from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

import cleaner.api
from cleaner.models import Mode
from tests.workers.conftest import queued_job_ids
from workers.app import make_celery
from workers.conf import TASK_NAME
from workers.dedup import RedisIndex
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job
from workers.producer import CleanerClient
from workers.publisher import RedisPublisher, RedisUnavailable, ResultMessage
from workers.settings import WorkerSettings
from workers.tasks import RETRY_COPY_MAX_BYTES, JobsFailed, clean_jobs, clean_options

pytestmark = pytest.mark.integration
MARKER = "zqxj-page-content-marker"


@dataclass
class Ledger:
    """A real Redis database with the producer and the publisher the task uses."""

    redis: redis.Redis
    settings: WorkerSettings
    client: CleanerClient
    publisher: RedisPublisher

    def submit(self, payload: str, job_id: str | None = None) -> str:
        job_id = self.client.submit_raw(payload, job_id)
        self.redis.delete(self.settings.queue)  # no worker: the test runs the message itself
        return job_id

    def run(self, *job_ids: str, hand_back: list[list[str]] | None = None,
            index: RedisIndex | None = None) -> list[FailedMessage]:
        return clean_jobs(job_ids, publisher=self.publisher, settings=self.settings,
                          options=clean_options(self.settings),
                          hand_back=(hand_back if hand_back is not None else []).append,
                          index=index)

    def outcome(self, job_id: str) -> ResultMessage:
        message = self.client.get(job_id)
        assert message is not None, f"no outcome for {job_id}"
        return message


@pytest.fixture
def ledger(redis_db: redis.Redis, unit_settings: WorkerSettings) -> Iterator[Ledger]:
    settings = unit_settings.model_copy(update={"max_job_bytes": 64 * 1024,
                                                "max_content_bytes": 32 * 1024})
    client = CleanerClient(settings, client=redis_db)
    yield Ledger(redis_db, settings, client, RedisPublisher(redis_db, settings))


def test_a_page_becomes_a_document_and_leaves_the_ledger(ledger: Ledger,
                                                          article_html: bytes) -> None:
    job = Job.from_content(article_html, url="https://e.com/flood", source="crawler-7",
                           meta={"batch": 3, "tags": ["a"]})
    job_id = ledger.submit(job.to_json())
    assert ledger.run(job_id) == []
    message = ledger.outcome(job_id)
    assert isinstance(message, CleanedMessage)
    assert message.meta == {"batch": 3, "tags": ["a"]}
    assert (message.url, message.source, message.version) == ("https://e.com/flood",
                                                                "crawler-7", job_id)
    assert "Volunteers filled sandbags" in str(message.document["text"])
    assert message.clean_ms is not None and message.clean_ms > 0
    keys = ledger.settings.keys
    for key in (keys.jobs, keys.versions, keys.deliveries):
        assert ledger.redis.hlen(key) == 0
    assert ledger.redis.zcard(keys.pending) == 0


def test_documents_carry_duplicate_of_and_a_redis_error_in_the_lookup_requeues(
    ledger: Ledger, article_html: bytes
) -> None:
    index = RedisIndex(ledger.redis, ledger.settings)
    first = ledger.submit(Job.from_content(article_html, id="first").to_json())
    copy = ledger.submit(Job.from_content(article_html + b"<p>Reporting by a wire.</p>",
                                          id="copy").to_json())
    ledger.run(first, copy, index=index)
    documents = [cast(CleanedMessage, ledger.outcome(job_id)).document for job_id in (first, copy)]
    assert [d["duplicate_of"] for d in documents] == [None, "first"]
    assert documents[0]["similarity"] is None
    assert cast(float, documents[1]["similarity"]) >= 0.9
    down = RedisIndex(redis.Redis(port=1, socket_connect_timeout=1), ledger.settings)
    third = ledger.submit(Job.from_content(article_html, id="third").to_json())
    with pytest.raises(RedisUnavailable):  # the task requeues its message: nothing published
        ledger.run(third, index=down)
    assert ledger.client.get(third) is None
    assert ledger.redis.zscore(ledger.settings.keys.pending, third) is not None


def test_a_finished_job_delivered_again_is_not_run_again(ledger: Ledger,
                                                         article_html: bytes) -> None:
    job_id = ledger.submit(Job.from_content(article_html).to_json())
    ledger.run(job_id)
    ledger.run(job_id)
    assert ledger.redis.xlen(ledger.settings.keys.results) == 1
    assert ledger.redis.hget(ledger.settings.keys.stats, "duplicate") == b"1"


@pytest.mark.parametrize(
    ("payload", "reason", "detail"),
    [
        ("{not json", FailReason.INVALID_JOB, "not JSON"),
        ('{"url": "https://e.com"}', FailReason.INVALID_JOB, "content: Field required"),
        ('{"content": "x", "priority": 1}', FailReason.INVALID_JOB, "priority: Extra inputs"),
        ("[" * 30_000 + "]" * 30_000, FailReason.INVALID_JOB, "nested too deeply"),
        (json.dumps({"content": "x", "meta": {"a": json.loads("[" * 200 + "]" * 200)}}),
         FailReason.INVALID_JOB, "meta: Value error, nested deeper than 32"),
        # finding 6: a lone surrogate, as json.dumps writes surrogate-escaped scraped text
        (json.dumps({"content": f"<p>{MARKER}</p>\ud800" + MARKER * 1000}),
         FailReason.INVALID_JOB, "not encodable as UTF-8"),
        (json.dumps({"content": "x" * 70_000}), FailReason.TOO_LARGE, "job message is"),
        (Job.from_content(b"<p>" + b"a " * 40_000 + b"</p>").to_json(), FailReason.TOO_LARGE,
         "inflates past the cap"),
        (Job.from_content(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).to_json(),
         FailReason.BINARY, ""),
        (Job.from_content(b"   ").to_json(), FailReason.EMPTY, ""),
    ],
    ids=["malformed-json", "missing-content", "unknown-field", "deep-json", "deep-meta",
         "lone-surrogate", "oversized-message", "oversized-content", "binary", "empty"],
)
def test_bad_jobs_become_failed_results_with_a_reason(ledger: Ledger, payload: str,
                                                      reason: FailReason, detail: str) -> None:
    job_id = ledger.submit(payload)
    [failure] = ledger.run(job_id)
    assert failure == ledger.outcome(job_id)
    assert failure.reason is reason
    assert detail in failure.detail
    assert MARKER not in failure.detail
    assert failure.job == (payload if len(payload) <= RETRY_COPY_MAX_BYTES else None)
    assert (failure.clean_ms is None) is (reason in {FailReason.INVALID_JOB, FailReason.TOO_LARGE})


def test_a_job_whose_id_disagrees_with_its_message_is_invalid(ledger: Ledger) -> None:
    job_id = ledger.submit(Job.from_content(b"<p>x</p>", id="inside").to_json(), "outside")
    [failure] = ledger.run(job_id)
    assert failure.reason is FailReason.INVALID_JOB


def test_a_job_delivered_too_often_fails_as_crashed_instead_of_looping(
    ledger: Ledger, article_html: bytes
) -> None:
    job_id = ledger.submit(Job.from_content(article_html, id="poison").to_json())
    ledger.redis.hset(ledger.settings.keys.deliveries, job_id, ledger.settings.max_deliveries)
    [failure] = ledger.run(job_id)
    assert failure.reason is FailReason.CRASHED
    assert failure.job is not None  # retry-failed can resubmit it


def test_a_job_with_no_stored_copy_fails_as_crashed(ledger: Ledger) -> None:
    job_id = ledger.submit(Job.from_content(b"<p>x</p>", id="gone").to_json())
    ledger.redis.hdel(ledger.settings.keys.jobs, job_id)
    [failure] = ledger.run(job_id)
    assert (failure.reason, failure.job) == (FailReason.CRASHED, None)


def test_the_soft_time_limit_in_the_page_fails_the_job_as_timeout(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, article_html: bytes
) -> None:
    def slow(*_args: object) -> None:  # billiard raises it inside the running page
        raise SoftTimeLimitExceeded()

    for mode in Mode:
        monkeypatch.setitem(cleaner.api.EXTRACTORS, mode, slow)
    job = Job.from_content(article_html, id="slow", url="https://example.org/a", meta={"n": 1})
    [failure] = ledger.run(ledger.submit(job.to_json()))
    assert failure.reason is FailReason.TIMEOUT
    assert "soft time limit" in failure.detail
    assert (failure.url, failure.meta) == ("https://example.org/a", {"n": 1})


def test_redis_trouble_fails_no_job(ledger: Ledger, article_html: bytes) -> None:
    """Finding 9: a Redis error (down, full, stalled) leaves the job in the ledger."""
    job_id = ledger.submit(Job.from_content(article_html, id="r").to_json())
    limit = ledger.redis.config_get("maxmemory")["maxmemory"]
    ledger.redis.config_set("maxmemory", 1)  # full: the job's start is refused
    try:
        with pytest.raises(RedisUnavailable, match="OOM"):
            ledger.run(job_id)
    finally:
        ledger.redis.config_set("maxmemory", limit)
    assert ledger.client.get(job_id) is None
    assert ledger.redis.zscore(ledger.settings.keys.pending, job_id) is not None
    assert ledger.run(job_id) == []  # the next run cleans it


def test_a_failed_job_fails_its_task_and_nothing_is_retried(ledger: Ledger,
                                                             article_html: bytes) -> None:
    """Issue 16: Celery (events, Flower, the log) sees a failed result as a failed task."""
    good = ledger.submit(Job.from_content(article_html, id="good").to_json())
    empty = ledger.submit(Job.from_content(b"   ", id="empty").to_json())
    task = make_celery(ledger.settings, publisher=ledger.publisher).tasks[TASK_NAME]
    result = task.apply(args=[[good, empty]])
    assert result.state == "FAILURE"
    assert isinstance(result.result, JobsFailed)
    assert str(result.result) == "1 of 2 jobs failed: empty empty"
    assert task.apply(args=[[good]]).state == "SUCCESS"  # finished: skipped, not failed


def stored(ledger: Ledger, *ids: str) -> list[str]:
    return [ledger.submit(Job.from_content(f"<p>page {i}</p>".encode(), id=i).to_json())
            for i in ids]


def test_a_message_runs_its_jobs_in_order(ledger: Ledger) -> None:
    handed_back: list[list[str]] = []
    ledger.run(*stored(ledger, "a", "b", "c"), hand_back=handed_back)
    order = [fields[b"id"] for _, fields in ledger.redis.xrange(ledger.settings.keys.failed)]
    assert order == [b"a", b"b", b"c"]  # tiny pages: no_article, in order
    assert handed_back == []


def test_a_message_past_its_budget_hands_its_unstarted_jobs_back(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = ledger.settings.message_budget_s
    clock = iter([0.0, budget - 1, budget + 1])
    fake_time = SimpleNamespace(monotonic=lambda: next(clock), perf_counter=time.perf_counter,
                                time=time.time)
    monkeypatch.setattr("workers.tasks.time", fake_time)  # the task's clock only, not redis-py's
    handed_back: list[list[str]] = []
    ledger.run(*stored(ledger, "a", "b", "c", "d"), hand_back=handed_back)
    assert ledger.redis.xlen(ledger.settings.keys.failed) == 2  # c would start past the budget
    assert handed_back == [["c", "d"]]


def test_a_hard_time_limit_mid_message_fails_the_running_job_and_requeues_the_rest(
    ledger: Ledger
) -> None:
    ids = stored(ledger, "j0", "j1", "j2")
    task = make_celery(ledger.settings, publisher=ledger.publisher).tasks[TASK_NAME]
    ledger.run(ids[0])  # j0 finished; j1 was running when the child was killed
    ledger.redis.zadd(ledger.settings.keys.pending, {"j1": 1.0})  # started long ago
    task.on_failure(TimeLimitExceeded(90), "j0+2", [ids], {}, None)
    failure = ledger.outcome("j1")
    assert isinstance(failure, FailedMessage) and failure.reason is FailReason.TIMEOUT
    assert failure.job is not None  # the stored copy, to retry
    assert ledger.client.get("j2") is None
    assert queued_job_ids(ledger.redis, ledger.settings.queue) == ["j2"]  # back in the queue
