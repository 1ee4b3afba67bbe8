"""When things go wrong: real `celery worker`s (the compose command), a real Redis, real SIGKILLs.

Every test ends with the same check (`assert_exactly_once`): each job id has
one outcome, one stream entry, and the ledger is empty. Duplicate *runs* are
allowed (at-least-once); duplicate *results* are not.

The poison page: nothing in production code knows about tests, so a page that
"kills its worker every time" is a real page that takes a second or so to
clean (~1 MB of text), and the test SIGKILLs the pool child each time the
page's delivery counter in Redis goes up (one pool process, so the child is
the one cleaning it). A page that hangs is a larger one under a 1 s soft limit.

Limits are short (seconds) and set through WorkerSettings, as CLEANER_* vars.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import redis

from bench.chaos import (
    Fleet,
    article_jobs,
    kill_pool_child,
    kill_worker,
    pool_children,
    restart_redis,
    tally,
)
from cleaner import CleanedDocument, clean
from cleaner.cli import main as cleaner_main
from cleaner.dedup import Signature
from tests.workers.conftest import point_cli_at, start_worker, wait_for_outcomes
from workers.dedup import RedisIndex
from workers.embedded import EmbeddedRedis
from workers.messages import CleanedMessage, FailedMessage, FailReason, Job
from workers.process import WorkerProcess
from workers.producer import CleanerClient
from workers.results import ResultStore
from workers.settings import WorkerSettings
from workers.tasks import clean_options

pytestmark = [pytest.mark.integration, pytest.mark.slow]

RUN_JOBS = 500
KILL_AT = 150  # outcomes before the fault: the run is well under way, far from done
MARKER = "zqxj-page-content-marker"  # in every test page's text; must never reach a log
WORDS = ("the", "council", "said", "water", "levels", "in", "the", "river", "rose", "again",
         "during", "the", "night")


@pytest.fixture
def db_url(redis_server: EmbeddedRedis) -> Iterator[str]:
    """A flushed database of the session's server; kombu's own keys are per database."""
    client = redis.Redis(port=redis_server.port, db=5)
    client.flushdb()
    yield f"redis://127.0.0.1:{redis_server.port}/5"
    client.flushdb()
    client.close()


def reliability_settings(url: str, **overrides: Any) -> WorkerSettings:
    base: dict[str, Any] = {
        "redis_url": url, "key_prefix": "rel", "queue": "rel", "concurrency": 1,
        "soft_time_limit": 20, "time_limit": 25, "visibility_timeout": 40,
        "sweep_after_s": 30, "sweep_interval_s": 1, "max_deliveries": 3, "inbox_enabled": False,
    }
    return WorkerSettings(**{**base, **overrides})


def slow_page(paragraphs: int = 9000) -> bytes:
    """A plain article, ~1 MB per 9000 paragraphs: 0.5-2 s of real cleaning per MB."""
    body = "".join(f"<p>{MARKER} {' '.join(WORDS)} {n}.</p>" for n in range(paragraphs))
    return f"<html><body><article><h1>Flood</h1>{body}</article></body></html>".encode()


def wait_until(condition: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def deliveries(client: CleanerClient, settings: WorkerSettings, job_id: str) -> int:
    return int(client.redis.hget(settings.keys.deliveries, job_id) or 0)


def assert_exactly_once(client: CleanerClient, settings: WorkerSettings, ids: list[str]) -> None:
    figures = tally(client.redis, settings, ids)
    assert (figures.lost, figures.duplicated) == ([], []), figures.lines()
    keys = settings.keys
    assert client.redis.zcard(keys.pending) == 0  # the ledger is empty
    assert client.redis.hlen(keys.jobs) == 0
    assert client.redis.hlen(keys.deliveries) == 0


def assert_no_content_in_log(worker: WorkerProcess) -> None:
    assert MARKER not in worker.log_path.read_text(errors="replace")


def test_a_pool_child_killed_mid_page_still_gives_one_result(
    db_url: str, tmp_path: Path
) -> None:
    settings = reliability_settings(db_url)
    client = CleanerClient(settings)
    with start_worker(settings, tmp_path) as worker:
        job_id = client.submit(Job.from_content(slow_page(), id="killed-mid-page"))
        wait_until(lambda: deliveries(client, settings, job_id) == 1)
        time.sleep(0.1)  # inside clean()
        assert kill_pool_child(worker)
        assert client.get(job_id) is None  # killed before it could publish
        outcome = wait_for_outcomes(ResultStore(client.redis, settings), [job_id])
        assert isinstance(outcome[job_id], CleanedMessage)
        assert worker.process.poll() is None  # the worker forked a new child and went on
    assert_exactly_once(client, settings, [job_id])
    assert_no_content_in_log(worker)
    client.close()


def test_a_job_redelivered_after_a_sigkill_is_not_its_own_duplicate(
    db_url: str, tmp_path: Path
) -> None:
    """Its first run indexed it, then died before publishing; a near-copy indexed meanwhile
    named it. The redelivery must name neither itself nor that later copy."""
    settings = reliability_settings(db_url)
    client = CleanerClient(settings)
    page = slow_page()
    document = clean(page, options=clean_options(settings))
    assert isinstance(document, CleanedDocument)
    index = RedisIndex(client.redis, settings)
    assert index.link("redelivered", Signature.decode(document.minhash)) is None
    copy = clean(page.replace(b"<h1>Flood</h1>", b"<h1>Flood</h1><p>By a wire.</p>"),
                 options=clean_options(settings))
    assert isinstance(copy, CleanedDocument)
    assert index.link("later-copy", Signature.decode(copy.minhash)) is not None
    index.flush()
    with start_worker(settings, tmp_path) as worker:
        job_id = client.submit(Job.from_content(page, id="redelivered"))
        wait_until(lambda: deliveries(client, settings, job_id) == 1)
        time.sleep(0.1)  # inside clean()
        assert kill_pool_child(worker)
        outcome = wait_for_outcomes(ResultStore(client.redis, settings), [job_id])[job_id]
    assert isinstance(outcome, CleanedMessage)
    assert "duplicate_of" in outcome.document and outcome.document["duplicate_of"] is None
    assert_exactly_once(client, settings, [job_id])
    client.close()


def test_a_page_that_kills_its_worker_every_time_fails_as_crashed(
    db_url: str, tmp_path: Path
) -> None:
    settings = reliability_settings(db_url, max_deliveries=3)
    client = CleanerClient(settings)
    with start_worker(settings, tmp_path) as worker:
        # submit_many's batches of 1, 2, 4: the poison runs second of a four-job message
        bystanders = article_jobs(30, tag="bystander")
        ids = client.submit_many([*bystanders[:4], Job.from_content(slow_page(), id="poison"),
                                  *bystanders[4:]])
        poison, others = ids[4], ids[:4] + ids[5:]
        killed = 0
        while client.get(poison) is None:  # kill whoever starts the poison, up to the cap
            count = deliveries(client, settings, poison)
            if killed < count <= settings.max_deliveries:
                time.sleep(0.1)  # inside clean()
                assert kill_pool_child(worker)
                killed = count
            time.sleep(0.02)
        outcomes = wait_for_outcomes(ResultStore(client.redis, settings), [poison, *others])
        assert worker.process.poll() is None
    failed = outcomes[poison]
    assert isinstance(failed, FailedMessage)
    assert (failed.reason, killed) == (FailReason.CRASHED, settings.max_deliveries)
    assert failed.job is not None  # kept for `retry-failed`
    assert sum(isinstance(outcomes[job_id], CleanedMessage) for job_id in others) == 30
    assert_exactly_once(client, settings, [poison, *others])
    assert_no_content_in_log(worker)
    client.close()


def test_hanging_huge_and_pathological_pages_fail_and_the_worker_stays_up(
    db_url: str, tmp_path: Path
) -> None:
    settings = reliability_settings(db_url, soft_time_limit=1, time_limit=3,
                                    visibility_timeout=10, sweep_after_s=8,
                                    max_content_bytes=8 * 1024 * 1024)
    client = CleanerClient(settings)
    # submit_many's batches of 1, 2, 1: "hangs" runs first of a two-job message, which is
    # past its budget after it, so "deeply-nested" goes back to the queue as a new message
    pages = {
        "inflates-past-the-cap": b"<p>" + b"a" * (9 * 1024 * 1024) + b"</p>",  # gzip: 9 KB sent
        "hangs": slow_page(40_000),  # 4.3 MB: seconds of cleaning, past the 1 s soft limit
        "deeply-nested": b"<div>" * 100_000 + MARKER.encode() + b"</div>" * 100_000,
        "unclosed-tags": b"<table><tr><td><b><i><u>" * 20_000 + MARKER.encode(),
    }
    with start_worker(settings, tmp_path) as worker:
        main_pid = worker.process.pid
        ids = client.submit_many(Job.from_content(page, id=name) for name, page in pages.items())
        ids += client.submit_many(article_jobs(3, tag="after"))
        outcomes = wait_for_outcomes(ResultStore(client.redis, settings), ids)
        assert worker.process.poll() is None
        assert psutil.Process(main_pid).is_running()
    reasons = {job_id: getattr(outcomes[job_id], "reason", None) for job_id in pages}
    assert reasons["hangs"] is FailReason.TIMEOUT
    assert reasons["inflates-past-the-cap"] is FailReason.TOO_LARGE
    for name in ("deeply-nested", "unclosed-tags"):  # a typed answer, whichever it is
        assert isinstance(outcomes[name], (CleanedMessage, FailedMessage)), name
    assert all(isinstance(outcomes[f"after-{n}"], CleanedMessage) for n in range(3))
    # handed back by the "hangs+1" message: Celery logs the new one under its own task id
    assert "clean_page[deeply-nested] received" in worker.log_path.read_text(errors="replace")
    assert_exactly_once(client, settings, ids)
    assert_no_content_in_log(worker)
    client.close()


def test_a_worker_sigkilled_mid_run_loses_nothing(db_url: str, tmp_path: Path) -> None:
    settings = reliability_settings(db_url, concurrency=2, soft_time_limit=3, time_limit=5,
                                    visibility_timeout=10, sweep_after_s=8)
    client = CleanerClient(settings)
    store = ResultStore(client.redis, settings)
    worker = start_worker(settings, tmp_path)
    ids = client.submit_many(article_jobs(RUN_JOBS, tag="sigkill"))
    wait_until(lambda: len(store.outcomes(ids)) >= KILL_AT)
    in_flight = {child.pid for child in pool_children(worker)}
    kill_worker(worker)  # main process and pool, mid-run: its unacked tasks are stranded
    assert len(store.outcomes(ids)) < RUN_JOBS
    with start_worker(settings, tmp_path / "second") as second:
        outcomes = wait_for_outcomes(store, ids, timeout_s=120)
        assert second.process.poll() is None
    assert len(outcomes) == RUN_JOBS
    assert in_flight  # there was a pool to kill
    assert_exactly_once(client, settings, ids)
    client.close()


def test_a_redis_restart_mid_run_loses_nothing(tmp_path: Path) -> None:
    """The worker reconnects; if it exits instead (a kombu race, see `Fleet.revive`), a new
    one is started, as compose's `restart: unless-stopped` does. Nothing may be lost either way."""
    server = EmbeddedRedis.start(tmp_path / "redis")  # our own: the session's server stays up
    settings = reliability_settings(server.url, concurrency=2, soft_time_limit=3, time_limit=5,
                                    visibility_timeout=10, sweep_after_s=8)
    client = CleanerClient(settings)
    store = ResultStore(client.redis, settings)
    fleet = Fleet(settings, tmp_path / "workers")
    try:
        fleet.start()
        jobs = article_jobs(RUN_JOBS, tag="restart")
        ids = client.submit_many(jobs)
        wait_until(lambda: len(store.outcomes(ids)) >= KILL_AT)
        early = next(job for job in jobs if isinstance(store.get(str(job.id)), CleanedMessage))
        server = restart_redis(server, hard=True)  # SIGKILL: only the AOF remains
        outcomes = fleet.wait_for(store, ids, timeout_s=120)
        assert len(outcomes) == RUN_JOBS
        assert_exactly_once(client, settings, ids)
        # a near-copy of a page cleaned before the restart still names it
        page = early.content_bytes(settings.max_content_bytes)
        copy = client.submit(Job.from_content(page.replace(b"</h1>", b"</h1><p>Update.</p>"),
                                              id="copy-after-restart"))
        copied = fleet.wait_for(store, [copy], timeout_s=60)[copy]
        assert isinstance(copied, CleanedMessage)
        assert copied.document["duplicate_of"] == early.id
        # The empties fail as empty. On a loaded machine a page can also outlive the 3 s soft
        # limit or the delivery cap while Redis is down: failed with a reason is not lost.
        reasons = Counter(o.reason.value for o in outcomes.values() if isinstance(o, FailedMessage))
        assert reasons["empty"] == RUN_JOBS // 100
        assert set(reasons) <= {"empty", "timeout", "crashed"}
    finally:
        fleet.stop()
        client.close()
        server.stop()


def test_a_password_protected_redis_works_end_to_end(tmp_path: Path) -> None:
    password = "s3cret-pw"  # a throwaway server's password
    with EmbeddedRedis.start(tmp_path / "redis") as server:
        server.client().config_set("requirepass", password)
        url = f"redis://:{password}@127.0.0.1:{server.port}/0"
        settings = reliability_settings(url)
        client = CleanerClient(settings)
        with start_worker(settings, tmp_path / "worker") as worker:
            ids = client.submit_many(article_jobs(3, tag="auth"))
            outcomes = wait_for_outcomes(ResultStore(client.redis, settings), ids)
        assert all(isinstance(outcomes[job_id], CleanedMessage) for job_id in ids)
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=server.port).ping()
        assert password not in worker.log_path.read_text()
        client.close()


def test_jobs_the_broker_lost_are_recovered_by_the_sweeper(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = reliability_settings(db_url, soft_time_limit=1, time_limit=2,
                                    visibility_timeout=5, sweep_after_s=3)
    client = CleanerClient(settings)
    ids = client.submit_many(article_jobs(50, tag="lost"))
    client.redis.delete(settings.queue)  # the broker lost every message; the ledger has them
    with start_worker(settings, tmp_path):
        outcomes = wait_for_outcomes(ResultStore(client.redis, settings), ids, timeout_s=60)
    assert len(outcomes) == 50
    assert_exactly_once(client, settings, ids)
    point_cli_at(settings, monkeypatch)
    assert cleaner_main(["results", "stats"]) == 0
    assert "recovered   50" in capsys.readouterr().out
    client.close()


def test_a_warm_shutdown_finishes_the_page_being_cleaned(db_url: str, tmp_path: Path) -> None:
    settings = reliability_settings(db_url)
    client = CleanerClient(settings)
    worker = start_worker(settings, tmp_path)
    job_id = client.submit(Job.from_content(slow_page(), id="in-flight-at-stop"))
    wait_until(lambda: deliveries(client, settings, job_id) == 1)
    assert worker.stop() == 0  # SIGTERM, what `docker stop` sends before its grace period ends
    assert isinstance(client.get(job_id), CleanedMessage)
    assert_exactly_once(client, settings, [job_id])
    client.close()
