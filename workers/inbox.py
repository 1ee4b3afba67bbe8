"""The plain-Redis way in: any language XADDs a job to `cleaner:inbox`; workers drain it.

    redis-cli XADD cleaner:inbox '*' job '{"id":"a1","content":"<html>...</html>"}'

Every worker's main process runs one drainer thread (a Celery bootstep). The
drainers form the consumer group `cleaner-inbox`, so each entry goes to one
of them. A drainer forwards an entry as a task (ledger first, like any
producer), then XACKs and XDELs it. Every entry gets an answer: one that
cannot be forwarded (a bad `id` field, anything unexpected) is published as a
failed result under `inbox-<entry id>`; a known id with another page replaces
the old one (the inbox cannot hear an `IdConflict`: the latest page wins);
a Redis too full to take it leaves the entry where it is, for the next round.
Otherwise it is acked; a crash in between forwards it twice,
which publishing absorbs (idempotent by job id). Entries a dead drainer had
read but not acked are taken over with XAUTOCLAIM once idle for
`inbox_claim_idle_ms`.

The same thread touches `heartbeat_file` after every round: a fresh file
means this worker still talks to Redis, which is what the healthcheck wants.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from functools import partial
from typing import cast

import redis
from celery import bootsteps

from workers.messages import FailedMessage, FailReason, is_job_id
from workers.producer import CleanerClient, IdConflict, RedisFull
from workers.publisher import RedisPublisher, RedisUnavailable, connect
from workers.settings import WorkerSettings
from workers.steps import Loop, thread_step

log = logging.getLogger(__name__)

Entry = tuple[bytes, dict[bytes, bytes] | None]


class InboxDrainer:
    """Moves inbox entries into the task queue: at least once, idempotent downstream."""

    def __init__(self, client: redis.Redis, producer: CleanerClient, settings: WorkerSettings,
                 consumer: str) -> None:
        self._redis = client
        self._producer = producer
        self._publisher = RedisPublisher(client, settings)
        self._settings = settings
        self._keys = settings.keys
        self._consumer = consumer

    def ensure_group(self) -> None:
        try:
            self._redis.xgroup_create(self._keys.inbox, self._keys.inbox_group, id="0",
                                      mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def drain_once(self) -> int:
        """Forward one batch (stale entries of dead drainers first); return how many."""
        entries = self._claim_stale() or self._read_new()
        for entry_id, fields in entries:
            if fields is not None:  # None: deleted while pending, only the ack is left
                self._forward(entry_id.decode(), fields)  # RedisFull: the rest waits
            with self._redis.pipeline(transaction=False) as pipe:
                pipe.xack(self._keys.inbox, self._keys.inbox_group, entry_id)
                pipe.xdel(self._keys.inbox, entry_id)
                pipe.execute()
        return len(entries)

    def _read_new(self) -> list[Entry]:
        reply = self._redis.xreadgroup(
            self._keys.inbox_group, self._consumer, {self._keys.inbox: ">"},
            count=self._settings.inbox_batch, block=self._settings.inbox_block_ms,
        )
        streams = cast(list[tuple[bytes, list[Entry]]], reply)
        return list(streams[0][1]) if streams else []

    def _claim_stale(self) -> list[Entry]:
        reply = self._redis.xautoclaim(
            self._keys.inbox, self._keys.inbox_group, self._consumer,
            min_idle_time=self._settings.inbox_claim_idle_ms, start_id="0-0",
            count=self._settings.inbox_batch,
        )
        return list(reply[1])

    def _forward(self, entry_id: str, fields: dict[bytes, bytes]) -> None:
        try:
            job_id = inbox_job_id(entry_id, fields)
            payload = fields.get(b"job", b"").decode("utf-8", errors="replace")
            try:
                self._producer.submit_raw(payload, job_id)
            except IdConflict:
                self._producer.submit_raw(payload, job_id, force=True)
        except (RedisFull, RedisUnavailable):
            raise
        except InvalidEntry as error:
            self._refuse(entry_id, FailReason.INVALID_JOB, str(error))
        except Exception as error:  # whatever it is, this entry must not stop the others
            log.error("inbox entry %s: %s", entry_id, type(error).__name__)
            self._refuse(entry_id, FailReason.INTERNAL_ERROR, type(error).__name__)

    def _refuse(self, entry_id: str, reason: FailReason, detail: str) -> None:
        refusal = FailedMessage(id=f"inbox-{entry_id}", reason=reason, detail=detail)
        self._publisher.publish(refusal, outside_ledger=True)


class InvalidEntry(Exception):
    """An inbox entry that cannot become a job (its text is the failed result's detail)."""


def inbox_job_id(entry_id: str, fields: dict[bytes, bytes]) -> str | None:
    """The entry's `id` field (InvalidEntry if it is not a valid id), else None: the job's own
    or derived id; `inbox-<entry id>` for an entry with no `job` field."""
    if b"id" in fields:
        given = fields[b"id"].decode("utf-8", errors="replace")
        if not is_job_id(given):
            raise InvalidEntry(f"id: not a valid job id ({len(given)} characters): it needs "
                               "1-128 of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit")
        return given
    return None if b"job" in fields else f"inbox-{entry_id}"


def run_drainer(drainer: InboxDrainer | None, client: redis.Redis, settings: WorkerSettings,
                stop: threading.Event) -> None:
    """The thread's loop: drain (or just ping), beat, until stopped. Redis errors wait and retry."""
    wait_s = settings.inbox_block_ms / 1000
    _beat(settings)  # started: the first round may block for wait_s
    while not stop.is_set():
        try:
            if drainer is None:
                client.ping()
                stop.wait(wait_s)
            else:
                drainer.drain_once()
            _beat(settings)
        except redis.ResponseError as exc:
            if "NOGROUP" in str(exc) and drainer is not None:
                drainer.ensure_group()  # first start, or the stream was deleted: create it
                continue
            log.warning("inbox: Redis error %s, retrying", exc)
            stop.wait(wait_s)
        except (redis.RedisError, RedisUnavailable, RedisFull) as exc:
            log.warning("inbox: Redis unavailable (%s), retrying", exc)
            stop.wait(wait_s)
        except Exception as exc:  # a bug of ours: the thread must outlive it
            log.error("inbox: drain failed (%s), retrying", type(exc).__name__)
            stop.wait(wait_s)


def _beat(settings: WorkerSettings) -> None:
    if settings.heartbeat_file is not None:
        settings.heartbeat_file.touch()


def inbox_step(settings: WorkerSettings) -> type[bootsteps.StartStopStep]:
    """The worker bootstep that runs the drainer thread in the worker's main process."""

    def make_loop() -> Loop:
        client = connect(str(settings.redis_url))
        drainer = None
        if settings.inbox_enabled:
            consumer = f"{socket.gethostname()}-{os.getpid()}"
            drainer = InboxDrainer(client, CleanerClient(settings, client=client), settings,
                                   consumer)
        return partial(run_drainer, drainer, client, settings)

    return thread_step("cleaner-inbox", make_loop)
