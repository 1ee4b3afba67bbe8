"""The `cleaner` command.

The library's subcommands (`clean`, `bench`, `schema`) live here and work with
no service installed. Other packages add theirs through the
`cleaner.commands` entry-point group: each entry is a `register(subparsers)`
function (the worker service adds `run`, `enqueue`, `results`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path

from cleaner.api import clean
from cleaner.bench import dataset_files, iter_pages, page_id, read_page, run_bench
from cleaner.compare import ENGINES, compare
from cleaner.compare import report as compare_report
from cleaner.evaluate import load_truth
from cleaner.models import CleanedDocument, Rejected
from cleaner.options import DEFAULT_OPTIONS, CleanOptions
from cleaner.progress import progress
from cleaner.schema import document_schema
from cleaner.threads import use_one_blas_thread

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    use_one_blas_thread()
    return int(args.handler(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner", description="Strip boilerplate from scraped pages."
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_clean(sub)
    _add_bench(sub)
    schema = sub.add_parser("schema", help="print the JSON Schema of the cleaned document")
    schema.set_defaults(handler=_run_schema)
    for entry in entry_points(group="cleaner.commands"):
        try:
            register = entry.load()
        except ImportError:  # a library-only install: the service's commands are absent
            continue
        register(sub)
    return parser


def options_from_args(args: argparse.Namespace) -> CleanOptions:
    """CleanOptions from the flags every cleaning command shares."""
    return replace(
        DEFAULT_OPTIONS,
        mode=args.mode,
        max_bytes=args.max_bytes,
        include_removed=not args.no_removed,
        include_markdown=getattr(args, "format", None) == "markdown",
    )


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=("auto", "html", "text"), default="auto",
                        help="read pages as HTML, as text dumps, or decide per page (default)")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_OPTIONS.max_bytes,
                        help="reject pages larger than this (default: %(default)s)")
    parser.add_argument("--no-removed", action="store_true",
                        help="leave out the list of removed boilerplate blocks")


def _run_schema(_args: argparse.Namespace) -> int:
    print(json.dumps(document_schema(), indent=2))
    return EXIT_OK


# ------------------------------------------------------------------ clean


def _add_clean(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("clean", help="clean pages: files, folders, or - for stdin")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder of pages, or -")
    p.add_argument("--format", choices=("json", "jsonl", "text", "markdown"), default=None,
                   help="json: one object (an array for several pages); jsonl: one line per page "
                        "(the default for several); text or markdown: the bodies")
    p.add_argument("--url", help="the page's URL (one page only)")
    add_option_flags(p)
    p.set_defaults(handler=_run_clean)


def _run_clean(args: argparse.Namespace) -> int:
    try:
        inputs = list(_expand(args.paths))
    except FileNotFoundError as exc:
        print(f"cleaner: no such file or folder: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    fmt = args.format or ("json" if len(inputs) == 1 else "jsonl")
    options = options_from_args(args)
    rejected = 0
    as_array = fmt == "json" and len(inputs) > 1  # several objects: one valid JSON document
    print("[" if as_array else "", end="")
    for index, (name, raw) in enumerate(progress(inputs, desc="cleaning", unit="page")):
        result = clean(raw(), url=args.url, options=options)
        rejected += isinstance(result, Rejected)
        print("," if as_array and index else "", end="")
        _print_result(name, result, fmt)
    print("]" if as_array else "", end="")
    return EXIT_REJECTED if rejected else EXIT_OK


def _expand(paths: list[str]) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(name, loader) per page; loaders keep a large folder out of memory."""
    for arg in paths:
        if arg == "-":
            data = sys.stdin.buffer.read()
            yield "-", partial(bytes, data)
            continue
        path = Path(arg)
        if not path.exists():
            raise FileNotFoundError(arg)
        files = dataset_files(path) if path.is_dir() else [path]
        for file in files:
            yield page_id(file), partial(_read_raw, file)


def _read_raw(path: Path) -> bytes:
    return read_page(path).raw


def _print_result(name: str, result: CleanedDocument | Rejected, fmt: str) -> None:
    if fmt in ("json", "jsonl"):
        record = {"id": name, **result.model_dump(mode="json", exclude_none=True)}
        print(json.dumps(record, ensure_ascii=False, indent=2 if fmt == "json" else None))
    elif isinstance(result, Rejected):
        print(f"# {name}: rejected ({result.reason.value}): {result.detail}", file=sys.stderr)
    else:
        print(result.markdown if fmt == "markdown" else result.text)
        print()


# ------------------------------------------------------------------ bench


def _add_bench(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bench", help="write score.py predictions for a dataset; print pages/s")
    p.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.jsonl")
    p.add_argument("--limit", type=int, default=None, help="only the first N pages")
    p.add_argument("--compare", action="append", default=[], choices=sorted(ENGINES),
                   metavar="ENGINE", help="also time ENGINE on the same pages, interleaved, and "
                   f"print pages/s and F1 side by side (repeatable: {', '.join(sorted(ENGINES))})")
    add_option_flags(p)
    p.set_defaults(handler=_run_bench, no_removed=True)


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
