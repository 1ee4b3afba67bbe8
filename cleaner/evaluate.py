"""Scoring a body against ground truth, with the benchmarks' own metrics.

The same definitions as the published scorers (ScrapingHub's shingle F1,
WCXB's word F1), so `cleaner bench --compare` can put our F1 next to another
extractor's in one run, and the CI quality gate can pin floors.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from cleaner.vocab.script import TOKEN

_WORD = re.compile(r"\w+", re.UNICODE)  # shingles: ScrapingHub's \w+ words
SHINGLE_SIZE = 4  # ScrapingHub's article-extraction-benchmark uses 4-grams


def load_truth(dataset: Path) -> dict[str, str]:
    """{page id: true body} from `ground-truth.json` (aeb layout) or `ground-truth/*.json`
    (wcxb layout). A page whose truth has no body stays, with "": as in score.py, an
    empty answer is right there and any text is wrong."""
    truth: dict[str, str] = {}
    if (dataset / "ground-truth.json").is_file():
        records = json.loads((dataset / "ground-truth.json").read_text("utf-8"))
        truth = {pid: rec.get("articleBody") or "" for pid, rec in records.items()}
    elif (dataset / "ground-truth").is_dir():
        for path in sorted((dataset / "ground-truth").glob("*.json")):
            ground = json.loads(path.read_text("utf-8")).get("ground_truth") or {}
            truth[path.stem] = ground.get("main_content") or ""
    return truth


Shares = tuple[float, float, float]


def word_prf(true: str, pred: str) -> Shares:
    """WCXB's bag-of-words precision, recall, F1 over lower-cased tokens (one per
    character in unspaced scripts, as shared/bench/score.py counts them)."""
    t = Counter(TOKEN.findall((true or "").lower()))
    p = Counter(TOKEN.findall((pred or "").lower()))
    if not t:
        return (1.0, 1.0, 1.0) if not p else (0.0, 0.0, 0.0)
    if not p:
        return (0.0, 0.0, 0.0)
    overlap = sum((t & p).values())
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def shingles(text: str, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    spans = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(span for span in spans if span)


def shingle_shares(true: str, pred: str) -> Shares:
    """(TP, FP, FN) of 4-gram shingles, normalised to sum 1 as ScrapingHub does
    (all 0 when both are empty)."""
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def shingle_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def shingle_f1(pages: list[Shares]) -> float:
    """F1 of the page-averaged shingle precision and recall (the benchmark's definition)."""
    precisions = [shingle_precision(*s) for s in pages if s[0] + s[1] > 0]
    recalls = [shingle_recall(*s) for s in pages if s[0] + s[2] > 0]
    if not precisions or not recalls:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * p * r / (p + r) if p + r else 0.0
