"""Check the HTML title chooser's two slug thresholds with domain-grouped cross-validation.

`cleaner/html/title.py` lets the URL slug overrule its page-type rule through
two thresholds (SLUG_MARGIN, SLUG_EXTRA_SHARE). This script reads every
wcxb-dev page once, then for each fold picks the grid point that scores best on
the training domains and reports the title match rate on the held-out domains
(GroupKFold by domain: a site's pages share a template, so they must not straddle
folds). It prints the cross-validated figure next to the rule without the slug,
and the grid point chosen on all pages; it writes nothing.

    .venv/bin/python -m train.tune_html_title --data ../shared/data/wcxb-dev
"""

from __future__ import annotations

import argparse
import gzip
import itertools
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from cleaner.errors import PageRejected
from cleaner.html import title as title_module
from cleaner.html.parse import parse_html
from cleaner.html.sources import PageSources, read_sources
from cleaner.models import Mode
from cleaner.options import DEFAULT_OPTIONS
from cleaner.stages.decode import decode
from train.labels import title_matches
from train.mlp import labelled_files

# 1.01 never lets the slug decide: the rule as it was before the slug.
MARGINS = (0.0, 0.1, 0.2, 0.3, 1.01)
EXTRA_SHARES = (0.34, 0.5, 0.67, 1.0, 1.01)
FOLDS = 5


def load_pages(data: Path) -> tuple[list[tuple[PageSources, tuple[str, ...], str]], list[str]]:
    """(sources, site names, truth title) per page with a title, and each page's domain."""
    pages, domains = [], []
    for file in labelled_files(data, "html/*.html.gz"):
        truth = file.truth["ground_truth"].get("title")
        sources = _sources(file.path)
        if not truth or sources is None:
            continue
        pages.append((sources, title_module.site_names(sources, None), truth))
        domains.append(file.domain)
    return pages, domains


def _sources(path: Path) -> PageSources | None:
    try:
        page = decode(gzip.decompress(path.read_bytes()), content_type=None,
                      options=DEFAULT_OPTIONS)
    except PageRejected:
        return None
    return read_sources(parse_html(page.text)) if page.mode is Mode.HTML else None


def hits(pages: list[tuple[PageSources, tuple[str, ...], str]], margin: float,
         extra_share: float) -> np.ndarray:
    """1 per page whose chosen title matches the truth, with the thresholds set to these."""
    title_module.SLUG_MARGIN, title_module.SLUG_EXTRA_SHARE = margin, extra_share
    return np.array([title_matches(truth, title_module.choose_title(sources, names) or "")
                     for sources, names, truth in pages], dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    pages, domains = load_pages(args.data)
    grid = list(itertools.product(MARGINS, EXTRA_SHARES))
    saved = title_module.SLUG_MARGIN, title_module.SLUG_EXTRA_SHARE
    scores = np.stack([hits(pages, *point) for point in grid])  # grid point x page
    title_module.SLUG_MARGIN, title_module.SLUG_EXTRA_SHARE = saved
    held_out = np.zeros(len(pages))
    for train, test in GroupKFold(n_splits=FOLDS).split(pages, groups=domains):
        best = int(np.argmax(scores[:, train].mean(axis=1)))
        held_out[test] = scores[best, test]
    no_slug = grid.index((1.01, 1.01))
    best = int(np.argmax(scores.mean(axis=1)))
    print(f"{len(pages)} pages with a title, {len(set(domains))} domains")
    print(f"without the slug: {scores[no_slug].mean():.3f}")
    print(f"CV ({FOLDS} folds by domain), thresholds picked on training folds: "
          f"{held_out.mean():.3f}")
    print(f"best on all pages: margin {grid[best][0]}, extra share {grid[best][1]} "
          f"-> {scores[best].mean():.3f}; shipped {saved} -> "
          f"{scores[grid.index(saved)].mean():.3f}")


if __name__ == "__main__":
    main()
