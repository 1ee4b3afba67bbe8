"""Train the HTML DOM block classifier on WCXB-dev and write cleaner/html/dom_model.npz.

The same two-pass shape as the text-dump line model (`train_line_model.py`):
  pass 1 sees each DOM block alone (`block_features`: text, tag, ancestors' markup,
  link density, template repetition, container sizes),
  pass 2 adds the neighbours' and the containers' pass-1 scores (`context_features`),
  trained on out-of-fold pass-1 scores so it learns from scores like those it will see.
Labels: a block is body when its folded words appear in the truth `main_content`
(`train.labels.body_labels`). The script prints cross-validated page word F1
(GroupKFold by domain, WCXB's metric), overall and per page type, for a few
thresholds, and the F1 of the pages above and below a few mean-confidence bars
(how `cleaner.html.dom_classify` decides a reading is uncertain).

Only wcxb-dev is read: never aeb or the seeds (evaluation only).

    .venv/bin/python -m train.train_dom_model --data ../shared/data/wcxb-dev
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.evaluate import word_prf
from cleaner.html.dom_blocks import DomBlocks, dom_blocks
from cleaner.html.dom_classify import BODY_THRESHOLD, page_confidence
from cleaner.html.dom_features import block_features, block_words, context_features
from cleaner.html.parse import parse_html
from train.labels import body_labels
from train.mlp import labelled_files, page_weights, save, train_two_passes

OUT = Path(__file__).resolve().parents[1] / "cleaner" / "html" / "dom_model.npz"
HIDDEN = 32
EPOCHS = 12


@dataclass
class Page:
    id: str
    domain: str
    kind: str
    blocks: DomBlocks
    own: np.ndarray
    labels: np.ndarray
    truth: str


def load_pages(data: Path) -> list[Page]:
    pages = []
    for file in labelled_files(data, "html/*.html.gz"):
        html = gzip.decompress(file.path.read_bytes()).decode("utf-8", "replace")
        blocks = dom_blocks(parse_html(html))  # pages with no blocks stay: they score 0
        pages.append(Page(file.id, file.domain, _page_type(file.truth), blocks,
                          block_features(blocks), np.array(body_labels(blocks.texts, file.main)),
                          file.main))
    return pages


def _page_type(truth: dict[str, object]) -> str:
    """The scorer's page type (ground truth `_internal.page_type.primary`)."""
    internal = truth.get("_internal")
    kind = internal.get("page_type") if isinstance(internal, dict) else None
    return str(kind.get("primary", "article")) if isinstance(kind, dict) else "article"


def page_f1(page: Page, keep: np.ndarray) -> float:
    kept = "\n".join(t for t, k in zip(page.blocks.texts, keep, strict=True) if k)
    return word_prf(page.truth, kept)[2]


def report(pages: list[Page], scores: list[np.ndarray], label: str) -> None:
    for threshold in (0.3, 0.4, 0.5, 0.6):
        f1 = [page_f1(p, s >= threshold) for p, s in zip(pages, scores, strict=True)]
        by_kind: dict[str, list[float]] = defaultdict(list)
        for page, value in zip(pages, f1, strict=True):
            by_kind[page.kind].append(value)
        kinds = " ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(by_kind.items()))
        print(f"{label} threshold {threshold}: CV word F1 {np.mean(f1):.4f} ({kinds})")


def confidence_report(pages: list[Page], scores: list[np.ndarray]) -> None:
    """Page F1 above and below mean-confidence bars: where a fallback engine could help."""
    f1 = np.array([page_f1(p, s >= BODY_THRESHOLD) for p, s in zip(pages, scores, strict=True)])
    confidence = np.array([page_confidence(block_words(p.blocks), s)
                           for p, s in zip(pages, scores, strict=True)])
    for bar in (0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        low = confidence < bar
        print(f"confidence < {bar}: {low.mean():.1%} of pages, their F1 "
              f"{f1[low].mean() if low.any() else 0:.3f}; others {f1[~low].mean():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--scores", type=Path, help="also save out-of-fold scores (.npz)")
    args = parser.parse_args()
    start = time.time()
    pages = load_pages(args.data)
    print(f"{len(pages)} pages, {sum(len(p.blocks) for p in pages)} blocks loaded "
          f"in {time.time() - start:.0f}s")
    ceiling = [page_f1(p, p.labels.astype(bool)) for p in pages]
    print(f"label ceiling: word F1 {np.mean(ceiling):.4f} keeping exactly the body-labelled blocks")
    y = np.concatenate([p.labels for p in pages])
    w = page_weights([block_words(p.blocks) for p in pages])
    oof1, oof2, first, second = train_two_passes(
        [p.own for p in pages], y, w, [p.domain for p in pages],
        lambda index, scores: context_features(pages[index].blocks, pages[index].own, scores),
        hidden=args.hidden, epochs=args.epochs)
    report(pages, oof1, "pass1")
    report(pages, oof2, "pass2")
    confidence_report(pages, oof2)
    if args.scores:
        np.savez_compressed(args.scores, ids=np.array([p.id for p in pages]),
                            sizes=np.array([len(p.blocks) for p in pages]),
                            scores=np.concatenate(oof2))
    save(args.out, first, second)
    print(f"wrote {args.out} in {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
