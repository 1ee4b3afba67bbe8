"""Background threads in a worker's main process, as Celery bootsteps.

The inbox drainer and the sweeper are each a loop that runs until an Event is
set; `thread_step` wraps such a loop in the bootstep that starts it once the
pool exists and stops it at shutdown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from celery import bootsteps

Loop = Callable[[threading.Event], None]
# How long shutdown waits for a loop to notice its Event: each loop wakes at least this often.
JOIN_TIMEOUT_S = 5


def thread_step(name: str, make_loop: Callable[[], Loop]) -> type[bootsteps.StartStopStep]:
    """A bootstep that runs `make_loop()` in a daemon thread called `name`."""

    class ThreadStep(bootsteps.StartStopStep):  # type: ignore[misc]  # celery is untyped
        requires: ClassVar = {"celery.worker.components:Pool"}

        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            self._stop = threading.Event()
            self._thread: threading.Thread | None = None

        def start(self, worker: Any) -> None:
            loop = make_loop()  # connects to Redis: only once the worker really starts
            self._thread = threading.Thread(target=loop, args=(self._stop,), name=name,
                                            daemon=True)
            self._thread.start()

        def stop(self, worker: Any) -> None:
            self._stop.set()
            if self._thread is not None:
                self._thread.join(timeout=JOIN_TIMEOUT_S)

    # Celery tells steps apart by name: two ThreadSteps would otherwise collide.
    ThreadStep.name = f"workers.steps.{name}"
    return ThreadStep
