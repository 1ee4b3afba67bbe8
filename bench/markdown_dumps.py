"""Markdown renders of an HTML benchmark, for scoring text mode on Markdown dumps.

Whole-page converters and reader APIs hand scrapers Markdown; this writes what such a
converter (html2text, no line wrapping) makes of every page of DATASET_DIR/html/, with the
dataset's ground truth beside it, so `cleaner bench` and the shared scorer read it as
they read `text-wcxb-dev`:

    python bench/markdown_dumps.py ../shared/data/wcxb-dev /tmp/md-wcxb-dev
    cleaner bench /tmp/md-wcxb-dev --out md.jsonl --no-removed
    python ../shared/bench/score.py --dataset /tmp/md-wcxb-dev --pred md.jsonl
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import html2text

from cleaner.bench import iter_pages


def render(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # one line per block, as a dump has
    return converter.handle(html)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dataset", type=Path, help="a dataset with html/*.html.gz and ground-truth")
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    (args.out / "text").mkdir(parents=True, exist_ok=True)
    for name in ("ground-truth", "ground-truth.json", "metadata.json", "LICENSE"):
        source = args.dataset / name
        if source.is_dir():
            shutil.copytree(source, args.out / name, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy(source, args.out / name)
    pages = 0
    for page in iter_pages(args.dataset):
        markdown = render(page.raw.decode("utf-8", "replace"))
        (args.out / "text" / f"{page.id}.txt").write_text(markdown, encoding="utf-8")
        pages += 1
    print(f"{pages} pages rendered to {args.out / 'text'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
