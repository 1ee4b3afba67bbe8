"""The service's subcommands of `cleaner`: run, enqueue, results, worker.

`cleaner.cli` finds `register` through the `cleaner.commands` entry point.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from pydantic import ValidationError

from cleaner.bench import read_page
from cleaner.cli import add_option_flags, options_from_args
from cleaner.progress import progress
from workers.embedded import EmbeddedRedis, EmbeddedRedisError
from workers.messages import CleanedMessage, FailReason, Job
from workers.process import WORKER_COMMAND, WorkerStartError
from workers.producer import CleanerClient
from workers.publisher import ResultMessage, connect
from workers.results import DEFAULT_RETRY_REASONS, ResultStore, as_json
from workers.runner import page_files, print_inspection, print_report, run_pages
from workers.settings import WorkerSettings

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2
Subparsers = argparse._SubParsersAction  # argparse has no public name for it


class CommandError(Exception):
    """A user-facing error: printed as `cleaner: <message>`, exit status 2."""


def register(sub: Subparsers[argparse.ArgumentParser]) -> None:
    _add_run(sub)
    _add_enqueue(sub)
    _add_results(sub)
    worker = sub.add_parser("worker", help="run a worker (the docker-compose command)")
    worker.add_argument("celery_args", nargs=argparse.REMAINDER, help="more celery worker flags")
    worker.set_defaults(handler=_guarded(_run_worker))


Handler = Callable[[argparse.Namespace], int]


def _guarded(handler: Handler) -> Handler:
    """Turn the errors a user can fix into one line and exit status 2, not a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except (CommandError, EmbeddedRedisError, WorkerStartError) as exc:
            print(f"cleaner: {exc}", file=sys.stderr)
        except FileNotFoundError as exc:
            print(f"cleaner: no such file or folder: {exc}", file=sys.stderr)
        except ValidationError as exc:
            print(f"cleaner: bad CLEANER_* setting:\n{exc}", file=sys.stderr)
        except redis.ConnectionError as exc:
            print(f"cleaner: cannot reach Redis: {exc}", file=sys.stderr)
        return EXIT_USAGE

    return run


# ------------------------------------------------------------------ run


def _add_run(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="clean pages through Redis and a worker pool (embedded Redis "
                                   "unless CLEANER_REDIS_URL is set)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="page files or folders")
    p.add_argument("--concurrency", type=int, default=None, help="worker processes")
    p.add_argument("--keep", action="store_true",
                   help="leave the embedded Redis running after the run (for redis-cli)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for results")
    add_option_flags(p)
    p.set_defaults(handler=_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    settings = WorkerSettings.from_env()
    if args.concurrency:
        settings = settings.model_copy(update={"concurrency": args.concurrency})
    files = page_files(args.paths)
    if not files:
        raise CommandError(f"no pages in {' '.join(map(str, args.paths))}")
    report = run_pages(files, settings, options_from_args(args), keep=args.keep,
                       timeout_s=args.timeout)
    print_report(report, sys.stdout)
    print_inspection(report, settings, keep=args.keep, out=sys.stdout)
    return EXIT_INCOMPLETE if report.missing else EXIT_OK


# ------------------------------------------------------------------ enqueue


def _add_enqueue(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("enqueue", help="submit pages (or job JSON lines) to CLEANER_REDIS_URL")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="page files or folders")
    p.add_argument("--jsonl", type=Path, metavar="FILE",
                   help="job messages, one JSON object per line (workers/schemas/job.schema.json)")
    p.add_argument("--source", default="cleaner enqueue", help="the jobs' `source` field")
    p.set_defaults(handler=_guarded(_enqueue))


def _enqueue(args: argparse.Namespace) -> int:
    settings = WorkerSettings.from_env()
    if settings.redis_url is None:
        raise CommandError("CLEANER_REDIS_URL is not set (`cleaner run PATH` needs no server)")
    if bool(args.paths) == bool(args.jsonl):
        raise CommandError("give page PATHs or --jsonl FILE (one of the two)")
    client = CleanerClient(settings)
    if args.jsonl:
        # Sent as they are: the worker validates, a bad line becomes a failed result.
        lines = [line for line in args.jsonl.read_text("utf-8").splitlines() if line.strip()]
        ids = client.submit_raw_many(progress(lines, desc="enqueue", unit="job"))
    else:
        files = page_files(args.paths)
        jobs = (Job.from_content(read_page(f).raw, source=args.source, meta={"file": str(f)})
                for f in progress(files, desc="enqueue", unit="page", total=len(files)))
        ids = client.submit_many(jobs)
    client.close()
    print("\n".join(ids))
    print(f"cleaner: {len(ids)} jobs submitted; `cleaner results stats` follows them",
          file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------ results


def _add_results(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("results", help="read results: tail, get, failed, stats, retry-failed")
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    tail = actions.add_parser("tail", help="the latest cleaned documents")
    tail.add_argument("-n", type=int, default=10, help="how many (default 10)")
    tail.add_argument("--follow", "-f", action="store_true", help="then wait for new ones")
    tail.add_argument("--json", action="store_true", help="whole messages, one per line")
    tail.set_defaults(handler=_guarded(_tail))
    get = actions.add_parser("get", help="one job's outcome, as JSON")
    get.add_argument("job_id", metavar="ID")
    get.set_defaults(handler=_guarded(_get))
    failed = actions.add_parser("failed", help="the latest failed jobs with their reasons")
    failed.add_argument("-n", type=int, default=20)
    failed.add_argument("--json", action="store_true")
    failed.set_defaults(handler=_guarded(_failed))
    stats = actions.add_parser("stats", help="submitted, cleaned, failed, in flight, rate")
    stats.set_defaults(handler=_guarded(_stats))
    retry = actions.add_parser("retry-failed", help="resubmit failed jobs "
                               f"(default reasons: {', '.join(sorted(DEFAULT_RETRY_REASONS))})")
    retry.add_argument("--reason", action="append", type=FailReason, choices=list(FailReason),
                       help="retry jobs that failed for this reason (repeatable)")
    retry.add_argument("--all", action="store_true", help="retry every failed job")
    retry.set_defaults(handler=_guarded(_retry))


@contextmanager
def _store(settings: WorkerSettings) -> Iterator[tuple[ResultStore, redis.Redis]]:
    """The configured Redis, else the embedded data of the last `cleaner run`."""
    if settings.redis_url is not None:
        client = connect(settings.redis_url)
        yield ResultStore(client, settings), client
        client.close()
        return
    if not settings.embedded_dir.is_dir():
        raise CommandError(f"no results here: set CLEANER_REDIS_URL, or `cleaner run PATH` "
                           f"first (it keeps its data in {settings.embedded_dir}/)")
    with EmbeddedRedis.open(settings.embedded_dir) as server:
        client = server.client()
        yield ResultStore(client, settings), client


def _tail(args: argparse.Namespace) -> int:
    with _store(WorkerSettings.from_env()) as (store, _client):
        entries = store.tail(args.n)
        for entry_id, message in entries:
            print(_tail_line(entry_id, message, whole=args.json))
        if args.follow:  # until Ctrl-C
            for entry_id, message in store.follow(entries[-1][0] if entries else "$"):
                print(_tail_line(entry_id, message, whole=args.json), flush=True)
    return EXIT_OK


def _tail_line(entry_id: str, message: ResultMessage, *, whole: bool) -> str:
    if whole or not isinstance(message, CleanedMessage):
        return as_json(message)
    doc = message.document
    return (f"{entry_id}  {message.id}  {doc.get('language') or '--'}  "
            f"{doc.get('word_count')} words  {doc.get('title') or ''}")


def _get(args: argparse.Namespace) -> int:
    with _store(WorkerSettings.from_env()) as (store, _client):
        message = store.get(args.job_id)
    if message is None:
        print(f"cleaner: no outcome for {args.job_id} (unknown, in flight, or expired)",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    print(message.model_dump_json(indent=2, exclude_none=True))
    return EXIT_OK


def _failed(args: argparse.Namespace) -> int:
    with _store(WorkerSettings.from_env()) as (store, _client):
        for entry_id, message in store.tail(args.n, failed=True):
            if args.json:
                print(as_json(message))
            elif message.status == "failed":
                print(f"{entry_id}  {message.id}  {message.reason.value}  {message.detail[:120]}")
    return EXIT_OK


def _stats(_args: argparse.Namespace) -> int:
    with _store(WorkerSettings.from_env()) as (store, _client):
        print("\n".join(store.stats().lines()))
    return EXIT_OK


def _retry(args: argparse.Namespace) -> int:
    settings = WorkerSettings.from_env()
    if settings.redis_url is None:
        raise CommandError("retry-failed needs running workers: set CLEANER_REDIS_URL")
    reasons = set(FailReason) if args.all else set(args.reason or DEFAULT_RETRY_REASONS)
    client = CleanerClient(settings)
    retried = ResultStore(client.redis, settings).retry_failed(client, reasons)
    client.close()
    print(f"resubmitted {len(retried)} failed jobs ({', '.join(sorted(reasons))})")
    return EXIT_OK


def _run_worker(args: argparse.Namespace) -> int:
    argv = [sys.executable, "-m", *WORKER_COMMAND, *args.celery_args]
    os.execv(sys.executable, argv)  # the worker becomes this process: signals reach celery
    return EXIT_OK  # not reached
