"""The task as a plain function with the in-memory publisher: validate -> clean -> publish."""

from __future__ import annotations

import json

import pytest
import redis
from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

import cleaner.api
from cleaner.models import Mode
from tests.workers.conftest import queued_job_ids
from workers.app import make_celery
from workers.conf import TASK_NAME
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job, job_id_for_payload
from workers.producer import CleanerClient
from workers.publisher import InMemoryPublisher, RedisPublisher
from workers.settings import WorkerSettings
from workers.tasks import clean_job, clean_jobs, clean_options

SETTINGS = WorkerSettings(redis_url="redis://unused", max_job_bytes=64 * 1024,
                          max_content_bytes=32 * 1024)


def run(job_id: str, payload: str, publisher: InMemoryPublisher) -> CleanedMessage | FailedMessage:
    message = clean_job(job_id, payload, publisher=publisher, settings=SETTINGS,
                        options=clean_options(SETTINGS))
    assert message is not None, "a first delivery always has an outcome"
    return message


def test_a_page_becomes_a_document_with_the_jobs_pass_through_fields(article_html: bytes) -> None:
    publisher = InMemoryPublisher()
    job = Job.from_content(article_html, url="https://e.com/flood", source="crawler-7",
                           meta={"batch": 3, "tags": ["a"]})
    message = run(str(job.id), job.to_json(), publisher)
    assert isinstance(message, CleanedMessage)
    assert message.meta == {"batch": 3, "tags": ["a"]}
    assert (message.url, message.source) == ("https://e.com/flood", "crawler-7")
    assert "Volunteers filled sandbags" in str(message.document["text"])
    assert publisher.results == [message]
    assert publisher.deliveries == {}  # the ledger forgets a finished job
    assert message.clean_ms is not None and message.clean_ms > 0  # the page's own cost


def test_the_same_job_twice_leaves_one_document(article_text: bytes) -> None:
    publisher = InMemoryPublisher()
    job = Job.from_content(article_text)
    run(str(job.id), job.to_json(), publisher)
    again = clean_job(str(job.id), job.to_json(), publisher=publisher, settings=SETTINGS,
                      options=clean_options(SETTINGS))
    assert again is None  # a leftover copy is settled without cleaning the page again
    assert len(publisher.results) == 1
    assert publisher.duplicates == 1


@pytest.mark.parametrize(
    ("payload", "reason", "detail"),
    [
        ("{not json", FailReason.INVALID_JOB, "not JSON"),
        ('{"url": "https://e.com"}', FailReason.INVALID_JOB, "content: Field required"),
        ('{"content": "x", "priority": 1}', FailReason.INVALID_JOB, "priority: Extra inputs"),
        (json.dumps({"content": "x" * 70_000}), FailReason.TOO_LARGE, "job message is"),
        (Job.from_content(b"<p>" + b"a " * 40_000 + b"</p>").to_json(), FailReason.TOO_LARGE,
         "inflates past the cap"),
        (Job.from_content(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).to_json(),
         FailReason.BINARY, ""),
        (Job.from_content(b"   ").to_json(), FailReason.EMPTY, ""),
    ],
    ids=["malformed-json", "missing-content", "unknown-field", "oversized-message",
         "oversized-content", "binary", "empty"],
)
def test_bad_jobs_become_failed_results_with_a_reason(payload: str, reason: FailReason,
                                                      detail: str) -> None:
    publisher = InMemoryPublisher()
    job_id = job_id_for_payload(payload, max_job_bytes=SETTINGS.max_job_bytes)
    message = run(job_id, payload, publisher)
    assert isinstance(message, FailedMessage)
    assert message.reason is reason
    assert detail in message.detail
    assert publisher.failed == [message]
    assert message.job == (payload if len(payload) <= SETTINGS.max_job_bytes else None)
    # a job refused before the cleaner saw it has no cleaning time; a page it rejected has one
    assert (message.clean_ms is None) is (reason in {FailReason.INVALID_JOB, FailReason.TOO_LARGE})


def test_a_job_whose_id_disagrees_with_its_message_is_invalid() -> None:
    job = Job.from_content(b"<p>x</p>", id="inside")
    message = run("outside", job.to_json(), InMemoryPublisher())
    assert isinstance(message, FailedMessage)
    assert message.reason is FailReason.INVALID_JOB


def test_a_job_delivered_too_often_fails_as_crashed_instead_of_looping(article_text: bytes) -> None:
    publisher = InMemoryPublisher(deliveries={"poison": SETTINGS.max_deliveries})
    message = run("poison", Job.from_content(article_text, id="poison").to_json(), publisher)
    assert isinstance(message, FailedMessage)
    assert message.reason is FailReason.CRASHED
    assert message.job is not None  # retry-failed can resubmit it


def test_the_soft_time_limit_fails_the_job_as_timeout(monkeypatch: pytest.MonkeyPatch,
                                                     article_text: bytes) -> None:
    def slow(*_args: object) -> None:  # billiard raises it inside the running page
        raise SoftTimeLimitExceeded()

    for mode in Mode:
        monkeypatch.setitem(cleaner.api.EXTRACTORS, mode, slow)
    job = Job.from_content(article_text, id="slow", url="https://example.org/a", meta={"n": 1})
    message = run("slow", job.to_json(), InMemoryPublisher())
    assert isinstance(message, FailedMessage)
    assert message.reason is FailReason.TIMEOUT
    assert "soft time limit" in message.detail
    assert (message.url, message.meta) == ("https://example.org/a", {"n": 1})


def test_a_hard_time_limit_still_publishes_a_timeout_failure() -> None:
    publisher = InMemoryPublisher()
    app = make_celery(SETTINGS, publisher=publisher)
    task = app.tasks[TASK_NAME]
    payload = Job.from_content(b"<p>x</p>", id="stuck").to_json()
    task.on_failure(TimeLimitExceeded(90), "stuck", ("stuck", payload), {}, None)
    [failure] = publisher.failed
    assert (failure.id, failure.reason, failure.job) == ("stuck", FailReason.TIMEOUT, payload)


def test_a_message_with_the_id_only_runs_the_stored_copy(article_html: bytes) -> None:
    payload = Job.from_content(article_html, id="claim").to_json()
    publisher = InMemoryPublisher(jobs={"claim": payload})
    message = clean_job("claim", None, publisher=publisher, settings=SETTINGS,
                        options=clean_options(SETTINGS))
    assert isinstance(message, CleanedMessage)
    assert publisher.jobs == {}  # the copy leaves with the outcome


def test_a_message_with_no_stored_copy_fails_as_crashed() -> None:
    message = clean_job("gone", None, publisher=InMemoryPublisher(), settings=SETTINGS,
                        options=clean_options(SETTINGS))
    assert isinstance(message, FailedMessage)
    assert (message.reason, message.job) == (FailReason.CRASHED, None)


def test_a_hard_time_limit_on_an_id_only_message_keeps_the_copy_to_retry() -> None:
    payload = Job.from_content(b"<p>x</p>", id="stuck").to_json()
    publisher = InMemoryPublisher(jobs={"stuck": payload})
    app = make_celery(SETTINGS, publisher=publisher)
    app.tasks[TASK_NAME].on_failure(TimeLimitExceeded(90), "stuck", ("stuck",), {}, None)
    [failure] = publisher.failed
    assert (failure.reason, failure.job) == (FailReason.TIMEOUT, payload)


def stored_jobs(*ids: str) -> dict[str, str]:
    return {job_id: Job.from_content(f"<p>page {job_id}</p>".encode(), id=job_id).to_json()
            for job_id in ids}


def test_a_message_runs_its_jobs_in_order() -> None:
    publisher = InMemoryPublisher(jobs=stored_jobs("a", "b", "c"))
    handed_back: list[list[str]] = []
    clean_jobs(["a", "b", "c"], publisher=publisher, settings=SETTINGS,
               options=clean_options(SETTINGS), hand_back=handed_back.append)
    assert list(publisher.documents) == ["a", "b", "c"]
    assert handed_back == []


def test_a_message_past_its_budget_hands_its_unstarted_jobs_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([0.0, SETTINGS.message_budget_s - 1, SETTINGS.message_budget_s + 1])
    monkeypatch.setattr("workers.tasks.time.monotonic", lambda: next(clock))
    publisher = InMemoryPublisher(jobs=stored_jobs("a", "b", "c", "d"))
    handed_back: list[list[str]] = []
    clean_jobs(["a", "b", "c", "d"], publisher=publisher, settings=SETTINGS,
               options=clean_options(SETTINGS), hand_back=handed_back.append)
    assert list(publisher.documents) == ["a", "b"]  # c would start past the budget
    assert handed_back == [["c", "d"]]


@pytest.mark.integration
def test_a_hard_time_limit_mid_message_fails_the_running_job_and_requeues_the_rest(
    redis_db: redis.Redis, unit_settings: WorkerSettings
) -> None:
    client = CleanerClient(unit_settings, client=redis_db)
    ids = client.submit_many(Job.from_content(f"<p>{n}</p>", id=f"j{n}") for n in range(3))
    redis_db.delete(unit_settings.queue)  # these messages are the test's to play out
    publisher = RedisPublisher(redis_db, unit_settings)
    task = make_celery(unit_settings, publisher=publisher).tasks[TASK_NAME]
    clean_job(ids[0], None, publisher=publisher, settings=unit_settings,
              options=clean_options(unit_settings))  # j0 finished; j1 was running when killed
    task.on_failure(TimeLimitExceeded(90), "j0+2", [ids], {}, None)
    failure = client.get("j1")
    assert isinstance(failure, FailedMessage) and failure.reason is FailReason.TIMEOUT
    assert failure.job is not None  # the stored copy, to retry
    assert client.get("j2") is None
    assert queued_job_ids(redis_db, unit_settings.queue) == ["j2"]  # back in the queue
    client.close()
