"""The `cleaner` command.

The library's subcommands (`clean`, `bench`, `schema`) live here and work with
no service installed. Other packages add theirs through the
`cleaner.commands` entry-point group: each entry is a `register(subparsers)`
function (the worker service adds `run`, `enqueue`, `results`, `worker`).

Anything a user can type ends in one line on stderr and a non-zero exit,
never a traceback: argparse errors are one line (`CliParser`), a closed
pipe (`| head -1`) ends the run quietly, Ctrl-C exits 130.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, entry_points, version
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from cleaner.api import clean, warm_up
from cleaner.bench import dataset_files, iter_pages, run_bench
from cleaner.compare import ENGINES, compare
from cleaner.compare import report as compare_report
from cleaner.dedup import MemoryIndex, mark_duplicate
from cleaner.evaluate import load_truth
from cleaner.inputs import InputError, InputPage, Skipped, check_paths, is_single_page, read_inputs
from cleaner.models import CleanedDocument, Rejected
from cleaner.options import DEFAULT_OPTIONS, CleanOptions
from cleaner.outputs import FORMATS, MANIFEST, Outcome, open_writer
from cleaner.progress import progress
from cleaner.schema import document_schema
from cleaner.threads import use_one_blas_thread

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE: as a shell reports
Subparsers: TypeAlias = "argparse._SubParsersAction[Any]"  # argparse names it privately
PARALLEL_WINDOW = 4  # pages in flight per process: enough to keep each busy, few in memory


class CliParser(argparse.ArgumentParser):
    """argparse, with every usage error on one line (and `--help` still whole)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class UsageError(Exception):
    """A command line that cannot run: printed as `cleaner: <message>`, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "pass_through", False):
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    args.extra = extra
    use_one_blas_thread()
    return run_handler(args.handler, args)


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; what a user can cause ends in one line, not a traceback."""
    try:
        return int(handler(args))
    except (UsageError, InputError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
    except BrokenPipeError:  # `cleaner clean ... | head -1`: the reader has all it wants
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # permissions, a full disk, a folder where a file was meant
        print(f"cleaner: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
    return EXIT_USAGE


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's own final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(prog="cleaner", description="Strip boilerplate from scraped pages.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_clean(sub)
    _add_bench(sub)
    schema = sub.add_parser("schema", help="print the JSON Schema of the cleaned document")
    schema.set_defaults(handler=_run_schema, parser=schema)
    for entry in entry_points(group="cleaner.commands"):
        try:
            register = entry.load()
        except ModuleNotFoundError:  # a library-only install: the service's commands are absent
            continue
        except ImportError as exc:  # installed but broken: say so, the library still works
            print(f"cleaner: the {entry.name} commands did not load: {exc}", file=sys.stderr)
            continue
        register(sub)
    return parser


def package_version() -> str:
    try:
        return version("pagecleaner")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def options_from_args(args: argparse.Namespace) -> CleanOptions:
    """CleanOptions from the flags every cleaning command shares."""
    return replace(
        DEFAULT_OPTIONS,
        mode=args.mode,
        max_bytes=args.max_bytes,
        include_removed=not args.no_removed,
        include_markdown=getattr(args, "format", None) == "markdown",
        dedup_threshold=getattr(args, "dedup_threshold", DEFAULT_OPTIONS.dedup_threshold),
    )


def positive_int(text: str) -> int:
    """An argparse type: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return value


def unit_fraction(text: str) -> float:
    """An argparse type: a number above 0 and at most 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1, got {value}")
    return value


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=("auto", "html", "text"), default="auto",
                        help="read pages as HTML, as text dumps, or decide per page (default)")
    parser.add_argument("--max-bytes", type=positive_int, default=DEFAULT_OPTIONS.max_bytes,
                        help="reject pages larger than this (default: %(default)s)")
    parser.add_argument("--no-removed", action="store_true",
                        help="leave out the list of removed boilerplate blocks")


def _run_schema(_args: argparse.Namespace) -> int:
    print(json.dumps(document_schema(), indent=2))
    return EXIT_OK


# ------------------------------------------------------------------ clean


def _add_clean(sub: Subparsers) -> None:
    p = sub.add_parser(
        "clean", help="clean pages: files, folders, WARC, JSONL, or - for stdin",
        description="Clean pages. PATH is a page file (.html .htm .txt .md ..., also .gz), a "
                    "folder (read recursively), a WARC (.warc, .warc.gz: its response records), "
                    "a JSONL file (.jsonl: one page per line, README \"Batch input\"), or - "
                    "(stdin, one page).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a page, folder, WARC, JSONL, or -")
    p.add_argument("--format", choices=FORMATS, default="jsonl",
                   help="jsonl (default): one JSON object per line; json: one JSON array; "
                        "text or markdown: the bodies, pages separated by a form feed line")
    p.add_argument("--metadata", action="store_true",
                   help="text and markdown: start each page with a front-matter header")
    p.add_argument("-o", "--output-dir", type=Path, metavar="DIR",
                   help=f"one file per page in DIR, named after it, and DIR/{MANIFEST}")
    p.add_argument("--parallel", type=positive_int, default=1, metavar="N",
                   help="clean in N processes (default 1)")
    p.add_argument("--url", help="the page's URL (one page only: WARC and JSONL carry their own)")
    p.add_argument("--dedup", action="store_true",
                   help="mark near-duplicates among these pages: duplicate_of names the earlier "
                        "page a document repeats most, with its similarity (none is dropped)")
    p.add_argument("--dedup-threshold", type=unit_fraction, default=DEFAULT_OPTIONS.dedup_threshold,
                   metavar="S", help="--dedup: the share of the smaller body's 3-word shingles "
                                     "found in the other that makes a copy (default: %(default)s)")
    add_option_flags(p)
    p.set_defaults(handler=_run_clean, parser=p)


def _run_clean(args: argparse.Namespace) -> int:
    check_paths(args.paths)
    if args.url and not (len(args.paths) == 1 and is_single_page(args.paths[0])):
        raise UsageError("--url names one page, and PATH is several pages (a folder, a WARC, "
                         "a JSONL file or more than one PATH): put the URLs in a WARC or JSONL")
    if args.paths.count("-") > 1:
        raise UsageError("stdin (-) can be read once")
    options = options_from_args(args)
    skipped = Skipped()
    started = time.perf_counter()
    pages = read_inputs(args.paths, max_bytes=options.max_bytes, skipped=skipped)
    if args.url:
        pages = (replace(page, url=args.url) for page in pages)
    outcomes = clean_all(pages, options, args.parallel)
    if args.dedup:
        outcomes = mark_duplicates(outcomes, options.dedup_threshold)
    tally: Counter[str] = Counter()
    with open_writer(args.format, folder=args.output_dir, metadata=args.metadata) as writer:
        for outcome in progress(outcomes, desc="cleaning", unit="page"):
            writer.write(outcome)
            tally[outcome.reason or outcome.status] += 1
    print(summary(tally, time.perf_counter() - started, skipped, args.output_dir),
          file=sys.stderr)
    return EXIT_OK if set(tally) <= {"cleaned"} else EXIT_REJECTED


def clean_all(pages: Iterable[InputPage], options: CleanOptions,
              processes: int) -> Iterator[Outcome]:
    """Each page's Outcome, in input order; in `processes` processes when above 1."""
    if processes == 1:
        for page in pages:
            yield Outcome(page, None if page.error else _clean_page(page, options))
        return
    # fork: the children inherit the loaded models (warmed up once, here)
    warm_up(options)
    with ProcessPoolExecutor(processes, mp_context=get_context("fork"),
                             initializer=_init_child) as pool:
        in_flight: InFlight = deque()
        try:
            for page in pages:
                future = None if page.error else pool.submit(_clean_page, page, options)
                in_flight.append((page, future))
                yield from _finished(in_flight, keep=processes * PARALLEL_WINDOW - 1)
            yield from _finished(in_flight, keep=0)
        except BrokenProcessPool:  # a child was killed (the OOM killer): name the suspects
            names = ", ".join(page.name for page, _future in in_flight)
            raise UsageError(f"a cleaning process died on one of: {names} (out of memory?); "
                             "`--parallel 1` names the page") from None
        finally:  # stopped early (a closed pipe, Ctrl-C): drop the pages not started
            pool.shutdown(wait=True, cancel_futures=True)


def mark_duplicates(outcomes: Iterable[Outcome], threshold: float) -> Iterator[Outcome]:
    """The outcomes in order, each document linked to the first earlier page it nearly
    repeats (an in-memory index over this run's pages, named as the outputs are)."""
    index = MemoryIndex()
    for outcome in outcomes:
        if not isinstance(outcome.result, CleanedDocument):
            yield outcome
            continue
        marked = mark_duplicate(outcome.page.name, outcome.result, index, threshold)
        yield replace(outcome, result=marked)


def _init_child() -> None:
    use_one_blas_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops


InFlight = deque[tuple[InputPage, "Future[CleanedDocument | Rejected] | None"]]


def _finished(in_flight: InFlight, *, keep: int) -> Iterator[Outcome]:
    """The oldest pages' outcomes, in order, until `keep` are left in flight."""
    while len(in_flight) > keep:
        page, future = in_flight[0]
        outcome = Outcome(page, None if future is None else future.result())
        in_flight.popleft()  # only once it has its outcome: a dead child names it
        yield outcome


def _clean_page(page: InputPage, options: CleanOptions) -> CleanedDocument | Rejected:
    return clean(page.raw, url=page.url, content_type=page.content_type, options=options)


def summary(tally: Counter[str], seconds: float, skipped: Skipped, folder: Path | None) -> str:
    """The run's closing line: `cleaner: 5 pages in 1.2 s: 4 cleaned, 1 rejected (empty 1)`."""
    cleaned, unreadable = tally["cleaned"], tally["unreadable"]
    reasons = {reason: n for reason, n in tally.most_common()
               if reason not in ("cleaned", "unreadable")}
    rejected = sum(reasons.values())
    line = (f"cleaner: {sum(tally.values())} pages in {seconds:.1f} s: {cleaned} cleaned, "
            f"{rejected} rejected")
    if reasons:
        line += " (" + ", ".join(f"{reason} {n}" for reason, n in reasons.items()) + ")"
    if unreadable:
        line += f", {unreadable} unreadable"
    if skipped:
        line += f"; skipped {sum(skipped.by_suffix.values())} files ({skipped})"
    if folder is not None:
        line += f"; written to {folder}/ ({MANIFEST})"
    return line


# ------------------------------------------------------------------ bench


def _add_bench(sub: Subparsers) -> None:
    p = sub.add_parser("bench", help="write score.py predictions for a dataset; print pages/s")
    p.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.jsonl")
    p.add_argument("--limit", type=int, default=None, help="only the first N pages")
    p.add_argument("--compare", action="append", default=[], choices=sorted(ENGINES),
                   metavar="ENGINE", help="also time ENGINE on the same pages, interleaved, and "
                   f"print pages/s and F1 side by side (repeatable: {', '.join(sorted(ENGINES))})")
    add_option_flags(p)
    p.set_defaults(handler=_run_bench, no_removed=True, parser=p)


def _run_bench(args: argparse.Namespace) -> int:
    if not args.dataset.is_dir():
        print(f"cleaner: not a dataset folder: {args.dataset}", file=sys.stderr)
        return EXIT_USAGE
    options = options_from_args(args)
    total = len(dataset_files(args.dataset)[: args.limit])
    pages = progress(iter_pages(args.dataset, args.limit), desc="bench", unit="page", total=total)
    with args.out.open("w", encoding="utf-8") as out:
        report = run_bench(pages, out, options)
    print(report.summary())
    if args.compare:
        pages = progress(iter_pages(args.dataset, args.limit), desc="compare", unit="page",
                         total=total)
        scores = compare(list(pages), args.compare, load_truth(args.dataset), options)
        print(compare_report(scores))
    return EXIT_OK
