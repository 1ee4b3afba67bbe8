"""Scoring a body against ground truth, with the benchmarks' own metrics.

The same definitions as the published scorers (ScrapingHub's shingle F1,
WCXB's word F1), so `cleaner bench --compare` can put our F1 next to another
extractor's in one run, and the CI quality gate can pin floors.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4  # ScrapingHub's article-extraction-benchmark uses 4-grams


def load_truth(dataset: Path) -> dict[str, str]:
    """{page id: true body} from `ground-truth.json` (aeb layout) or `ground-truth/*.json`
    (wcxb layout); pages with no body truth are left out."""
    truth: dict[str, str] = {}
    if (dataset / "ground-truth.json").is_file():
        records = json.loads((dataset / "ground-truth.json").read_text("utf-8"))
        truth = {pid: rec["articleBody"] for pid, rec in records.items() if rec.get("articleBody")}
    elif (dataset / "ground-truth").is_dir():
        for path in sorted((dataset / "ground-truth").glob("*.json")):
            body = (json.loads(path.read_text("utf-8")).get("ground_truth") or {}).get(
                "main_content"
            )
            if body:
                truth[path.stem] = body
    return truth


def word_f1(true: str, pred: str) -> float:
    """WCXB's bag-of-words F1 over lower-cased \\w+ tokens."""
    t = Counter(_WORD.findall(true.lower()))
    p = Counter(_WORD.findall(pred.lower()))
    if not t or not p:
        return float(not t and not p)
    overlap = sum((t & p).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True, slots=True)
class Shingles:
    """Per-page shingle shares (tp, fp, fn), normalised to sum 1 as ScrapingHub does."""

    tp: float
    fp: float
    fn: float

    @classmethod
    def of(cls, true: str, pred: str) -> Shingles:
        t, p = _shingles(true), _shingles(pred)
        tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
        total = tp + fp + fn
        return cls(tp / total, fp / total, fn / total) if total else cls(0.0, 0.0, 0.0)


def shingle_f1(pages: list[Shingles]) -> float:
    """F1 of the page-averaged shingle precision and recall (the benchmark's definition)."""
    precisions = [_precision(s) for s in pages if s.tp + s.fp > 0]
    recalls = [_recall(s) for s in pages if s.tp + s.fn > 0]
    if not precisions or not recalls:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * p * r / (p + r) if p + r else 0.0


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    n = SHINGLE_SIZE
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def _precision(s: Shingles) -> float:
    return 1.0 if s.fp == s.fn == 0 else s.tp / (s.tp + s.fp)


def _recall(s: Shingles) -> float:
    return 1.0 if s.fp == s.fn == 0 else s.tp / (s.tp + s.fn)
