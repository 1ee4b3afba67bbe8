"""The benchmark contract: every figure we report comes from here.

`cleaner bench DATASET_DIR --out FILE.jsonl` reads `DATASET_DIR/html/*.html.gz`,
`DATASET_DIR/text/*.txt`, or plain `*.txt` / `*.html` / `*.html.gz` files in
DATASET_DIR; ids are file stems. It writes one JSON line per page with `id`,
`text`, `title`, `author`, `date`, `language` (what `shared/bench/score.py`
reads) and prints pages per second of cleaning, measured around `clean()`
only (reading and writing files is not the product's cost).
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from cleaner.api import clean, warm_up
from cleaner.models import CleanedDocument, Rejected
from cleaner.options import CleanOptions

PAGE_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm", ".txt")


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    raw: bytes


def page_id(path: Path) -> str:
    """File stem without the page suffix: `0001.html.gz` -> `0001`."""
    name = path.name
    for suffix in PAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def dataset_files(dataset: Path) -> list[Path]:
    """The page files of a dataset folder, in id order."""
    for sub, pattern in (("html", "*.html.gz"), ("text", "*.txt")):
        if (dataset / sub).is_dir():
            return sorted((dataset / sub).glob(pattern))
    return sorted(p for p in dataset.iterdir() if p.is_file() and p.name.endswith(PAGE_SUFFIXES))


def read_page(path: Path) -> Page:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return Page(id=page_id(path), raw=raw)


def iter_pages(dataset: Path, limit: int | None = None) -> Iterator[Page]:
    for path in dataset_files(dataset)[:limit]:
        yield read_page(path)


def prediction(page_id: str, result: CleanedDocument | Rejected) -> dict[str, Any]:
    """One line of the predictions file score.py reads."""
    if isinstance(result, Rejected):
        return {"id": page_id, "text": "", "title": result.title, "author": None,
                "date": None, "language": None, "status": "rejected",
                "reason": result.reason.value}
    return {"id": page_id, "text": result.text, "title": result.title,
            "author": "; ".join(result.authors) or None, "date": result.date_published,
            "language": result.language, "status": "cleaned"}


@dataclass(frozen=True, slots=True)
class BenchReport:
    pages: int
    seconds: float
    rejected: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"{self.pages} pages in {self.seconds:.2f} s of cleaning: "
                f"{self.pages_per_second:.1f} pages/s ({self.rejected} rejected)")


def run_bench(pages: Iterable[Page], out: TextIO, options: CleanOptions) -> BenchReport:
    warm_up(options)  # model loading is once per process, not the first page's cost
    count = rejected = 0
    seconds = 0.0
    for page in pages:
        start = time.perf_counter()
        result = clean(page.raw, options=options)
        seconds += time.perf_counter() - start
        count += 1
        rejected += isinstance(result, Rejected)
        out.write(json.dumps(prediction(page.id, result), ensure_ascii=False) + "\n")
    return BenchReport(pages=count, seconds=seconds, rejected=rejected)
