"""The Celery configuration, shared by the worker's app and by producers' send-only apps.

Every value is explicit (STYLE §10-11) and each crash-safety setting says why.
Producers import this module, so it must not import `cleaner`.
"""

from __future__ import annotations

import contextlib
import ssl
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import redis.exceptions
from kombu.transport import redis as kombu_redis

from workers.settings import WorkerSettings

TASK_NAME = "cleaner.clean_page"
CERT_MODES = {"required": ssl.CERT_REQUIRED, "optional": ssl.CERT_OPTIONAL, "none": ssl.CERT_NONE}
TLS_FILES = ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile")


def celery_conf(settings: WorkerSettings) -> dict[str, Any]:
    """The `conf.update(...)` of every Celery app of the service."""
    if settings.redis_url is None:
        raise ValueError("CLEANER_REDIS_URL is not set: workers and producers need a Redis URL")
    return {
        "broker_url": settings.redis_url,
        "broker_transport": f"{__name__}:RedisTransport",
        "broker_connection_retry_on_startup": True,
        # JSON only: no pickle in any message, messages readable from any language
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "event_serializer": "json",
        # Results go to our Stream and doc keys, not to a result backend
        "result_backend": None,
        "task_ignore_result": True,
        "task_store_errors_even_if_ignored": False,
        "task_default_queue": settings.queue,
        "task_routes": {TASK_NAME: {"queue": settings.queue}},
        "worker_send_task_events": settings.task_events,
        "task_send_sent_event": settings.task_events,
        "enable_utc": True,
        **_crash_safety(settings),
        **_resources(settings),
        **_tls(settings.redis_url),
    }


class _QoS(kombu_redis.QoS):  # type: ignore[misc]  # kombu is untyped
    """kombu's Redis QoS, whose acks and requeues a full Redis cannot wedge.

    Redis refuses every command of a MULTI while it is out of memory, deletes
    included, so kombu's ack (`ZREM` + `HDEL` of the `unacked` entry in a
    MULTI) fails; kombu then keeps the message as delivered, the worker's one
    prefetch slot stays taken and it consumes nothing more, for good. Here a
    refused ack or requeue still frees the slot: the `unacked` entry stays in
    Redis, kombu's restore requeues it after the visibility timeout, and the
    ledger makes that second run of finished jobs a no-op."""

    def ack(self, delivery_tag: str) -> None:
        with _unless_full():
            self._remove_from_indices(delivery_tag).execute()
        kombu_redis.virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        with _unless_full():
            if requeue:
                self.restore_by_tag(delivery_tag, leftmost=True)
            else:
                self._remove_from_indices(delivery_tag).execute()
        kombu_redis.virtual.QoS.ack(self, delivery_tag)


class _unless_full(contextlib.suppress):  # noqa: N801  # used as `with _unless_full():`
    def __init__(self) -> None:
        super().__init__(redis.exceptions.OutOfMemoryError)


class _Channel(kombu_redis.Channel):  # type: ignore[misc]  # kombu is untyped
    QoS = _QoS


class RedisTransport(kombu_redis.Transport):  # type: ignore[misc]  # kombu is untyped
    """kombu's Redis transport, made to outlast a full Redis.

    kombu counts Redis's OOM refusal (of its `unacked` bookkeeping as a
    message arrives) as a channel error, and Celery ends the worker on one
    ("Unrecoverable error"): every worker of the fleet exits within seconds and
    crash-loops when restarted. As a connection error, it makes the consumer
    back off and reconnect until Redis has room again; the jobs stay in the
    ledger meanwhile, and the sweeper resubmits any message lost on the way.
    Acks and requeues go through `_QoS`.
    """

    Channel = _Channel
    connection_errors = (*kombu_redis.Transport.connection_errors,
                         redis.exceptions.OutOfMemoryError)


def _crash_safety(settings: WorkerSettings) -> dict[str, Any]:
    # A task still unacked after the visibility timeout is redelivered. It must
    # exceed the hard time limit, or a slow page runs twice at once; it is set
    # in every place Celery/kombu read it (celery#7651, #9339).
    visibility = settings.visibility_timeout
    return {
        "broker_transport_options": {
            "visibility_timeout": visibility, "socket_timeout": 30,
            "socket_connect_timeout": 10, "health_check_interval": 30,
            # kombu's own sweep of expired unacked messages (a killed worker's) runs
            # every interval x throttle, 100 s by default: scale it to the timeout
            "unacked_restore_interval": max(1, visibility // 10), "unacked_restore_throttle": 1,
        },
        "result_backend_transport_options": {"visibility_timeout": visibility},
        "visibility_timeout": visibility,
        # Ack after the task ran; a killed child's task goes back to the queue
        # (our delivery counter caps the loop); reserve one task at a time by default
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": settings.prefetch_multiplier,
        "task_soft_time_limit": settings.soft_time_limit,
        "task_time_limit": settings.time_limit,
        # A lost broker connection means our ack cannot land: stop, it is redelivered
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_soft_shutdown_timeout": float(settings.time_limit),
    }


def _resources(settings: WorkerSettings) -> dict[str, Any]:
    return {
        "worker_concurrency": settings.concurrency,
        # lxml / trafilatura caches grow per process: recycle children
        "worker_max_tasks_per_child": settings.max_tasks_per_child,
        "worker_max_memory_per_child": settings.max_memory_per_child_kib,
    }


def _tls(url: str) -> dict[str, Any]:
    """TLS for a rediss:// URL: verify the server's certificate unless the URL says otherwise.

    kombu falls back to CERT_NONE for a bare rediss:// URL; redis-py (the
    results client) requires a valid certificate. Options in the URL's query
    (`ssl_cert_reqs=required|optional|none`, `ssl_ca_certs`, `ssl_certfile`,
    `ssl_keyfile`) go to both, so one URL configures every connection alike.
    """
    parts = urlsplit(url)
    if parts.scheme != "rediss":
        return {}
    query = dict(parse_qsl(parts.query))
    mode = query.get("ssl_cert_reqs", "required").lower()
    if mode not in CERT_MODES:
        raise ValueError(f"ssl_cert_reqs must be one of {', '.join(CERT_MODES)}, got {mode!r}")
    files = {name: query[name] for name in TLS_FILES if name in query}
    return {"broker_use_ssl": {"ssl_cert_reqs": CERT_MODES[mode], **files}}


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***`: fit for a terminal or a log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}:" if parts.username else ":"
    host = parts.hostname or ""
    netloc = f"{user}***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
