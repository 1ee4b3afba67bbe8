"""Whole-page text dumps of an HTML dataset by several independent renderers.

Real scrapers lay the same page out differently (blank lines, table cells, alt texts,
inline elements), so the text models train and are scored on dumps from each of:

  innertext    a browser's innerText on an html5lib tree (bench/render_innertext.py)
  inscriptis   inscriptis's CSS-aware text layout (tables laid out in columns)
  resiliparse  resiliparse's plain text of the whole page (not its main-content mode)
  markdown     html2text's Markdown (bench/markdown_dumps.py)
  render       ../shared/bench/render.py, the renderer of the shared text-* sets
               (its dumps are linked from DATASET_DIR's text-* twin, not re-rendered)

Each goes to OUT/<renderer>/<dataset>/ in the layout of the shared text-* sets (text/,
ground truth, metadata, LICENSE), so `cleaner bench` and score.py read it as they read
text-wcxb-dev:

    python bench/render_dumps.py --out /work/renders ../shared/data/wcxb-dev \\
        ../shared/data/readability ../shared/data/chinese-wce [--renderers innertext,...]

Pages already rendered are skipped (rendering wcxb-dev with html5lib takes a while).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cleaner.bench import iter_pages
from cleaner.errors import PageRejected
from cleaner.options import DEFAULT_OPTIONS
from cleaner.stages.decode import decode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import markdown_dumps
import render_innertext

Renderer = Callable[[str], str]
DATA_FILES = ("ground-truth", "ground-truth.json", "metadata.json", "LICENSE", "SOURCE.md")


def inscriptis_text(html: str) -> str:
    from inscriptis import get_text  # noqa: PLC0415 - bench extra

    return get_text(html)


def resiliparse_text(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text  # noqa: PLC0415
    from resiliparse.parse.html import HTMLTree  # noqa: PLC0415

    return extract_plain_text(HTMLTree.parse(html), main_content=False, alt_texts=True,
                              preserve_formatting=True, list_bullets=True)


RENDERERS: dict[str, Renderer] = {
    "innertext": render_innertext.render,
    "inscriptis": inscriptis_text,
    "resiliparse": resiliparse_text,
    "markdown": markdown_dumps.render,
}
ALL = (*RENDERERS, "render")


def copy_truth(dataset: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        source = dataset / name
        if source.is_dir():
            shutil.copytree(source, out / name, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy(source, out / name)


def render_dataset(dataset: Path, name: str, out: Path) -> int:
    """Render every page of `dataset` not yet in `out`; the number rendered now."""
    copy_truth(dataset, out)
    text_dir = out / "text"
    if name == "render":  # the shared renderer's dumps already exist beside the dataset
        twin = dataset.parent / f"text-{dataset.name}" / "text"
        if not text_dir.exists():
            text_dir.symlink_to(twin.resolve(), target_is_directory=True)
        return 0
    text_dir.mkdir(exist_ok=True)
    done = 0
    for page in iter_pages(dataset):
        target = text_dir / f"{page.id}.txt"
        if target.exists():
            continue
        try:
            html = decode(page.raw, content_type="text/html", options=DEFAULT_OPTIONS).text
            text = RENDERERS[name](html)
        except (PageRejected, ValueError, RecursionError) as error:  # a page a renderer cannot read
            print(f"{name}: {page.id}: {error}", file=sys.stderr)
            text = ""
        target.write_text(text, encoding="utf-8")
        done += 1
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("datasets", type=Path, nargs="+", help="datasets with html/*.html.gz")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--renderers", default=",".join(ALL))
    args = parser.parse_args(argv)
    for name in args.renderers.split(","):
        for dataset in args.datasets:
            start = time.time()
            count = render_dataset(dataset, name, args.out / name / dataset.name)
            print(f"{name} {dataset.name}: {count} pages in {time.time() - start:.0f}s",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
