"""Which line is the headline: a small learned ranker over the lines above the article.

Candidates are the lines within `TITLE_LOOKBACK` above the article's first
paragraph. Each is scored by a small MLP over what survives re-rendering the page
(a browser's innerText, Markdown, a text-only scraper all show it): its own shape
features, its distance to the article, its rank among candidates, the line model's
scores, its neighbours, whether the page shows its words again (sites repeat the
headline in breadcrumbs, share texts and a "Site | Title" line), and how many of its
words the article's first lines use. Blank lines are not
read: each renderer puts them elsewhere. The best candidate above `MIN_TITLE_SCORE`
is the title. Trained by `train/train_title_model.py`.
"""

from __future__ import annotations

import functools

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.features import SHAPE_FEATURES, SHAPE_NAMES
from cleaner.text.segment import Line
from cleaner.vocab.lexicons import ALL_STOPWORDS, norm
from cleaner.vocab.modelfile import Mlp, load_arrays, mlp_from_arrays, schema_hash
from cleaner.vocab.script import PARAGRAPH_ENDS, tokens

MODEL_FILE = "title_model.npz"
TITLE_LOOKBACK = 40  # lines above the article: h1s sit above bylines, share bars and images
MIN_TITLE_WORDS = 1
MAX_TITLE_WORDS = 30  # longer than that above the text is a standfirst, not a headline
# Below this probability no line is the title: a page without a headline gets none,
# rather than its nearest menu entry.
MIN_TITLE_SCORE = 0.05
MAX_REPEAT_WORDS = 60  # lines this long can hold the headline again ("Site | Title")
MIN_REPEAT_CHARS = 8
OVERLAP_LINES = 30  # the article's first lines, whose words a headline shares
EXTRA_NAMES: tuple[str, ...] = (
    "distance", "rank", "line_score", "undetected", "nearest", "first_line",
    "prev_words", "prev_dated", "prev_undetected", "next_words", "next_dated",
    "next_undetected", "log_repeats", "headings_below", "heading_shaped", "body_overlap",
    "best_overlap",
)
TITLE_NAMES = (*SHAPE_NAMES, *EXTRA_NAMES)
EXTRA_FEATURES = len(EXTRA_NAMES)
SCHEMA = schema_hash(TITLE_NAMES)
_DATED = frozenset({BlockKind.BYLINE, BlockKind.DATELINE, BlockKind.PAGE_CLOCK})


@functools.lru_cache(maxsize=8)
def load_title_model(model_dir: str | None = None) -> Mlp:
    """The shipped ranker (or the one of the same name in `model_dir`), read once."""
    return mlp_from_arrays(load_arrays("cleaner.text", MODEL_FILE, SCHEMA, model_dir), "title")


def title_candidates(lines: tuple[Line, ...], start: int) -> list[int]:
    """Indexes of headline-shaped lines above the article, nearest first."""
    return [
        index for index in range(start - 1, max(start - TITLE_LOOKBACK, 0) - 1, -1)
        if MIN_TITLE_WORDS <= lines[index].words <= MAX_TITLE_WORDS
    ]


def title_features(
    lines: tuple[Line, ...], own: np.ndarray, scores: np.ndarray, start: int,
    candidates: list[int],
) -> np.ndarray:
    """One row per candidate: shape, distance and rank, model scores, neighbours, repeats."""
    rows = np.zeros((len(candidates), SHAPE_FEATURES + EXTRA_FEATURES), dtype=np.float32)
    heading = [_heading_shaped(lines[index]) for index in candidates]
    repeats = _repeats(lines, candidates)
    overlaps = _body_overlaps(lines, start, candidates)
    best = max(overlaps, default=0.0)
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
        )
    return rows


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


def _body_overlaps(lines: tuple[Line, ...], start: int, candidates: list[int]) -> list[float]:
    """Share of each candidate's content words that the article's first lines use: a
    headline names what the story is about, a menu entry or a promo does not."""
    body = "\n".join(line.text for line in lines[start : start + OVERLAP_LINES])
    vocabulary = set(tokens(body.casefold())) - ALL_STOPWORDS
    overlaps = []
    for index in candidates:
        words = set(tokens(lines[index].text.casefold())) - ALL_STOPWORDS
        overlaps.append(len(words & vocabulary) / len(words) if words else 0.0)
    return overlaps


def _neighbour(lines: tuple[Line, ...], own: np.ndarray, index: int) -> tuple[float, ...]:
    """Words, date-ness and detector verdict of a neighbouring line (menus vs bylines)."""
    if not 0 <= index < len(lines):
        return (0.0, 0.0, 0.0)
    detected = lines[index].detected
    return (float(own[index, 1]), float(detected in _DATED), float(detected is None))


def find_title(
    lines: tuple[Line, ...], own: np.ndarray, scores: np.ndarray, start: int,
    model: Mlp | None = None,
) -> int | None:
    """Index of the title line, or None when no candidate is likely enough."""
    candidates = title_candidates(lines, start)
    if not candidates:
        return None
    ranker = model or load_title_model()
    probabilities = ranker(title_features(lines, own, scores, start, candidates))
    best = int(np.argmax(probabilities))
    return candidates[best] if probabilities[best] >= MIN_TITLE_SCORE else None
