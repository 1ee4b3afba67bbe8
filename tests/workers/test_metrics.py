"""A real worker, started as users start it (`cleaner worker -n m1@%h --concurrency 1 -E`),
reports a run's outcomes by reason on its /metrics endpoint (the pool child's counts, through
prometheus_client's multiprocess mode), the Redis depths, and its own line in `results stats`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cleaner.test_cli import CRAWL, CRAWL_URLS
from tests.workers.conftest import wait_for_outcomes
from workers.embedded import EmbeddedRedis
from workers.messages import Job
from workers.process import terminate
from workers.producer import CleanerClient
from workers.results import ResultStore
from workers.settings import WorkerSettings

pytestmark = pytest.mark.integration

ARTICLE = ("<html><head><title>River floods the lower town</title></head><body><article>"
           + "<p>Volunteers filled sandbags along the river all night as the water rose.</p>" * 8
           + "</article></body></html>")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cleaner(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "cleaner", *args], env=env, text=True,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done


def _scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_a_worker_started_with_celery_flags_reports_outcomes_by_reason(
    redis_server: EmbeddedRedis, tmp_path: Path
) -> None:
    settings = WorkerSettings(redis_url=f"redis://127.0.0.1:{redis_server.port}/3",
                              key_prefix="m", queue="m-queue", metrics_port=_free_port())
    client = CleanerClient(settings)
    client.redis.flushdb()
    heartbeat = tmp_path / "m1.alive"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CLEANER_")},
           **settings.to_env(), "CLEANER_HEARTBEAT_FILE": str(heartbeat)}
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "worker", "-n", "m1@%h", "--concurrency", "1", "-E"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not heartbeat.exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        ids = client.submit_many([
            Job.from_content(ARTICLE, url="https://x.test/a"),
            Job.from_content(""),  # empty
            Job.from_content("<html><body></body></html>", url="https://x.test/b"),  # empty
        ])
        ids.append(client.submit_raw('{"content": "<p>x</p>", "colour": "red"}'))  # invalid
        outcomes = wait_for_outcomes(ResultStore(client.redis, settings), ids)
        assert len(outcomes) == 4
        reasons = sorted(getattr(m, "reason", "cleaned") for m in outcomes.values())

        metrics = _scrape(settings.metrics_port or 0)
        counted = {name: value for name, value in metrics.items()
                   if name.startswith("cleaner_jobs_total")}
        expected: dict[str, float] = {}
        for reason in reasons:
            label = ('{outcome="cleaned",reason=""}' if reason == "cleaned"
                     else f'{{outcome="failed",reason="{reason}"}}')
            expected[f"cleaner_jobs_total{label}"] = expected.get(
                f"cleaner_jobs_total{label}", 0) + 1
        assert counted == expected
        assert 'cleaner_jobs_total{outcome="failed",reason="invalid_job"}' in counted
        latency = sum(v for k, v in metrics.items()
                      if k.startswith("cleaner_job_latency_seconds_count"))
        assert latency == 4
        assert metrics["cleaner_queue_messages"] == 0
        assert metrics['cleaner_stream_entries{stream="failed"}'] == len(
            [r for r in reasons if r != "cleaned"])

        # the worker's own line in `cleaner results stats` (flushed every second)
        deadline = time.monotonic() + 20
        while True:
            stats = ResultStore(client.redis, settings).stats()
            if stats.workers and stats.workers[0].cleaned + sum(
                    stats.workers[0].failed.values()) == 4:
                break
            assert time.monotonic() < deadline, stats
            time.sleep(0.5)
        assert stats.workers[0].name.startswith("m1@")
        assert "end_to_end_p50" in stats.latency_s

        # ids you can trace: enqueue prints each input beside its id; lookup by URL; tail's URL
        enqueued = _cleaner(env, "enqueue", str(CRAWL))
        rows = [line.split("\t") for line in enqueued.stdout.splitlines()]
        assert [name for _job_id, name in rows] == ["crawl/00001", "crawl/00002", "crawl/00003"]
        assert len(wait_for_outcomes(ResultStore(client.redis, settings),
                                     [job_id for job_id, _name in rows])) == 3
        found = _cleaner(env, "results", "get", "--url", CRAWL_URLS[2])
        [message] = [json.loads(line) for line in found.stdout.splitlines()]
        assert (message["id"], message["url"]) == (rows[2][0], CRAWL_URLS[2])
        tail = _cleaner(env, "results", "tail", "-n", "3")
        assert all(url in tail.stdout for url in CRAWL_URLS)
    finally:
        terminate(worker, timeout=60)
        log.close()
        client.close()
    assert worker.returncode == 0
