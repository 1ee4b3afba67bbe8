"""The one task: validate the job -> `cleaner.clean` -> publish. All cleaning lives in `cleaner/`.

`clean_job` and `clean_jobs` are plain functions (unit-tested with the
in-memory publisher); the Celery task only hands them the message and the
process's publisher. A message carries job ids (`[[id, ...]]`, run in order);
each job's JSON is read from Redis and validated here, so a malformed job
becomes a failed result with a reason, never a crash in the consumer and never
a silently dropped message. Older messages, `[id]` or `[id, job JSON]`, still run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery import Celery, Task
from kombu.exceptions import OperationalError

from cleaner import CleanedDocument, CleanOptions, Rejected, clean
from workers.conf import TASK_NAME
from workers.messages import (
    CleanedMessage,
    FailedMessage,
    FailReason,
    InvalidJob,
    Job,
    JobError,
    decode_job,
)
from workers.producer import message_job_ids, send_jobs
from workers.publisher import ResultMessage, ResultPublisher
from workers.settings import WorkerSettings

log = logging.getLogger(__name__)


def clean_job(
    job_id: str, payload: str | None, *, publisher: ResultPublisher, settings: WorkerSettings,
    options: CleanOptions,
) -> ResultMessage | None:
    """Clean one job and publish its outcome (idempotent by job id).

    `payload` is the job message, or None to use the copy the producer stored in
    Redis (its Celery message carries only the id: a page crosses the broker once).
    None when the job already had an outcome: a leftover copy is not run again."""
    delivery = publisher.begin_delivery(job_id)
    if delivery is None:
        return None
    payload = delivery.job if payload is None else payload
    message = _run(job_id, payload, delivery.count, settings=settings, options=options)
    publisher.publish(message)
    return message


def clean_jobs(
    job_ids: Sequence[str], *, publisher: ResultPublisher, settings: WorkerSettings,
    options: CleanOptions, hand_back: Callable[[list[str]], None],
) -> None:
    """Clean a message's jobs in order; once it has run `message_budget_s`, hand the rest back.

    One round trip per job, sent before the page is cleaned and read after: it
    counts the page's delivery (before the page can kill the process), publishes
    the job before it, and reads the copy of the job after it. Redis does that
    while the page is cleaned instead of the worker waiting for it. The time
    limits are per message, so the pages that have not started by the budget go
    back to the queue as a new message rather than run short of time.
    """
    started = time.monotonic()
    copy = publisher.settle(look_ahead=job_ids[0]).wait()
    outcome: ResultMessage | None = None  # the last job's, published with the next job's start
    for n, job_id in enumerate(job_ids):
        following = job_ids[n + 1] if n + 1 < len(job_ids) else None
        settling = publisher.settle(outcome, begin=job_id, look_ahead=following)
        try:
            outcome = None if copy is None or copy.finished else _run(
                job_id, copy.job, copy.deliveries + 1, settings=settings, options=options)
        finally:  # read the replies even on the way out: the connection must not hold them
            copy = settling.wait()
        if following is not None and time.monotonic() - started > settings.message_budget_s:
            publisher.settle(outcome).wait()
            hand_back(list(job_ids[n + 1:]))
            return
    publisher.settle(outcome).wait()  # before the message is acked


def _run(
    job_id: str, payload: str | None, deliveries: int, *, settings: WorkerSettings,
    options: CleanOptions,
) -> ResultMessage:
    if deliveries > settings.max_deliveries:  # it keeps killing workers: stop the loop
        detail = f"delivered {deliveries} times without an outcome (killed or lost worker)"
        return _failed(job_id, FailReason.CRASHED, detail, payload, settings)
    if payload is None:
        detail = "no stored copy of the job to run (deleted, or lost by Redis)"
        return _failed(job_id, FailReason.CRASHED, detail, payload, settings)
    try:
        job = decode_job(payload, max_job_bytes=settings.max_job_bytes)
        if job.id is not None and job.id != job_id:
            raise InvalidJob(f"id: the job says {job.id!r}, its message says {job_id!r}")
        raw = job.content_bytes(settings.max_content_bytes)
    except JobError as error:
        return _failed(job_id, error.reason, error.detail, payload, settings)
    return _clean_within_time_limit(job_id, job, raw, payload, settings=settings, options=options)


def clean_options(settings: WorkerSettings) -> CleanOptions:
    return CleanOptions(
        max_bytes=settings.max_content_bytes, mode=settings.clean_mode,
        include_removed=settings.include_removed, include_markdown=settings.include_markdown,
    )


def _clean_within_time_limit(
    job_id: str, job: Job, raw: bytes, payload: str, *, settings: WorkerSettings,
    options: CleanOptions,
) -> ResultMessage:
    started = time.perf_counter()
    try:
        result = clean(raw, url=job.url, content_type=job.content_type, options=options,
                       propagate=(SoftTimeLimitExceeded,))
    except SoftTimeLimitExceeded:  # billiard raised it into the page's run: stop, answer
        detail = f"ran past the soft time limit of {settings.soft_time_limit} s"
        return _failed(job_id, FailReason.TIMEOUT, detail, payload, settings,
                       clean_ms=_ms_since(started), **_passthrough(job))
    return _outcome(job_id, job, result, payload, settings, clean_ms=_ms_since(started))


def _ms_since(started: float) -> float:
    return round(1000 * (time.perf_counter() - started), 3)


def _outcome(
    job_id: str, job: Job, result: CleanedDocument | Rejected, payload: str,
    settings: WorkerSettings, *, clean_ms: float,
) -> ResultMessage:
    if isinstance(result, CleanedDocument):
        document = result.model_dump(mode="json", exclude_none=True)
        return CleanedMessage(id=job_id, document=document, clean_ms=clean_ms,
                              **_passthrough(job))
    return _failed(job_id, FailReason(result.reason.value), result.detail, payload, settings,
                   title=result.title, clean_ms=clean_ms, **_passthrough(job))


def _passthrough(job: Job) -> dict[str, Any]:
    """The job's fields every outcome carries back, cleaned or failed."""
    return {"url": job.url, "source": job.source, "fetched_at": job.fetched_at, "meta": job.meta}


def _failed(
    job_id: str, reason: FailReason, detail: str, payload: str | None, settings: WorkerSettings,
    **fields: Any,
) -> FailedMessage:
    retry_copy = payload if payload is not None and len(payload) <= settings.max_job_bytes else None
    return FailedMessage(id=job_id, reason=reason, detail=detail, job=retry_copy, **fields)


class CleanTask(Task):  # type: ignore[misc]  # celery is untyped
    """Adds one thing to Task: a failure outside `clean_job` still publishes a failed result."""

    publisher: ResultPublisher
    settings: WorkerSettings

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # Runs in the parent for a hard time limit (the child was killed), in
        # the child for an exception that escaped clean_job (Redis errors
        # after the retries ran out). A message's jobs run in order, so the
        # first one without an outcome is the one that failed; the ones after
        # it have not run and go back to the queue.
        timed_out = isinstance(exc, TimeLimitExceeded)
        reason = FailReason.TIMEOUT if timed_out else FailReason.INTERNAL_ERROR
        job_ids = message_job_ids(args) or [task_id]
        try:
            unfinished = self.publisher.without_outcome(job_ids)
            if not unfinished:
                return
            failed, rest = unfinished[0], unfinished[1:]
            payload = args[1] if len(args) > 1 else self.publisher.stored_job(failed)
            self.publisher.publish(_failed(failed, reason, type(exc).__name__, payload,
                                           self.settings))
            if rest:
                send_jobs(self.app, rest, self.settings.queue)
        except (redis.RedisError, OperationalError):
            log.exception("could not publish the failure of job(s) %s", " ".join(job_ids[:20]))


def register_clean_task(app: Celery, settings: WorkerSettings, publisher: ResultPublisher) -> Task:
    options = clean_options(settings)

    @app.task(  # type: ignore[untyped-decorator]  # celery is untyped
        name=TASK_NAME, bind=True, base=CleanTask, publisher=publisher, settings=settings,
        shared=False,  # this app's task, with this app's publisher: not in Celery's global list
        # Redis blips retry with backoff; a page's own problems never raise
        autoretry_for=(redis.ConnectionError, redis.TimeoutError), retry_backoff=True,
        max_retries=5,
    )
    def clean_page(self: CleanTask, job_ids: list[str] | str, payload: str | None = None) -> None:
        if isinstance(job_ids, str):  # an older message: one id, perhaps with the job itself
            clean_job(job_ids, payload, publisher=self.publisher, settings=settings,
                      options=options)
            return
        clean_jobs(job_ids, publisher=self.publisher, settings=settings, options=options,
                   hand_back=lambda rest: send_jobs(self.app, rest, settings.queue))

    return clean_page
