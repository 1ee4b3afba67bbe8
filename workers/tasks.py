"""The one task: validate the job -> `cleaner.clean` -> publish. All cleaning lives in `cleaner/`.

A task message carries job ids (`[[id, ...]]`), run in order. Each job's
message is read from the ledger and validated here, so a malformed job becomes
a failed result with a reason, never a crash in the consumer and never a
silently dropped message.

What a task's state says, in Celery events, Flower and the worker log:

    succeeded   every job of the message has its document (or had an outcome already)
    failed      `JobsFailed`: jobs that ended as failed results, each id with its reason
    rejected    `RedisUnavailable`: Redis refused or stalled (down, full, frozen past the
                soft limit); no job is failed for it: the message is requeued (or, if
                Redis cannot take it, the sweeper resubmits its jobs from the ledger)

Page content never reaches a log: the exceptions raised here name ids, reasons
and exception types only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery import Celery, Task
from celery.exceptions import Reject

from cleaner import CleanedDocument, CleanOptions, Rejected, clean
from workers import metrics
from workers.conf import TASK_NAME
from workers.dedup import RedisIndex, with_duplicate
from workers.messages import (
    CleanedMessage,
    FailedMessage,
    FailReason,
    InvalidJob,
    Job,
    JobError,
    decode_job,
    job_ids_of_task,
)
from workers.producer import send_jobs
from workers.publisher import (
    RedisPublisher,
    RedisUnavailable,
    ResultMessage,
    StoredJob,
    describe_redis_error,
)
from workers.settings import WorkerSettings

log = logging.getLogger(__name__)
REQUEUE_PAUSE_S = 1.0  # below any soft-to-hard margin (>= 1 s: the limits are whole seconds)
# A failed job's message is kept in its outcome for `retry-failed` up to this size: a 7 MB
# page must not sit in Redis twice (doc key and stream entry) for a day.
RETRY_COPY_MAX_BYTES = 512 * 1024


class JobsFailed(Exception):
    """Jobs of a message ended as failed results (published already): the task's failure.

    One text argument, so Celery can hand it from the pool child to the worker."""

    @classmethod
    def of(cls, failures: Sequence[FailedMessage], total: int) -> JobsFailed:
        named = ", ".join(f"{m.id} {m.reason.value}" for m in failures[:16])
        return cls(f"{len(failures)} of {total} jobs failed: {named}")


def clean_jobs(
    job_ids: Sequence[str], *, publisher: RedisPublisher, settings: WorkerSettings,
    options: CleanOptions, hand_back: Callable[[list[str]], None],
    index: RedisIndex | None = None,
) -> list[FailedMessage]:
    """Clean a message's jobs in order; return those published as failures.

    One round trip per job, sent before the page is cleaned and read after: it
    publishes the job before it, starts this one (its delivery is counted
    before the page can kill the process) and reads the job after it from the
    ledger. Redis does that while the page is cleaned instead of the worker
    waiting for it. The time limits are per message, so once it has run
    `message_budget_s` the jobs not started go back to the queue as a new
    message rather than run short of time. With an `index`, each document is
    looked up in and added to the near-duplicate index before it is published.
    """
    began = time.monotonic()
    run = _Run(publisher, settings, options, index)
    stored = publisher.advance(read=job_ids[0]).wait()
    for n, job_id in enumerate(job_ids):
        following = job_ids[n + 1] if n + 1 < len(job_ids) else None
        stored = run.next(job_id, stored, read=following)
        if following is not None and time.monotonic() - began > settings.message_budget_s:
            run.finish()
            hand_back(list(job_ids[n + 1:]))
            return run.failures
    run.finish()  # before the message is acked
    return run.failures


class _Run:
    """A message's jobs in order, each outcome published with the next job's start."""

    def __init__(self, publisher: RedisPublisher, settings: WorkerSettings,
                 options: CleanOptions, index: RedisIndex | None) -> None:
        self._publisher, self._settings, self._options = publisher, settings, options
        self._index = index
        self._outcome: ResultMessage | None = None
        self._started_at: float | None = None
        self.failures: list[FailedMessage] = []

    def next(self, job_id: str, stored: StoredJob | None, *, read: str | None
             ) -> StoredJob | None:
        """Publish the last outcome, start and clean `job_id`; return the job after it."""
        trip = self._publisher.advance(self._outcome, started_at=self._started_at,
                                       start=job_id, read=read)
        sent, self._outcome = self._outcome, None
        try:
            if stored is not None and stored.pending:
                self._started_at = trip.started_at
                self._outcome = outcome_of(job_id, stored, stored.deliveries + 1,
                                           self._settings, self._options)
                if self._index is not None and isinstance(self._outcome, CleanedMessage):
                    # Redis failing here raises RedisUnavailable: the message is requeued,
                    # as for any Redis error, rather than published with a wrong null
                    self._outcome = with_duplicate(self._outcome, self._index)
                metrics.observe(self._outcome, stored.queued_at)  # Prometheus, results stats
        finally:  # read the replies even on the way out: the connection must not hold them
            after = trip.wait()
        self._count(sent, trip.script_replies)
        return after

    def finish(self) -> None:
        if self._outcome is not None:
            trip = self._publisher.advance(self._outcome, started_at=self._started_at)
            trip.wait()
            self._count(self._outcome, trip.script_replies)
            self._outcome = None
        if self._index is not None:
            self._index.flush()  # the reply of the last document's index write

    def _count(self, sent: ResultMessage | None, replies: list[Any]) -> None:
        if isinstance(sent, FailedMessage) and replies and replies[0]:
            self.failures.append(sent)


def outcome_of(job_id: str, stored: StoredJob, delivery: int, settings: WorkerSettings,
               options: CleanOptions) -> ResultMessage:
    """The job's outcome: a document, or a failure with its reason. Never raises for a page."""
    payload = stored.message
    try:
        if delivery > settings.max_deliveries:  # it keeps killing workers: stop the loop
            detail = f"delivered {delivery} times without an outcome (killed or lost worker)"
            return _failed(job_id, FailReason.CRASHED, detail, payload, stored.version)
        if payload is None:
            detail = "no stored copy of the job to run (deleted, or lost by Redis)"
            return _failed(job_id, FailReason.CRASHED, detail, payload, stored.version)
        try:
            job = decode_job(payload, max_job_bytes=settings.max_job_bytes)
            if job.id is not None and job.id != job_id:
                raise InvalidJob(f"id: the job says {job.id!r}, its message says {job_id!r}")
            raw = job.content_bytes(settings.max_content_bytes)
        except JobError as error:
            return _failed(job_id, error.reason, error.detail, payload, stored.version)
        return _clean(job_id, job, raw, payload, version=stored.version, settings=settings,
                      options=options)
    except SoftTimeLimitExceeded:
        raise
    except MemoryError:  # past the child's memory limit (workers/app.py), outside `clean`
        return _failed(job_id, FailReason.TOO_COMPLEX, "ran out of the memory a job may use",
                       payload, stored.version)
    except Exception as error:  # a bug of ours: the job fails, the worker goes on
        log.error("job %s: internal error %s", job_id, type(error).__name__)
        return _failed(job_id, FailReason.INTERNAL_ERROR, type(error).__name__, payload,
                       stored.version)


def clean_options(settings: WorkerSettings) -> CleanOptions:
    return CleanOptions(
        max_bytes=settings.max_content_bytes, mode=settings.clean_mode,
        include_removed=settings.include_removed, include_markdown=settings.include_markdown,
    )


def _clean(job_id: str, job: Job, raw: bytes, payload: str, *, version: str | None,
           settings: WorkerSettings, options: CleanOptions) -> ResultMessage:
    started = time.perf_counter()
    fields = {"url": job.url, "source": job.source, "fetched_at": job.fetched_at,
              "meta": job.meta, "version": version}
    try:
        result = clean(raw, url=job.url, content_type=job.content_type, options=options,
                       propagate=(SoftTimeLimitExceeded,))
    except SoftTimeLimitExceeded:  # billiard raised it into the page's run: stop, answer
        detail = f"ran past the soft time limit of {settings.soft_time_limit} s"
        return _failed(job_id, FailReason.TIMEOUT, detail, payload, clean_ms=_ms_since(started),
                       **fields)
    clean_ms = _ms_since(started)
    if isinstance(result, CleanedDocument):
        document = result.model_dump(mode="json", exclude_none=True)
        return CleanedMessage(id=job_id, document=document, clean_ms=clean_ms, **fields)
    return _rejected(job_id, result, payload, clean_ms, fields)


def _rejected(job_id: str, result: Rejected, payload: str, clean_ms: float,
              fields: dict[str, Any]) -> FailedMessage:
    return _failed(job_id, FailReason(result.reason.value), result.detail, payload,
                   title=result.title, clean_ms=clean_ms, **fields)


def _ms_since(started: float) -> float:
    return round(1000 * (time.perf_counter() - started), 3)


def _failed(job_id: str, reason: FailReason, detail: str, payload: str | None,
            version: str | None = None, **fields: Any) -> FailedMessage:
    keep = payload is not None and len(payload) <= RETRY_COPY_MAX_BYTES
    return FailedMessage(id=job_id, reason=reason, detail=detail, job=payload if keep else None,
                         version=version, **fields)


class CleanTask(Task):  # type: ignore[misc]  # celery is untyped
    """Adds one thing to Task: a child killed at the hard time limit still gets its outcome."""

    publisher: RedisPublisher
    settings: WorkerSettings

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        if not isinstance(exc, TimeLimitExceeded):
            return  # JobsFailed: published already; Redis trouble: the jobs stay in the ledger
        # Runs in the parent: the child was killed. A message's jobs run in order, so
        # the first one still pending is the one that ran out of time; the ones after
        # it have not run and go back to the queue.
        try:
            pending = self.publisher.pending_among(job_ids_of_task(args))
            if not pending:
                return
            failed, rest = pending[0], pending[1:]
            detail = f"killed at the hard time limit of {self.settings.time_limit} s"
            message = _failed(failed, FailReason.TIMEOUT, detail,
                              self.publisher.stored_message(failed))
            # started at least time_limit ago: a later start (another worker) answers instead
            started_at = time.time() - self.settings.time_limit
            self.publisher.publish(message, started_at=started_at)
            metrics.observe(message)  # the parent's count: the killed child's went with it
            if rest:
                send_jobs(self.app, rest, self.settings.queue)
        except Exception as error:  # Redis is down too: the ledger keeps them for the sweeper
            log.warning("jobs %s stay in the ledger after a hard time limit: %s",
                        " ".join(job_ids_of_task(args)[:20]), describe_redis_error(error))


def register_clean_task(app: Celery, settings: WorkerSettings, publisher: RedisPublisher) -> Task:
    options = clean_options(settings)
    index = RedisIndex(publisher.client, settings, publisher) if settings.dedup_enabled else None

    @app.task(  # type: ignore[untyped-decorator]  # celery is untyped
        name=TASK_NAME, bind=True, base=CleanTask, publisher=publisher, settings=settings,
        shared=False,  # this app's task, with this app's publisher: not in Celery's global list
        throws=(JobsFailed,),  # an expected failure: logged as one line, no traceback
    )
    def clean_page(self: CleanTask, job_ids: list[str]) -> None:
        try:
            failures = clean_jobs(
                job_ids, publisher=self.publisher, settings=settings, options=options,
                hand_back=lambda rest: send_jobs(self.app, rest, settings.queue), index=index)
        except (RedisUnavailable, SoftTimeLimitExceeded) as error:
            # Infrastructure, not the pages: the message goes back to the queue (its
            # finished jobs are skipped when it runs again). Nothing here waits on Redis:
            # the parent requeues it, so a stalled Redis cannot run the child into the
            # hard time limit, which would fail the page as a timeout.
            reason = str(error) or "the soft time limit passed while Redis did not answer"
            log.warning("jobs %s go back to the queue: %s", " ".join(job_ids[:20]), reason)
            time.sleep(REQUEUE_PAUSE_S)  # a Redis in trouble is not asked again at once
            raise Reject(reason, requeue=True) from None
        if failures:
            raise JobsFailed.of(failures, len(job_ids))

    return clean_page
