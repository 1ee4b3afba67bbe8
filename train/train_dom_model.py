"""Train the HTML block model and write cleaner/html/dom_model.npz.

Pages come from the training sets only (wcxb-dev, readability, chinese-wce;
never aeb, dragnet, l3s-gn1 or the seeds). Each page goes through the
production stages (decode, parse, metadata, `dom_blocks`), and each block is
labelled body when its words match an unmatched stretch of the truth
(`train.labels.block_labels`). Two forests, jusText's classify -> revise:
  pass 1 on each block's own features (`block_features`),
  a small revision forest on its, its neighbours' and its containers' pass-1 scores
  (`context_features`), trained on pass-1 scores made out of fold, so it learns
  from scores like those it will see on unseen pages.
The script prints out-of-fold word F1 (folds grouped by site: every learned part
refitted per fold) per dataset and page type at a few thresholds, then fits on
every page and writes the model.

    .venv/bin/python -m train.train_dom_model ../shared/data/wcxb-dev \
        ../shared/data/readability ../shared/data/chinese-wce
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from cleaner.evaluate import word_prf
from cleaner.html.dom_blocks import DomBlocks, dom_blocks
from cleaner.html.dom_classify import (
    MODEL_FILE,
    SCHEMA,
    DomModel,
    revised_scores,
)
from cleaner.html.dom_features import block_features, block_words, context_features
from cleaner.html.extract import page_hints
from cleaner.html.metadata import build_metadata
from cleaner.html.parse import parse_html
from cleaner.html.sources import read_sources
from cleaner.options import CleanOptions
from cleaner.stages.decode import decode
from cleaner.vocab.modelfile import save_arrays
from cleaner.vocab.trees import Forest
from train import trees
from train.labels import block_labels
from train.mlp import LabelledFile, labelled_files, page_weights

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "cleaner" / "html" / MODEL_FILE
GATE_CORPUS = REPO / "fixtures" / "quality" / "wcxb-dev"
FOLDS = 4
INNER_FOLDS = 2  # pass-1 scores for pass 2's training, made out of fold inside a fit
TODAY = date(2026, 1, 1)  # metadata's "future date" check; no training page is newer
HTML_OPTIONS = CleanOptions(mode="html")


@dataclass
class Page:
    id: str
    dataset: str
    domain: str  # the CV group
    kind: str  # WCXB page type ("article" where the set has none)
    blocks: DomBlocks
    own: np.ndarray  # pass-1 features
    labels: np.ndarray
    truth: str


def load_pages(datasets: Sequence[Path], *, gate_sites: bool = False) -> list[Page]:
    """The training pages, without the sites of the CI quality gate's wcxb-dev subset
    (so that gate measures the shipped model on sites it never saw) unless `gate_sites`."""
    files = [(data.name, file) for data in datasets
             for file in labelled_files(data, "html/*.html.gz")]
    gate = set() if gate_sites else quality_gate_ids()
    held_out = {file.domain for name, file in files if name == "wcxb-dev" and file.id in gate}
    return [load_page(name, file) for name, file in files if file.domain not in held_out]


def load_page(dataset: str, file: LabelledFile) -> Page:
    """A page through the production stages up to its features, with its block labels."""
    raw = gzip.decompress(file.path.read_bytes())
    tree = parse_html(decode(raw, content_type=None, options=HTML_OPTIONS).text)
    sources = read_sources(tree)
    hints = page_hints(sources, build_metadata(sources, tree, None, TODAY))
    blocks = dom_blocks(tree)  # pages with no blocks stay: they score 0
    return Page(file.id, dataset, file.domain, _page_type(file.truth), blocks,
                block_features(blocks, hints),
                np.array(block_labels(blocks.texts, file.main), dtype=np.int8), file.main)


def quality_gate_ids() -> set[str]:
    """The wcxb-dev pages of the CI quality gate (fixtures/quality/wcxb-dev)."""
    gate = GATE_CORPUS / "ground-truth.json"
    return set(json.loads(gate.read_text("utf-8"))) if gate.is_file() else set()


def _page_type(truth: dict[str, object]) -> str:
    internal = truth.get("_internal")
    kind = internal.get("page_type") if isinstance(internal, dict) else None
    return str(kind.get("primary", "article")) if isinstance(kind, dict) else "article"


def fit_model(pages: Sequence[Page]) -> dict[str, np.ndarray]:
    """Both passes fitted on `pages`; pass 2 on pass-1 scores made out of fold."""
    x1, y, w = _stack(pages)
    sizes = [len(page.labels) for page in pages]
    first_pass = np.zeros(len(y), dtype=np.float32)
    for train, test in _folds(pages, INNER_FOLDS):
        first_pass[test] = trees.fit(x1[train], y[train], w[train])(x1[test])
    x2 = _context(pages, _split(first_pass, sizes))
    revision = trees.fit(x2, y, w, trees.REVISION_ROUNDS, **trees.REVISION_PARAMS)
    return {**trees.fit(x1, y, w).to_arrays("p1"), **revision.to_arrays("p2")}


def cross_validate(pages: Sequence[Page]) -> list[np.ndarray]:
    """Pass-2 scores of every page from a model fitted on the other folds' sites."""
    scores = [np.zeros(0, dtype=np.float32)] * len(pages)
    for number, (train, test) in enumerate(_page_folds(pages, FOLDS), start=1):
        arrays = fit_model([pages[i] for i in train])
        model = DomModel(Forest.from_arrays(arrays, "p1"), Forest.from_arrays(arrays, "p2"))
        for i in test:
            scores[i] = page_scores(pages[i], model)
        print(f"fold {number}/{FOLDS} done", flush=True)
    return scores


def page_scores(page: Page, model: DomModel) -> np.ndarray:
    """`dom_classify.block_scores` on a loaded page (its features already computed)."""
    if not len(page.labels):
        return np.zeros(0, dtype=np.float32)
    return revised_scores(page.blocks, page.own, model)


def save_model(path: Path, arrays: dict[str, np.ndarray]) -> None:
    save_arrays(path, arrays, SCHEMA)


def _stack(pages: Sequence[Page]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.vstack([page.own for page in pages]),
            np.concatenate([page.labels for page in pages]),
            page_weights([block_words(page.blocks) for page in pages]))


def _context(pages: Sequence[Page], first_pass: Sequence[np.ndarray]) -> np.ndarray:
    return np.vstack([context_features(page.blocks, page.own, scores)
                      for page, scores in zip(pages, first_pass, strict=True)])


def _page_folds(pages: Sequence[Page], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Page indices of `folds` folds, no site in two folds."""
    index = np.arange(len(pages))
    return list(GroupKFold(n_splits=folds).split(index, groups=[p.domain for p in pages]))


def _folds(pages: Sequence[Page], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Block indices of `folds` folds grouped by site."""
    sizes = np.array([len(page.labels) for page in pages])
    starts = np.concatenate(([0], np.cumsum(sizes)))
    out = []
    for train, test in _page_folds(pages, folds):
        out.append(tuple(np.concatenate([np.arange(starts[i], starts[i + 1]) for i in part])
                         if len(part) else np.zeros(0, dtype=np.intp) for part in (train, test)))
    return out  # type: ignore[return-value]


def _split(values: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    return np.split(values, np.cumsum(sizes)[:-1])


def page_f1(page: Page, keep: np.ndarray) -> float:
    kept = "\n".join(t for t, k in zip(page.blocks.texts, keep, strict=True) if k)
    return word_prf(page.truth, kept)[2]  # the benchmarks' word F1, per script


def report(pages: Sequence[Page], scores: Sequence[np.ndarray]) -> None:
    for threshold in (0.3, 0.4, 0.5):
        by_set: dict[str, list[float]] = defaultdict(list)
        by_type: dict[str, list[float]] = defaultdict(list)
        for page, page_scores in zip(pages, scores, strict=True):
            f1 = page_f1(page, page_scores >= threshold)
            by_set[page.dataset].append(f1)
            if page.dataset == "wcxb-dev":
                by_type[page.kind].append(f1)
        sets = " ".join(f"{name} {np.mean(v):.4f}" for name, v in by_set.items())
        kinds = " ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(by_type.items()))
        print(f"threshold {threshold}: out-of-fold word F1 {sets} (wcxb-dev: {kinds})")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("datasets", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--scores", type=Path, help="also save the out-of-fold scores (.npz)")
    parser.add_argument("--no-cv", action="store_true", help="fit and save only")
    args = parser.parse_args()
    start = time.time()
    pages = load_pages(args.datasets)
    print(f"{len(pages)} pages, {sum(len(p.labels) for p in pages)} blocks loaded "
          f"in {time.time() - start:.0f}s", flush=True)
    if not args.no_cv:
        scores = cross_validate(pages)
        report(pages, scores)
        if args.scores:
            np.savez_compressed(args.scores, ids=np.array([f"{p.dataset}/{p.id}" for p in pages]),
                                sizes=np.array([len(p.labels) for p in pages]),
                                scores=np.concatenate(scores))
    save_model(args.out, fit_model(pages))
    print(f"wrote {args.out} in {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
