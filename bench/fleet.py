"""Fleet benchmark: end-to-end pages/s through Redis with 1 and 2 worker processes,
next to the library's single-process pages/s on the same pages, from one run.

    .venv/bin/python bench/fleet.py                          # fixtures/pages + seeds
    .venv/bin/python bench/fleet.py ../shared/data/aeb ../shared/data/wcxb-dev --limit 150

One embedded redis-server; one `celery worker` (the docker-compose command)
per process count, each started once, on its own key prefix and queue. Then,
round after round, the same pages go through each configuration in turn: the
library (`clean()` timed alone, like `cleaner bench`) and each worker (the
clock runs from the first submit through the producer client to the last
published outcome; each round uses fresh job ids). The order rotates from
round to round, so no configuration always runs after the same one: in a fixed
order (library, 1 process, 2 processes) the 1-process worker's own `clean()`
ran 1.11x the library's time on the same pages, rotated 0.95-1.04x. Every configuration first
gets an untimed burst of a few pages in each round: it has idled through the
others' turns. Interleaving spreads any load from other processes over all
configurations alike. The report gives the best round of each (what the code
can do, as `timeit` does), the median, and each configuration's ratio to the
library paired round by round (the median of the rounds' ratios, which cancels
the machine's drift between rounds). Overhead is the share of the 1-process
per-page time not spent in `clean()`: queue + task + publish + Redis,
everything the service adds. It is given two ways: against the library's
rounds (wall and CPU), which also counts any difference in how fast the same
`clean()` runs in the two processes at two moments; and within each worker
round, from the `clean_ms` every outcome carries: the share of the pool
processes' wall time that was not cleaning.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import psutil

from cleaner import clean
from cleaner.bench import dataset_files, read_page
from cleaner.threads import use_one_blas_thread
from workers.embedded import EmbeddedRedis
from workers.messages import Job
from workers.process import WorkerProcess
from workers.producer import CleanerClient
from workers.results import ResultStore
from workers.settings import WorkerSettings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATASETS = (REPO / "fixtures" / "pages", REPO / "seeds")
WARM_UP_PAGES = 8
POLL_S = 0.005  # the end is known within 5 ms; polling costs Redis ~nothing


@dataclass
class Series:
    """One configuration's rounds: wall seconds and CPU seconds per round."""

    label: str
    pages: int
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    cleaning_shares: list[float] = field(default_factory=list)  # of the workers' time, per round

    def rate(self, pick: str = "best") -> float:
        seconds = min(self.seconds) if pick == "best" else statistics.median(self.seconds)
        return self.pages / seconds

    def cpu_ms(self) -> float:
        return 1000 * min(self.cpu_seconds) / self.pages


class Fleet:
    """A worker with `processes` pool processes, its own queue and keys, warmed up."""

    def __init__(self, processes: int, server: EmbeddedRedis, workdir: Path) -> None:
        self.settings = WorkerSettings(
            redis_url=server.url, key_prefix=f"bench{processes}", queue=f"bench{processes}",
            concurrency=processes, inbox_enabled=False,
        )
        self.worker = WorkerProcess.start(self.settings.to_env(), workdir=workdir,
                                          name=f"bench{processes}")
        self.client = CleanerClient(self.settings)
        self.store = ResultStore(self.client.redis, self.settings)
        # ours: the worker tree and the server this benchmark started
        self.processes = [psutil.Process(self.worker.process.pid), psutil.Process(server.pid)]
        self.series = Series(f"through Redis, {processes} worker process"
                             f"{'es' * (processes > 1)}", 0)

    def run_round(self, pages: Sequence[bytes], tag: str) -> tuple[float, float, float]:
        """Wall and CPU seconds to submit `pages` and see every outcome published, and
        the share of the pool processes' wall time spent inside `clean()`."""
        jobs = [Job.from_content(raw, id=f"{tag}-{n}") for n, raw in enumerate(pages)]
        start, start_cpu = time.perf_counter(), _cpu(self.processes)
        target = self.store.finished() + len(jobs)
        self.client.submit_many(jobs)
        while self.store.finished() < target:
            time.sleep(POLL_S)
        seconds, cpu_seconds = time.perf_counter() - start, _cpu(self.processes) - start_cpu
        outcomes = self.store.outcomes([str(job.id) for job in jobs]).values()
        cleaning_seconds = sum(outcome.clean_ms or 0.0 for outcome in outcomes) / 1000
        return seconds, cpu_seconds, cleaning_seconds / (seconds * self.settings.concurrency)

    def timed_round(self, pages: Sequence[bytes], tag: str) -> None:
        """A short untimed burst first: the pool has idled through the other configurations'
        turns, and a fleet at work is busy, not waking up."""
        self.run_round(pages[:WARM_UP_PAGES], f"{tag}-warm")
        seconds, cpu_seconds, cleaning_share = self.run_round(pages, tag)
        self.series.seconds.append(seconds)
        self.series.cpu_seconds.append(cpu_seconds)
        self.series.cleaning_shares.append(cleaning_share)
        self.series.pages = len(pages)

    def stop(self) -> None:
        self.client.close()
        self.worker.stop()


def library_round(pages: Sequence[bytes], series: Series) -> None:
    for raw in pages[:WARM_UP_PAGES]:  # the same untimed burst as the workers get
        clean(raw)
    seconds = cpu = 0.0
    for raw in pages:
        start, start_cpu = time.perf_counter(), time.process_time()
        clean(raw)
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
    series.seconds.append(seconds)
    series.cpu_seconds.append(cpu)


def _cpu(roots: list[psutil.Process]) -> float:
    """User + system CPU seconds of these processes and all their children, live or gone.

    A pool child recycled after `max_tasks_per_child` takes its CPU time with it,
    except into its parent's `children_*` counters once reaped: those count too."""
    total = 0.0
    for root in roots:
        for process in [root, *root.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="*", type=Path, default=list(DEFAULT_DATASETS))
    parser.add_argument("--limit", type=int, default=None, help="pages per dataset")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the pages")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    use_one_blas_thread()  # as the CLI and the workers do
    pages = [read_page(f).raw for d in args.datasets for f in dataset_files(d)[: args.limit]]
    library = Series("library, 1 process (clean() only)", len(pages))
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp, \
            EmbeddedRedis.start(Path(tmp) / "redis") as server:
        fleets = [Fleet(n, server, Path(tmp)) for n in args.processes]
        turns: list[Callable[[str], None]] = [
            lambda tag: library_round(pages, library),
            *(partial(fleet.timed_round, pages) for fleet in fleets),
        ]
        try:
            for round_no in range(args.rounds):
                print(f"round {round_no + 1}/{args.rounds}: {len(pages)} pages", file=sys.stderr)
                # each round starts with the next configuration: none always follows the
                # same one (a fixed order made one configuration run ~10 % slower)
                shift = round_no % len(turns)
                for turn in turns[shift:] + turns[:shift]:
                    turn(f"r{round_no}")
        finally:
            for fleet in fleets:
                fleet.stop()
    _report([library, *(fleet.series for fleet in fleets)], library, args.rounds)
    return 0


def _report(series: list[Series], library: Series, rounds: int) -> None:
    load = psutil.getloadavg()[0]
    print(f"{library.pages} pages x {rounds} rounds; {psutil.cpu_count()} cores, "
          f"load average {load:.1f} at the end (other processes slow every figure alike)")
    for one in series:
        print(f"{one.label:<42} {one.rate():6.1f} pages/s best ({one.rate('median'):6.1f} median)"
              f"  {one.rate() / library.rate():4.2f}x library  {one.cpu_ms():5.1f} ms CPU/page"
              f"  {_paired_speedup(one, library):4.2f}x paired")
    single = next((s for s in series[1:] if s.label.endswith(" 1 worker process")), None)
    if single is None:
        return
    wall_ms, lib_ms = 1000 / single.rate(), 1000 / library.rate()
    cpu_ms, lib_cpu_ms = single.cpu_ms(), library.cpu_ms()
    paired = 1 - _paired_speedup(single, library)
    print(f"overhead, wall: {wall_ms - lib_ms:5.1f} ms of {wall_ms:.1f} ms per page "
          f"({100 * (wall_ms - lib_ms) / wall_ms:.1f}% best vs best; {100 * paired:.1f}% paired)")
    print(f"overhead, CPU:  {cpu_ms - lib_cpu_ms:5.1f} ms of {cpu_ms:.1f} ms per page "
          f"({100 * (cpu_ms - lib_cpu_ms) / cpu_ms:.1f}%; worker + redis-server vs clean())")
    print("paired: the median over rounds of each round's ratio to the library in the same "
          "round, which cancels the machine's drift between rounds")
    for one in series[1:]:
        outside = sorted(100 * (1 - share) for share in one.cleaning_shares)
        print(f"overhead, in the worker ({one.label}): {statistics.median(outside):.1f}% of its "
              f"processes' time outside clean() (median round; rounds "
              f"{', '.join(f'{o:.1f}' for o in outside)}%)")
    print(f"clean() itself in the 1-process worker: {_clean_speed(single, library):.2f}x its "
          "time in the library (median over rounds, paired: the same pages in both)")
    print("in the worker: 1 - (the clean_ms of the round's outcomes) / (round wall time x "
          "processes): queue, task, publish and idle, measured within one round, against the "
          "same process's own cleaning, whatever speed the machine gives it that round")


def _clean_speed(worker: Series, library: Series) -> float:
    """Median over rounds of the worker's summed clean_ms / the library's clean() seconds."""
    return statistics.median(
        share * seconds / lib
        for share, seconds, lib in zip(worker.cleaning_shares, worker.seconds, library.seconds,
                                       strict=True))


def _paired_speedup(one: Series, library: Series) -> float:
    """Median over rounds of library seconds / this configuration's seconds, round by round."""
    return statistics.median(lib / own for lib, own in zip(library.seconds, one.seconds,
                                                           strict=True))


if __name__ == "__main__":
    sys.exit(main())
