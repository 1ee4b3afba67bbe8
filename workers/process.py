"""Worker processes: the one command docker-compose runs, started here as a plain subprocess.

`WORKER_COMMAND` is what `docker-compose.yml` runs in the `worker` service
(a test keeps the two equal); `cleaner run`, the fleet benchmark and the
end-to-end tests start exactly it, with settings passed as CLEANER_* env vars.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Self

WORKER_COMMAND = (
    "celery", "--app=workers.celery", "worker", "--loglevel=INFO",
    "--without-mingle", "--without-gossip",
)
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 120.0


def terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM (the process's own clean shutdown), then SIGKILL after `timeout` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class WorkerStartError(RuntimeError):
    """The worker exited, or did not consume, before it was ready."""


@dataclass
class WorkerProcess:
    """One `celery worker` (main process + its pool) started by us."""

    process: subprocess.Popen[bytes]
    heartbeat: Path
    log_path: Path
    _log: IO[bytes]

    @classmethod
    def start(cls, env: dict[str, str], *, workdir: Path, name: str = "worker") -> Self:
        """Start the compose command with `env` added; wait for its heartbeat file."""
        workdir.mkdir(parents=True, exist_ok=True)
        heartbeat = workdir / f"{name}.alive"
        heartbeat.unlink(missing_ok=True)
        log_path = workdir / f"{name}.log"
        log = log_path.open("wb")
        full_env = {**os.environ, **env, "CLEANER_HEARTBEAT_FILE": str(heartbeat)}
        argv = [sys.executable, "-m", *WORKER_COMMAND]  # `celery` of this interpreter
        process = subprocess.Popen(argv, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        worker = cls(process=process, heartbeat=heartbeat, log_path=log_path, _log=log)
        worker.wait_ready()
        return worker

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while not self.heartbeat.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise WorkerStartError(f"worker did not start; see {self.log_path}")
            time.sleep(0.1)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """Warm shutdown (SIGTERM: running tasks finish), then SIGKILL after `timeout`."""
        terminate(self.process, timeout)
        self._log.close()
        return int(self.process.returncode)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
