"""The scores of `shared/bench/score.py`, re-implemented so CI needs no shared/ checkout.

    shingle  ScrapingHub's article-extraction-benchmark metric: per page, 4-gram shingle
             TP/FP/FN normalised to sum 1; precision and recall are averaged over pages,
             F1 comes from the two averages.
    word     WCXB's metric: bag-of-words (lower-cased \\w+) P/R/F1 per page, averaged.
    with / without   share of must-have / must-not-have snippets found in the body.
    title / author / date   share of pages (with a non-empty truth) whose field matches.

Keep this file in step with score.py: the gate's figures must equal what the shared
scorer prints for the same predictions (tests/quality/test_metrics.py checks small cases).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# The body metrics live in the library: `cleaner bench --compare` and this gate share them.
from cleaner.evaluate import (
    Shares,
    shingle_precision,
    shingle_recall,
    shingle_shares,
    word_prf,
)

WORD = re.compile(r"\w+", re.UNICODE)  # score.py's folding of metadata values
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
# score.py counts a title as matching when the shorter covers 80% of the longer (site suffixes).
TITLE_COVER = 0.8

@dataclass(frozen=True, slots=True)
class Truth:
    """One page's ground truth, in score.py's terms."""

    body: str | None  # None: snippet-only truth, no body metrics
    type: str = "article"
    title: str | None = None
    author: str | None = None
    date: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()


@dataclass(slots=True)
class PageScore:
    type: str
    shares: Shares | None
    word: Shares | None
    with_rate: float | None
    without_rate: float | None
    fields: dict[str, bool] = field(default_factory=dict)


# ---------------------------------------------------------------- body


def snippet_rate(text: str, snippets: Iterable[str]) -> float | None:
    wanted = list(snippets)
    if not wanted:
        return None
    low = (text or "").lower()
    return sum(s.lower() in low for s in wanted) / len(wanted)


# ---------------------------------------------------------------- metadata


def fold(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).casefold()
    return " ".join(WORD.findall(text))


def title_match(true: object, pred: object) -> bool:
    t, p = fold(true), fold(pred)
    if not t or not p:
        return False
    if t == p:
        return True
    short, long_ = sorted((t, p), key=len)
    return short in long_ and len(short) >= TITLE_COVER * len(long_)


def author_match(true: object, pred: object) -> bool:
    """Every truth name appears in the prediction (order-free, case-folded)."""
    if isinstance(pred, list):
        pred = "; ".join(map(str, pred))
    t, p = fold(true), fold(pred)
    if not t or not p:
        return False
    names = [n for n in NAME_SEPARATORS.split(str(true)) if n.strip()]
    return all(fold(n) in p for n in names) if names else t in p


def date_match(true: object, pred: object) -> bool:
    """Same calendar day (the first YYYY-MM-DD in each value)."""
    t, p = DATE.search(str(true or "")), DATE.search(str(pred or ""))
    return bool(t and p and t.groups() == p.groups())


FIELD_MATCHERS: dict[str, Callable[[object, object], bool]] = {
    "title": title_match,
    "author": author_match,
    "date": date_match,
}


# ---------------------------------------------------------------- report


def score_page(truth: Truth, pred: dict[str, Any]) -> PageScore:
    text = pred.get("text") or ""
    body = truth.body
    fields = {
        name: match(getattr(truth, name), pred.get(name))
        for name, match in FIELD_MATCHERS.items()
        if getattr(truth, name)
    }
    return PageScore(
        type=truth.type,
        shares=None if body is None else shingle_shares(body, text),
        word=None if body is None else word_prf(body, text),
        with_rate=snippet_rate(text, truth.with_),
        without_rate=snippet_rate(text, truth.without),
        fields=fields,
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def summarize(pages: list[PageScore]) -> dict[str, float | None]:
    """score.py's summary of a set of pages (None where no page has that truth)."""
    shared = [p.shares for p in pages if p.shares is not None]
    sp = _mean([shingle_precision(*s) for s in shared if s[0] + s[1] > 0])
    sr = _mean([shingle_recall(*s) for s in shared if s[0] + s[2] > 0])
    words = [p.word for p in pages if p.word is not None]
    summary: dict[str, float | None] = {
        "shingle_p": sp,
        "shingle_r": sr,
        "shingle_f1": 2 * sp * sr / (sp + sr) if sp and sr else 0.0,
        "word_p": _mean(w[0] for w in words),
        "word_r": _mean(w[1] for w in words),
        "word_f1": _mean(w[2] for w in words),
        "with": _mean(p.with_rate for p in pages),
        "without": _mean(p.without_rate for p in pages),
    }
    for name in FIELD_MATCHERS:
        hits = [p.fields[name] for p in pages if name in p.fields]
        summary[name] = sum(hits) / len(hits) if hits else None
    return summary
