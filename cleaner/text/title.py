"""Which line is the headline: a small learned ranker over the lines above the article.

Candidates are the lines within `TITLE_LOOKBACK` above the article's first
paragraph (and that paragraph's own line when it is headline-shaped is not
one: the article start is a paragraph by definition). Each is scored by a
small MLP over its shape features, its distance to the article, its
rank among candidates and the line model's scores; the best one above
`MIN_TITLE_SCORE` is the title. Trained by `train/train_title_model.py`.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.features import SHAPE_FEATURES
from cleaner.text.segment import Line
from cleaner.vocab.modelfile import Mlp, mlp_from_arrays

MODEL_FILE = "title_model.npz"
TITLE_LOOKBACK = 40  # lines above the article: h1s sit above bylines, share bars and images
MIN_TITLE_WORDS = 1
MAX_TITLE_WORDS = 30  # longer than that above the text is a standfirst, not a headline
# Below this probability no line is the title: a page without a headline gets none,
# rather than its nearest menu entry.
MIN_TITLE_SCORE = 0.2
EXTRA_FEATURES = 13


@functools.lru_cache(maxsize=1)
def load_title_model() -> Mlp:
    """The shipped ranker, read once per process."""
    with resources.files("cleaner.text").joinpath(MODEL_FILE).open("rb") as handle:
        return mlp_from_arrays(dict(np.load(handle, allow_pickle=False)), "title")


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
    """One row per candidate: shape, distance and rank, model scores, detector verdict."""
    rows = np.zeros((len(candidates), SHAPE_FEATURES + EXTRA_FEATURES), dtype=np.float32)
    for rank, index in enumerate(candidates):
        line = lines[index]
        rows[rank, :SHAPE_FEATURES] = own[index, :SHAPE_FEATURES]
        rows[rank, SHAPE_FEATURES:] = (
            (start - index) / TITLE_LOOKBACK,
            min(rank, 10) / 10,
            float(scores[index]),
            float(line.detected is None),
            float(line.blank_before and line.blank_after),
            float(rank == 0),
            float(index == 0),
            *_neighbour(lines, own, index - 1),
            *_neighbour(lines, own, index + 1),
        )
    return rows


def _neighbour(lines: tuple[Line, ...], own: np.ndarray, index: int) -> tuple[float, ...]:
    """Words, date-ness and detector verdict of a neighbouring line (menus vs bylines)."""
    if not 0 <= index < len(lines):
        return (0.0, 0.0, 0.0)
    detected = lines[index].detected
    dated = detected in {BlockKind.BYLINE, BlockKind.DATELINE, BlockKind.PAGE_CLOCK}
    return (float(own[index, 1]), float(dated), float(detected is None))


def find_title(
    lines: tuple[Line, ...], own: np.ndarray, scores: np.ndarray, start: int
) -> int | None:
    """Index of the title line, or None when no candidate is likely enough."""
    candidates = title_candidates(lines, start)
    if not candidates:
        return None
    probabilities = load_title_model()(title_features(lines, own, scores, start, candidates))
    best = int(np.argmax(probabilities))
    return candidates[best] if probabilities[best] >= MIN_TITLE_SCORE else None
