"""`make_celery(settings)`: the worker's Celery app, built from one typed settings object."""

from __future__ import annotations

import gc
import logging
import os
import resource
from typing import Any

from celery import Celery, bootsteps
from celery.signals import worker_process_init

from cleaner import CleanOptions
from cleaner.api import warm_up
from cleaner.threads import use_one_blas_thread
from workers.conf import celery_conf
from workers.inbox import inbox_step
from workers.metrics import metrics_step
from workers.publisher import RedisPublisher, connect
from workers.settings import WorkerSettings
from workers.sweeper import sweeper_step
from workers.tasks import clean_options, register_clean_task


def make_celery(settings: WorkerSettings, publisher: RedisPublisher | None = None) -> Celery:
    """A Celery app with the clean task; results go to `publisher` (Redis by default)."""
    app = Celery("pagecleaner", set_as_current=False, autofinalize=False)
    app.conf.update(celery_conf(settings))
    if publisher is None:
        assert settings.redis_url is not None  # celery_conf() refused an unset URL
        publisher = RedisPublisher(connect(settings.redis_url), settings)
    register_clean_task(app, settings, publisher)
    app.steps["worker"].add(warm_up_step(clean_options(settings)))
    cap = settings.max_memory_per_child_kib * 1024
    worker_process_init.connect(lambda **_: cap_memory_of_this_process(cap), weak=False)
    app.steps["worker"].add(metrics_step(settings))  # Prometheus, per-worker stats
    if settings.inbox_enabled or settings.heartbeat_file is not None:
        app.steps["worker"].add(inbox_step(settings))
    if settings.sweeper_enabled:  # resubmits jobs the broker lost (workers/sweeper.py)
        app.steps["worker"].add(sweeper_step(settings))
    app.finalize()
    return app


def warm_up_step(options: CleanOptions) -> type[bootsteps.Step]:
    """Clean two tiny pages in the worker's main process, before the pool forks.

    The cleaner loads its models lazily (~1 s on the first page). Done once
    here, every pool child inherits them through fork, instead of each child
    paying on its first real page (and again after every recycling).
    """

    class WarmUpStep(bootsteps.Step):  # type: ignore[misc]  # celery is untyped
        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            use_one_blas_thread()  # inherited by the pool children through fork
            warm_up(options)
            # Keep the warmed-up heap out of the collector's sight: a child's
            # collections would otherwise touch, and copy-on-write, all of it.
            gc.freeze()

    return WarmUpStep


log = logging.getLogger(__name__)


def cap_memory_of_this_process(cap_bytes: int) -> None:
    """Let a pool child grow its address space by at most 2 x `cap_bytes` past its size at fork.

    Celery checks `worker_max_memory_per_child` only after a task: a page
    that balloons (gigabytes for some markup) would take the machine first.
    With the limit, the allocation fails inside the page's run: MemoryError,
    which `clean` answers as `too_complex`. Twice the cap, because address
    space runs ahead of resident memory (allocator arenas, mapped files).
    """
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + 2 * cap_bytes
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError) as error:  # not Linux: the after-task check stays
        log.warning("no memory limit for pool processes: %s", error)
