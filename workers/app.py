"""`make_celery(settings)`: the worker's Celery app, built from one typed settings object."""

from __future__ import annotations

import gc
from typing import Any

from celery import Celery, bootsteps

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
