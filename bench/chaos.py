"""Chaos run: a job load through real workers while workers are SIGKILLed and Redis restarts.

    .venv/bin/python bench/chaos.py                      # 2,000 jobs, 6 kills, 1 Redis restart
    .venv/bin/python bench/chaos.py --jobs 500 --kills 2

One embedded redis-server (AOF on) in a temp dir and two `celery worker`s
(the docker-compose command), one pool process each. Every few seconds one
worker is SIGKILLed, alternately the whole worker (main process and pool, as
`docker kill` or an OOM of the container does) and only its pool child (the
child's task goes back to the queue), and the killed one is started again.
Half way, Redis is SIGKILLed and restarted on the same port and data. Short
time limits, visibility timeout and sweeper deadline make the recoveries
happen within the run. At the end it prints submitted, done, failed (by
reason), lost and duplicated; lost and duplicated must be 0 (exit status 1
otherwise).

The fault helpers (`kill_worker`, `kill_pool_child`, `restart_redis`,
`tally`) are shared with tests/workers/test_reliability*.py.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import psutil
import redis

from workers.embedded import EmbeddedRedis, redis_server_binary
from workers.messages import FailedMessage, Job, decode_result
from workers.process import WorkerProcess
from workers.producer import CleanerClient
from workers.publisher import ResultMessage, connect
from workers.results import ResultStore, StreamEntries
from workers.settings import WorkerSettings

WORDS = ("river", "flood", "town", "council", "volunteers", "sandbags", "water", "level",
         "bridge", "closed", "school", "rain", "forecast", "residents", "road", "mayor", "night")
RESTART_TIMEOUT_S = 15.0
CHAOS_PARAGRAPHS = (20, 80)  # pages of 5-20 KB, ~20 ms of cleaning: the run lasts a minute
EMPTY_EVERY = 100  # one job in this many is an empty page: a failed outcome in the figures

# Short limits so that every recovery path runs within the run (CLEANER_* in production).
CHAOS_SETTINGS = {
    "soft_time_limit": 3, "time_limit": 5, "visibility_timeout": 12,
    "sweep_after_s": 10, "sweep_interval_s": 2, "max_deliveries": 5,
    "inbox_enabled": False, "concurrency": 1,
}


# ------------------------------------------------------------------ faults


def kill_worker(worker: WorkerProcess) -> None:
    """SIGKILL the worker's main process and pool together: nothing runs its shutdown."""
    try:
        main = psutil.Process(worker.process.pid)
        processes = [*main.children(recursive=True), main]
    except psutil.NoSuchProcess:
        processes = []
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGKILL)
    worker.stop()  # reaps the main process, closes the log


def pool_children(worker: WorkerProcess) -> list[psutil.Process]:
    """The live pool processes (a child killed a moment ago may linger as a zombie)."""
    try:
        children = psutil.Process(worker.process.pid).children()
    except psutil.NoSuchProcess:
        return []
    live = []
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.status() != psutil.STATUS_ZOMBIE:
                live.append(child)
    return live


def kill_pool_child(worker: WorkerProcess) -> bool:
    """SIGKILL one pool child (the worker forks a new one); False if there was none."""
    for child in pool_children(worker):
        try:
            child.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            continue
        return True
    return False


def restart_redis(server: EmbeddedRedis, *, hard: bool = True) -> EmbeddedRedis:
    """Stop the server (SIGKILL if `hard`, else SHUTDOWN) and start it on the same port and dir.

    The config `EmbeddedRedis.start` wrote (AOF, `appendfsync everysec`) stays
    in the data dir, so the new server replays the AOF and listens where the
    clients reconnect.
    """
    assert server.process is not None, "restart only a server we started"
    if hard:
        server.process.kill()
        server.process.wait()
    else:
        server.stop()
    config = (server.data_dir / "redis.conf").resolve()
    process = subprocess.Popen([redis_server_binary(), str(config)], cwd=server.data_dir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    restarted = EmbeddedRedis(data_dir=server.data_dir, port=server.port, process=process)
    deadline = time.monotonic() + RESTART_TIMEOUT_S
    while not _loaded(restarted):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis did not restart; see {server.data_dir / 'redis.log'}")
        time.sleep(0.05)
    return restarted


def _loaded(server: EmbeddedRedis) -> bool:
    """Up and done replaying the AOF (a loading server answers PING with an error)."""
    try:
        return bool(redis.Redis(port=server.port, socket_timeout=1).ping())
    except redis.RedisError:
        return False


# ------------------------------------------------------------------ load and figures


def article_jobs(count: int, *, paragraphs: tuple[int, int] = (4, 4), seed: int = 7,
                 tag: str = "chaos") -> list[Job]:
    """Distinct article pages (4 paragraphs: ~5 ms of cleaning, 50: ~20 ms); 1 in 100 empty."""
    rng = random.Random(seed)
    jobs = []
    for n in range(count):
        if n % EMPTY_EVERY == EMPTY_EVERY - 1:
            jobs.append(Job.from_content("   ", id=f"{tag}-{n}"))
            continue
        body = "".join(
            f"<p>{' '.join(rng.choices(WORDS, k=rng.randint(25, 45)))} {n}.</p>"
            for _ in range(rng.randint(*paragraphs))
        )
        page = (f"<html><head><title>Report {n}</title></head><body><nav>Home | News</nav>"
                f"<article><h1>Report {n}</h1>{body}</article></body></html>")
        jobs.append(Job.from_content(page, id=f"{tag}-{n}", url=f"https://example.com/{n}"))
    return jobs


@dataclass
class Tally:
    submitted: int
    done: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)  # pages with more than one stream entry

    def lines(self) -> list[str]:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed.items()))
        return [f"submitted   {self.submitted}", f"done        {self.done}",
                f"failed      {sum(self.failed.values())} ({reasons or '-'})",
                f"lost        {len(self.lost)}", f"duplicated  {len(self.duplicated)}"]


def tally(db: redis.Redis, settings: WorkerSettings, ids: list[str]) -> Tally:
    """Every id as its stream entries and its doc key say: done, failed, lost or duplicated.

    Duplicated: one page (id and version) with more than one stream entry; a
    page replaced by another under the same id (`force`) is a new version."""
    keys = settings.keys
    streams = [cast(StreamEntries, db.xrange(stream)) for stream in (keys.results, keys.failed)]
    pages = Counter((fields[b"id"].decode(), decode_result(fields[b"data"]).version)
                    for stream in streams for _entry, fields in stream)
    entries = Counter(job_id for job_id, _version in pages.elements())
    unique = list(dict.fromkeys(ids))
    outcomes = ResultStore(db, settings).outcomes(unique)
    result = Tally(submitted=len(unique))
    for job_id in unique:
        outcome = outcomes.get(job_id)
        if outcome is None or entries[job_id] == 0:
            result.lost.append(job_id)
        elif isinstance(outcome, FailedMessage):
            result.failed[outcome.reason.value] += 1
        else:
            result.done += 1
    result.duplicated = sorted({job_id for (job_id, _v), n in pages.items() if n > 1})
    result.duplicated += sorted(set(entries) - set(unique))  # an entry for no job of the run
    return result


# ------------------------------------------------------------------ the run


@dataclass
class Fleet:
    settings: WorkerSettings
    workdir: Path
    workers: list[WorkerProcess] = field(default_factory=list)
    starts: int = 0
    revived: int = 0  # workers that exited on their own and were started again

    def start(self) -> WorkerProcess:
        self.starts += 1
        worker = WorkerProcess.start(self.settings.to_env(), workdir=self.workdir,
                                     name=f"worker-{self.starts}")
        self.workers.append(worker)
        return worker

    def revive(self) -> None:
        """Start a new worker for each one that exited, as compose's `restart:` policy does.

        Celery 5.7 / kombu 5.7 sometimes exit with "Unrecoverable error:
        AttributeError: 'NoneType' object has no attribute 'hostname'" while
        reconnecting after a Redis restart: closing the dead channel tries to
        restore its unacked messages through a connection already torn down
        (the trace of celery/kombu#582). The messages stay in `unacked` and
        come back after the visibility timeout; the worker only needs a restart.
        """
        for worker in [w for w in self.workers if w.process.poll() is not None]:
            worker.stop()
            self.workers.remove(worker)
            self.revived += 1
            self.start()

    def wait_for(self, store: ResultStore, ids: list[str], count: int | None = None,
                 timeout_s: float = 300) -> dict[str, ResultMessage]:
        """Poll until `count` (default: all) of `ids` have an outcome, reviving dead workers."""
        wanted = len(ids) if count is None else count
        deadline = time.monotonic() + timeout_s
        while len(outcomes := store.outcomes(ids)) < wanted and time.monotonic() < deadline:
            self.revive()
            time.sleep(0.1)
        return outcomes

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def run_chaos(jobs: int, kills: int, workers: int, workdir: Path, *,
              sweeper: bool = True) -> tuple[Tally, str]:
    server = EmbeddedRedis.start(workdir / "redis")
    settings = WorkerSettings(redis_url=server.url, key_prefix="chaos", queue="chaos",
                              sweeper_enabled=sweeper, **CHAOS_SETTINGS)  # type: ignore[arg-type]
    fleet = Fleet(settings, workdir)
    try:
        for _ in range(workers):
            fleet.start()
        load = article_jobs(jobs, paragraphs=CHAOS_PARAGRAPHS)
        ids = [str(job.id) for job in load]
        started = time.monotonic()
        # submit while the faults begin: the first kills land during submission
        submitter = threading.Thread(target=_submit, args=(settings, load))
        submitter.start()
        server = _inject_faults(fleet, server, ids, kills, submitter)
        store = ResultStore(connect(server.url), settings)
        fleet.wait_for(store, ids, timeout_s=300 if sweeper else 60)
        seconds = time.monotonic() - started
        figures = tally(connect(server.url), settings, ids)
        stats = store.stats()
        summary = (f"{seconds:.0f} s, {kills} kills, 1 Redis restart, {fleet.revived} workers "
                   f"revived after exiting; sweeper recovered {stats.recovered}, duplicate "
                   f"runs absorbed {stats.duplicate}, ledger left {stats.in_flight}")
        return figures, summary
    finally:
        fleet.stop()
        server.stop()


def _submit(settings: WorkerSettings, load: list[Job]) -> None:
    client = CleanerClient(settings)
    client.submit_many(load)
    client.close()


def _inject_faults(fleet: Fleet, server: EmbeddedRedis, ids: list[str], kills: int,
                   submitter: threading.Thread) -> EmbeddedRedis:
    """At every 1/(kills + 1) of the outcomes kill a worker, alternately whole and its child.

    A whole worker is replaced in the background (the others go on meanwhile);
    Redis restarts at half the outcomes, once every job is submitted.
    """
    restarted, starters = False, []
    for kill in range(kills):
        point = len(ids) * (kill + 1) // (kills + 1)
        if not restarted and point >= len(ids) // 2:
            fleet.wait_for(ResultStore(connect(server.url), fleet.settings), ids, len(ids) // 2)
            submitter.join()
            server = restart_redis(server)
            _progress(server, fleet.settings, ids, "redis SIGKILLed and restarted")
            restarted = True
        fleet.wait_for(ResultStore(connect(server.url), fleet.settings), ids, point)
        while not fleet.workers:  # with one worker, its replacement may still be starting
            time.sleep(0.1)
        victim = fleet.workers[kill % len(fleet.workers)]
        if kill % 2 == 0:
            fleet.workers.remove(victim)
            kill_worker(victim)
            _progress(server, fleet.settings, ids, "worker SIGKILLed (main + pool)")
            starters.append(threading.Thread(target=fleet.start))  # the others go on meanwhile
            starters[-1].start()
        else:
            kill_pool_child(victim)
            _progress(server, fleet.settings, ids, "pool child SIGKILLed")
    for thread in [submitter, *starters]:
        thread.join()
    return server


def _progress(server: EmbeddedRedis, settings: WorkerSettings, ids: list[str], what: str) -> None:
    done = len(ResultStore(connect(server.url), settings).outcomes(ids))
    print(f"  {what} at {done}/{len(ids)} outcomes", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/chaos.py", description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=6, help="worker kills during the run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-sweeper", action="store_true",
                        help="turn the sweeper off, to see what it saves (waits 60 s at most)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cleaner-chaos-") as workdir:
        figures, summary = run_chaos(args.jobs, args.kills, args.workers, Path(workdir),
                                     sweeper=not args.no_sweeper)
    print("\n".join(figures.lines()))
    print(summary)
    return 0 if not figures.lost and not figures.duplicated else 1


if __name__ == "__main__":
    sys.exit(main())
