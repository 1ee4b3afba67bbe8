"""Which line is the headline: a learned ranker over the lines around the article's start.

Candidates are the lines within `TITLE_LOOKBACK` above the article's first
paragraph, and its first `TITLE_LOOKAHEAD` lines (a headline taken for body). A
LambdaRank forest scores them against each other, over what survives re-rendering
the page (a browser's innerText, Markdown, a text-only scraper all show it): the
line's own shape, its distance to the article and rank among candidates, the line
model's scores, its neighbours and the menu run above it, a byline or dateline
nearby, whether the page shows its words again (sites repeat the headline in
breadcrumbs, share texts and a "Site | Title" line), and how much the article uses its
words. Blank lines are not read: each renderer puts them elsewhere. The best candidate
above `MIN_TITLE_SCORE` is the title. Trained by `train/train_title_model.py`.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.features import SHAPE_FEATURES, SHAPE_NAMES
from cleaner.text.segment import Line
from cleaner.vocab.lexicons import ALL_STOPWORDS, norm
from cleaner.vocab.modelfile import load_arrays, schema_hash
from cleaner.vocab.script import PARAGRAPH_ENDS, tokens
from cleaner.vocab.trees import Forest

MODEL_FILE = "title_model.npz"
TITLE_LOOKBACK = 40  # lines above the article: h1s sit above bylines, share bars and images
TITLE_LOOKAHEAD = 2  # the article's first lines, in case the headline was taken for body
MIN_TITLE_WORDS = 1
MAX_TITLE_WORDS = 30  # longer than that above the text is a standfirst, not a headline
# Below this score (the ranker's logistic output) no line is the title: a page
# without a headline gets none, rather than its nearest menu entry.
MIN_TITLE_SCORE = 0.05
MAX_REPEAT_WORDS = 60  # lines this long can hold the headline again ("Site | Title")
MIN_REPEAT_CHARS = 8
MENU_RUN = 10  # short lines counted above a candidate
MENU_WORDS = 3  # a line this short is a menu entry, a tag or a button
DATED_REACH = 6  # lines within which a byline or dateline marks the headline's zone
BODY_SCORE = 0.5  # lines the line model scores this high are the article's
OVERLAP_LINES = 30  # the article's first lines, whose words a headline shares
EXTRA_NAMES: tuple[str, ...] = (
    "distance", "rank", "line_score", "undetected", "nearest", "first_line",
    "prev_words", "prev_dated", "prev_undetected", "next_words", "next_dated",
    "next_undetected", "log_repeats", "headings_below", "heading_shaped", "body_overlap",
    "best_overlap", "article_overlap", "article_weight", "best_weight", "longest_share",
    "menu_run_above", "dated_nearby",
)
TITLE_NAMES = (*SHAPE_NAMES, *EXTRA_NAMES)
EXTRA_FEATURES = len(EXTRA_NAMES)
SCHEMA = schema_hash(TITLE_NAMES)
_DATED = frozenset({BlockKind.BYLINE, BlockKind.DATELINE, BlockKind.PAGE_CLOCK})


@functools.lru_cache(maxsize=8)
def load_title_model(model_dir: str | None = None) -> Forest:
    """The shipped ranker (or the one of the same name in `model_dir`), read once."""
    return Forest.from_arrays(load_arrays("cleaner.text", MODEL_FILE, SCHEMA, model_dir), "title")


def title_candidates(lines: tuple[Line, ...], start: int) -> list[int]:
    """Indexes of headline-sized lines above the article, nearest first, then the
    heading-shaped ones among its first lines: a line model that takes the headline for
    body still leaves it where the ranker looks, and prose is never taken from there."""
    above = range(start - 1, max(start - TITLE_LOOKBACK, 0) - 1, -1)
    inside = [index for index in range(start, min(start + TITLE_LOOKAHEAD, len(lines)))
              if _heading_shaped(lines[index])]
    return [index for index in (*above, *inside)
            if MIN_TITLE_WORDS <= lines[index].words <= MAX_TITLE_WORDS]


def title_features(
    lines: tuple[Line, ...], own: np.ndarray, scores: np.ndarray, start: int,
    candidates: list[int],
) -> np.ndarray:
    """One row per candidate: shape, distance and rank, model scores, neighbours, repeats."""
    rows = np.zeros((len(candidates), SHAPE_FEATURES + EXTRA_FEATURES), dtype=np.float32)
    heading = [_heading_shaped(lines[index]) for index in candidates]
    repeats = _repeats(lines, candidates)
    use = _word_use(lines, scores, start, candidates)
    overlaps, weights = use.lead_share, use.article_weight
    best = max(overlaps, default=0.0)
    top_weight = max(weights, default=0.0) or 1.0
    longest = max(lines[index].words for index in candidates)
    for rank, index in enumerate(candidates):
        line = lines[index]
        rows[rank, :SHAPE_FEATURES] = own[index, :SHAPE_FEATURES]
        rows[rank, SHAPE_FEATURES:] = (
            (start - index) / TITLE_LOOKBACK,
            min(rank, 10) / 10,
            float(scores[index]),
            float(line.detected is None),
            float(rank == 0),
            float(index == 0),
            *_neighbour(lines, own, index - 1),
            *_neighbour(lines, own, index + 1),
            np.log1p(repeats[rank]),
            sum(heading[:rank]) / 10,  # heading-shaped candidates between it and the text
            float(heading[rank]),
            overlaps[rank],
            float(overlaps[rank] == best > 0),
            use.article_share[rank],
            weights[rank],
            weights[rank] / top_weight,
            line.words / longest,
            _menu_run_above(lines, index) / MENU_RUN,
            _dated_nearby(lines, index),
        )
    return rows


def _menu_run_above(lines: tuple[Line, ...], index: int) -> int:
    """Short lines right above: a headline follows the menus, a menu entry sits inside them."""
    run = 0
    while run < MENU_RUN and index - run - 1 >= 0 and lines[index - run - 1].words <= MENU_WORDS:
        run += 1
    return run


def _dated_nearby(lines: tuple[Line, ...], index: int) -> float:
    """1 for a byline or dateline right next to the line, falling off over DATED_REACH."""
    for distance in range(1, DATED_REACH + 1):
        for other in (index - distance, index + distance):
            if 0 <= other < len(lines) and lines[other].detected in _DATED:
                return 1 - (distance - 1) / DATED_REACH
    return 0.0


def _heading_shaped(line: Line) -> bool:
    return line.detected is None and 2 <= line.words <= MAX_TITLE_WORDS and (
        line.text[-1] not in PARAGRAPH_ENDS)


def _repeats(lines: tuple[Line, ...], candidates: list[int]) -> list[int]:
    """How often the page shows each candidate's words again, in its lines of at most
    `MAX_REPEAT_WORDS` words (one search of the page's text per candidate)."""
    page = "\n".join(norm(line.text) for line in lines if line.words <= MAX_REPEAT_WORDS)
    counts = []
    for index in candidates:
        key = norm(lines[index].text)
        # "Home" is everywhere; the candidate's own line holds its key once.
        counts.append(page.count(key) - 1 if len(key) >= MIN_REPEAT_CHARS else 0)
    return counts


@dataclass(frozen=True, slots=True)
class WordUse:
    """How the article uses each candidate's content words: a headline names what the
    story is about and its words recur there; a menu entry or a promo's do not."""

    lead_share: list[float]  # share of its words in the article's first OVERLAP_LINES lines
    article_share: list[float]  # share of its words in the body lines (score >= 0.5)
    article_weight: list[float]  # mean log count of its words in those body lines


def _word_use(lines: tuple[Line, ...], scores: np.ndarray, start: int,
              candidates: list[int]) -> WordUse:
    line_words = {i: tokens(lines[i].text.casefold()) for i in range(start, len(lines))
                  if i < start + OVERLAP_LINES or scores[i] >= BODY_SCORE}
    lead = {w for i in range(start, min(start + OVERLAP_LINES, len(lines)))
            for w in line_words[i]}
    counts = Counter(w for i, words in line_words.items() if scores[i] >= BODY_SCORE
                     for w in words)
    content = [set(tokens(lines[i].text.casefold())) - ALL_STOPWORDS for i in candidates]
    return WordUse(
        lead_share=[_share(words, lead) for words in content],
        article_share=[_share(words, counts.keys()) for words in content],
        article_weight=[float(np.mean([np.log1p(counts[w]) for w in words])) if words else 0.0
                        for words in content],
    )


def _share(words: set[str], vocabulary: AbstractSet[str]) -> float:
    return len(words & vocabulary) / len(words) if words else 0.0


def _neighbour(lines: tuple[Line, ...], own: np.ndarray, index: int) -> tuple[float, ...]:
    """Words, date-ness and detector verdict of a neighbouring line (menus vs bylines)."""
    if not 0 <= index < len(lines):
        return (0.0, 0.0, 0.0)
    detected = lines[index].detected
    return (float(own[index, 1]), float(detected in _DATED), float(detected is None))


def find_title(
    lines: tuple[Line, ...], own: np.ndarray, scores: np.ndarray, start: int,
    model: Forest | None = None,
) -> int | None:
    """Index of the title line, or None when no candidate is likely enough."""
    candidates = title_candidates(lines, start)
    if not candidates:
        return None
    ranker = model or load_title_model()
    probabilities = ranker(title_features(lines, own, scores, start, candidates))
    best = int(np.argmax(probabilities))
    return candidates[best] if probabilities[best] >= MIN_TITLE_SCORE else None
