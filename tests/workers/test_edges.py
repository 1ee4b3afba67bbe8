"""The edges of issue 15, with real `celery worker`s and real Redis servers.

Each test replays one finding (bench/edges.py replays them all with figures)
and ends with `assert_exactly_once` on what it submitted: every page has one
outcome and one stream entry, nothing is lost, the ledger is empty.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import redis

from bench.chaos import article_jobs
from cleaner import CleanOptions
from tests.workers.conftest import start_worker, wait_for_outcomes
from tests.workers.test_reliability import (
    MARKER,
    assert_exactly_once,
    deliveries,
    reliability_settings,
    slow_page,
    wait_until,
)
from workers.embedded import EmbeddedRedis
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job
from workers.process import WorkerProcess
from workers.producer import CleanerClient, IdConflict, RedisFull
from workers.results import ResultStore
from workers.runner import run_pages
from workers.settings import WorkerSettings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def edge_fleet(redis_server: EmbeddedRedis, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[WorkerSettings, CleanerClient, WorkerProcess]]:
    """One worker on its own database, with the inbox on and a small results cap."""
    redis.Redis(port=redis_server.port, db=7).flushdb()
    settings = reliability_settings(f"redis://127.0.0.1:{redis_server.port}/7",
                                    key_prefix="edge", queue="edge", inbox_enabled=True,
                                    results_maxlen=20, task_events=True)
    client = CleanerClient(settings)
    with start_worker(settings, tmp_path_factory.mktemp("edge-worker")) as worker:
        yield settings, client, worker
    client.close()


@pytest.fixture
def edge(edge_fleet: tuple[WorkerSettings, CleanerClient, WorkerProcess]
         ) -> tuple[WorkerSettings, CleanerClient, WorkerProcess]:
    """The module's worker, its streams emptied: each test tallies its own entries."""
    settings, client, _worker = edge_fleet
    client.redis.delete(settings.keys.results, settings.keys.failed)
    return edge_fleet


def outcomes_of(settings: WorkerSettings, client: CleanerClient, ids: list[str]
                ) -> dict[str, Any]:
    return wait_for_outcomes(ResultStore(client.redis, settings), ids, timeout_s=120)


def signal_tree(pid: int, signum: signal.Signals) -> None:
    """Send `signum` to a process and its children (SIGSTOP freezes a whole worker)."""
    main = psutil.Process(pid)
    for process in [main, *main.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signum)


def test_one_id_two_pages_neither_is_dropped(edge: Any) -> None:
    """Finding 1: a re-crawled URL as the id: the second page is refused, or forced in."""
    settings, client, _worker = edge
    first, second = article_jobs(2, tag="recrawl")
    first = first.model_copy(update={"id": "https-example-com-flood"})
    second = second.model_copy(update={"id": "https-example-com-flood"})
    job_id = client.submit(first)
    with pytest.raises(IdConflict):  # while the first is pending
        client.submit(second)
    assert outcomes_of(settings, client, [job_id])[job_id].version == first.version(2**24)
    with pytest.raises(IdConflict):  # once it is done
        client.submit(second)
    client.submit(second, force=True)
    wait_until(lambda: (client.get(job_id) or first).version == second.version(2**24), 60)
    assert_exactly_once(client, settings, [job_id])


def test_a_lagging_consumer_group_misses_no_result(edge: Any) -> None:
    """Finding 2: a group that read nothing during a run gets every result afterwards."""
    settings, client, _worker = edge
    results = settings.keys.results
    client.redis.xgroup_create(results, "late-indexer", id="$", mkstream=True)
    ids = client.submit_many(article_jobs(120, tag="lag"))  # six times the cap of 20
    outcomes = outcomes_of(settings, client, ids)
    entries = client.redis.xreadgroup("late-indexer", "i1", {results: ">"}, count=1000)
    read = {fields[b"id"].decode() for _entry, fields in entries[0][1]}
    cleaned = {job_id for job_id in ids if isinstance(outcomes[job_id], CleanedMessage)}
    assert len(cleaned) > 100 and cleaned <= read
    assert_exactly_once(client, settings, ids)


def test_a_poison_inbox_entry_stops_nothing(edge: Any) -> None:
    """Finding 4: deep JSON in the inbox fails alone; later entries are cleaned."""
    settings, client, worker = edge
    deep = "[" * 200_000
    client.redis.xadd(settings.keys.inbox, {"job": deep})
    client.redis.xadd(settings.keys.inbox, {"id": "bad id!", "job": "{}"})
    [after] = article_jobs(1, tag="after-poison")
    client.redis.xadd(settings.keys.inbox, {"job": after.to_json()})
    deep_id = "raw-" + hashlib.sha256(deep.encode()).hexdigest()[:24]
    outcomes = outcomes_of(settings, client, [deep_id, str(after.id)])
    assert isinstance(outcomes[str(after.id)], CleanedMessage)
    assert outcomes[deep_id].reason is FailReason.INVALID_JOB
    assert worker.process.poll() is None
    failed = client.redis.xrange(settings.keys.failed)
    [refusal] = [fields[b"id"].decode() for _entry, fields in failed
                 if fields[b"id"].startswith(b"inbox-")]
    assert_exactly_once(client, settings, [deep_id, str(after.id), refusal])  # + the bad id


def test_no_page_content_reaches_the_log(edge: Any) -> None:
    """Finding 6: a lone surrogate in a text job fails it as invalid_job, quoting nothing."""
    settings, client, worker = edge
    payload = json.dumps({"id": "surrogate", "content": f"<p>{MARKER} \ud800 " * 20_000})
    client.submit_raw(payload)
    outcome = outcomes_of(settings, client, ["surrogate"])["surrogate"]
    assert isinstance(outcome, FailedMessage) and outcome.reason is FailReason.INVALID_JOB
    assert MARKER not in worker.log_path.read_text(errors="replace")
    assert MARKER not in outcome.detail


def test_a_failed_job_shows_as_failed_in_celery_events(edge: Any) -> None:
    """Issue 16: `celery events --dump` sees a failed result as a failed task, with its reason."""
    settings, client, worker = edge
    dump = subprocess.Popen(
        [sys.executable, "-m", "celery", f"--broker={settings.redis_url}", "events", "--dump"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(3)  # connected and listening before the tasks run
        [good] = article_jobs(1, tag="events")
        ids = [client.submit(good), client.submit(Job.from_content(b"   ", id="events-empty"))]
        outcomes_of(settings, client, ids)
        time.sleep(2)
    finally:
        out = _stop(dump)
    failed = [line for line in out.splitlines() if "task failed" in line]
    assert len(failed) == 1, out[-2000:]
    assert "JobsFailed" in failed[0] and "events-empty empty" in failed[0]
    assert any("task succeeded" in line and "events-0" in line for line in out.splitlines())
    assert "raised expected: JobsFailed('1 of 1 jobs failed: events-empty empty')" in (
        worker.log_path.read_text(errors="replace"))


def _stop(process: subprocess.Popen[str]) -> str:
    """Interrupt a listener and read what it printed; on a loaded machine `celery events`
    can take longer than we wait to honour SIGINT, and what it printed is what we test."""
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out


def test_a_full_redis_refuses_new_jobs_and_workers_stay_up(tmp_path: Path) -> None:
    """Finding 3: at maxmemory, producers get a clear error, workers back off and finish."""
    with EmbeddedRedis.start(tmp_path / "redis", maxmemory="40mb") as server:
        settings = reliability_settings(server.url, soft_time_limit=5, time_limit=8,
                                        visibility_timeout=20, sweep_after_s=10)
        client = CleanerClient(settings)
        with start_worker(settings, tmp_path / "worker") as worker:
            accepted = client.submit_many(article_jobs(40, tag="full", paragraphs=(20, 80)))
            junk, filler = 0, redis.Redis(port=server.port)
            with contextlib.suppress(redis.ResponseError):  # someone else fills Redis up
                while True:
                    filler.set(f"junk:{junk}", "x" * 100_000)
                    junk += 1
            with pytest.raises(RedisFull) as refused:
                client.submit_many(article_jobs(5, tag="refused"))
            assert MARKER not in str(refused.value) and "<p>" not in str(refused.value)
            for _ in range(50):  # five seconds at the limit: the worker must not exit
                assert worker.process.poll() is None
                time.sleep(0.1)
            filler.delete(*[f"junk:{n}" for n in range(junk)])
            outcomes = outcomes_of(settings, client, accepted)
            assert worker.process.poll() is None
        assert len(outcomes) == len(accepted)
        for job_id in refused.value.refused:  # told it failed: it never runs
            assert client.get(job_id) is None
            assert client.redis.zscore(settings.keys.pending, job_id) is None
        assert_exactly_once(client, settings, accepted)
        client.close()


def test_a_worker_frozen_past_the_visibility_timeout_fails_no_page(
    db_url: str, tmp_path: Path
) -> None:
    """Finding 9: the frozen run's timeout is stale; the run that took over answers."""
    settings = reliability_settings(db_url, soft_time_limit=6, time_limit=8,
                                    visibility_timeout=10, sweep_after_s=20)
    client = CleanerClient(settings)
    first = start_worker(settings, tmp_path / "first")
    second = None
    try:
        job_id = client.submit(Job.from_content(slow_page(18_000), id="frozen"))
        wait_until(lambda: deliveries(client, settings, job_id) == 1)
        signal_tree(first.process.pid, signal.SIGSTOP)
        second = start_worker(settings, tmp_path / "second")
        wait_until(lambda: deliveries(client, settings, job_id) == 2, 60)
        signal_tree(first.process.pid, signal.SIGCONT)  # resumes past both of its limits
        outcome = outcomes_of(settings, client, [job_id])[job_id]
    finally:
        signal_tree(first.process.pid, signal.SIGCONT)
        first.stop()
        if second is not None:
            second.stop()
    assert isinstance(outcome, CleanedMessage), outcome
    assert_exactly_once(client, settings, [job_id])
    client.close()


def test_a_redis_stall_longer_than_the_soft_limit_fails_no_page(tmp_path: Path) -> None:
    """Finding 9: Redis frozen while a worker waits on it: requeued, then cleaned."""
    with EmbeddedRedis.start(tmp_path / "redis") as server:
        settings = reliability_settings(server.url, soft_time_limit=4, time_limit=8,
                                        visibility_timeout=12, sweep_after_s=10)
        client = CleanerClient(settings)
        with start_worker(settings, tmp_path / "worker") as worker:
            job_id = client.submit(Job.from_content(slow_page(4000), id="stalled"))
            wait_until(lambda: deliveries(client, settings, job_id) == 1)
            assert server.process is not None
            server.process.send_signal(signal.SIGSTOP)
            time.sleep(7)  # past the soft limit, while the worker waits on Redis
            server.process.send_signal(signal.SIGCONT)
            outcome = outcomes_of(settings, client, [job_id])[job_id]
            assert worker.process.poll() is None
        assert isinstance(outcome, CleanedMessage), outcome
        assert_exactly_once(client, settings, [job_id])
        client.close()


def test_cleaner_run_on_a_kept_server_deletes_nothing(tmp_path: Path) -> None:
    """Finding 11: `cleaner run` attached to a `--keep` server leaves others' results alone."""
    store_dir = tmp_path / "store"
    server = EmbeddedRedis.start(store_dir, detached=True)  # what `cleaner run --keep` leaves
    try:
        settings = WorkerSettings(embedded_dir=store_dir, concurrency=1)
        others = settings.model_copy(update={"redis_url": server.url})
        client = CleanerClient(others)
        foreign = client.submit_many(article_jobs(3, tag="from-enqueue"))  # no worker yet
        page = tmp_path / "page.html"
        page.write_bytes(slow_page(50))
        report = run_pages([page], settings, CleanOptions(), keep=True, timeout_s=120)
        assert not report.missing
        for job_id in foreign:  # still there, and by now cleaned by run's worker
            assert client.get(job_id) is not None
        assert client.redis.hget(settings.keys.stats, "submitted") == b"4"
        client.close()
    finally:
        server.stop()


@pytest.fixture
def db_url(redis_server: EmbeddedRedis) -> Iterator[str]:
    client = redis.Redis(port=redis_server.port, db=8)
    client.flushdb()
    yield f"redis://127.0.0.1:{redis_server.port}/8"
    client.flushdb()
    client.close()
