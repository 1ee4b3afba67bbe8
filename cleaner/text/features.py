"""Numeric features of lines, shared by inference and by `train/` (one definition, no skew).

`line_features` describes each line on its own (the context-free pass);
`context_features` adds what the neighbours look like through the first
pass's body probabilities (the revision pass). Both return float32 matrices,
one row per line, in the column order the shipped model was trained with.
"""

from __future__ import annotations

import math
import re

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.segment import Line

STOPWORDS = frozenset(
    """
    the a an and or but of to in on at for with from by as is are was were be been has have
    had it its this that these those he she they we you i his her their our not no will
    would can could said says which who what when where than then there also into about
    after over le la les un une des du de et ou mais est sont était a ont il elle ils elles
    nous vous je ce cette ces qui que dans sur pour par avec pas plus au aux se sa son ses
    leur été der die das ein eine und oder aber ist sind war hat haben er sie es wir ihr ich
    nicht mit von zu im in auf für den dem des sich auch als bei nach wie noch um aus dass
    el la los las un una y o pero es son fue ha han él ella ellos nosotros que en con por
    para del al se su sus no más como lo le il lo gli una e di che per non sono è da si o os
    as um uma e é são foi em com para por não mais
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
# Detector kinds, one indicator column each; the model learns what each is worth.
DETECTOR_KINDS: tuple[BlockKind, ...] = tuple(
    kind for kind in BlockKind if kind not in {BlockKind.BODY, BlockKind.TITLE}
)
_WORD = re.compile(r"\w+")
_TOKENS = 5  # the shape column that briefly holds the token count
_CHAR_COLUMNS = [5, 6, 7, 14]  # capitalised tokens, digits, punctuation, upper case
_SENTENCE_END = frozenset(".!?\"'”’»)…:;")
_KIND_COLUMN = {kind: column for column, kind in enumerate(DETECTOR_KINDS)}
SHAPE_FEATURES = 20
OWN_FEATURES = SHAPE_FEATURES + len(DETECTOR_KINDS)
# Character-class shares are settled after a few hundred characters; counting further
# only costs time on long paragraphs.
CHAR_SAMPLE = 240
# Windows (in lines) over which the revision pass averages its neighbours' first-pass scores.
CONTEXT_WINDOWS = (1, 2, 4, 8, 16, 40)
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)


def line_features(lines: tuple[Line, ...]) -> np.ndarray:
    """One row of context-free features per line."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.text] = counts.get(line.text, 0) + 1
    total = max(len(lines), 1)
    shape = [_shape_row(line, index / total, counts[line.text])
             for index, line in enumerate(lines)]
    shape_matrix = np.asarray(shape, dtype=np.float32).reshape(len(lines), SHAPE_FEATURES)
    if lines:
        shape_matrix[:, _CHAR_COLUMNS] = _char_class_shares(lines, shape_matrix[:, _TOKENS])
    kinds = np.zeros((len(lines), len(DETECTOR_KINDS)), dtype=np.float32)
    for index, line in enumerate(lines):
        if line.detected is not None and line.detected in _KIND_COLUMN:
            kinds[index, _KIND_COLUMN[line.detected]] = 1.0
    return np.hstack([shape_matrix, kinds])


def _shape_row(line: Line, position: float, copies: int) -> list[float]:
    """The features Python's string methods give cheaply; char-class shares come later."""
    text = line.text
    words = text.split()
    n_words = len(words) or 1
    tokens = _WORD.findall(text[:CHAR_SAMPLE].casefold())
    n_tokens = len(tokens) or 1
    return [
        math.log1p(len(text)),
        math.log1p(len(words)),
        float(text[-1] in _SENTENCE_END),
        float(text[-1] == ":"),
        sum(map(STOPWORDS.__contains__, tokens)) / n_tokens,
        n_tokens,  # _TOKENS: replaced by the capitalised-token share
        0.0,  # digit share
        0.0,  # punctuation share
        float(line.blank_before),
        float(line.blank_after),
        position,
        math.log(copies),
        float(text[:1] in "-•*·–—►▶" or text[:2].rstrip(".)").isdigit()),
        float(text.count("|")),
        0.0,  # upper-case share of letters
        text.count(",") / n_words,
        float(text.count(". ") + text.count("? ") + text.count("! ")),
        len(text) / n_words,
        float("@" in text or "http" in text or "www." in text),
        float(len(words) <= 2),
    ]


def _char_class_shares(lines: tuple[Line, ...], tokens: np.ndarray) -> np.ndarray:
    """Capitalised-token, digit, punctuation and upper-case shares of each line's first
    `CHAR_SAMPLE` characters, counted over the whole page at once on code points.

    Latin letters are classed exactly; any other code point above U+00FF except
    general punctuation counts as a lower-case letter, which is what matters here:
    scripts without case are neither digits nor punctuation.
    """
    samples = [line.text[:CHAR_SAMPLE] for line in lines]
    points = np.frombuffer("\n".join(samples).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    digit = (points >= 48) & (points <= 57)
    upper = ((points >= 65) & (points <= 90)) | ((points >= 192) & (points <= 222)
                                                 & (points != 215))
    general_punctuation = (points >= 0x2000) & (points <= 0x206F)
    lower = (((points >= 97) & (points <= 122)) | ((points >= 223) & (points != 247)
                                                    & ~general_punctuation))
    letter = upper | lower
    space = (points == 32) | (points == 10) | (points == 9) | (points == 160)
    punct = ~(letter | digit | space | (points == 95))
    word_char = letter | digit | (points == 95)
    capitalised = upper & ~np.concatenate(([False], word_char[:-1]))

    def per_line(mask: np.ndarray) -> np.ndarray:
        cumulative = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        return (cumulative[starts + lengths] - cumulative[starts]).astype(np.float32)

    n_chars = np.maximum(lengths, 1).astype(np.float32)
    return np.stack([
        per_line(capitalised) / np.maximum(tokens, 1),
        per_line(digit) / n_chars,
        per_line(punct) / n_chars,
        per_line(upper) / np.maximum(per_line(letter), 1),
    ], axis=1)


def context_features(own: np.ndarray, first_pass: np.ndarray) -> np.ndarray:
    """Own features plus the neighbourhood seen through first-pass body probabilities."""
    n = len(first_pass)
    words = np.expm1(own[:, 1]) if n else np.zeros(0, dtype=np.float32)
    mass = first_pass * words
    total_mass = float(mass.sum()) or 1.0
    cumulative = np.cumsum(mass) / total_mass
    columns = [own, first_pass[:, None]]
    padded = np.pad(first_pass, 3)
    columns += [padded[3 + k : 3 + k + n, None] for k in NEIGHBOUR_OFFSETS]
    columns += [_window_mean(first_pass, w)[:, None] for w in CONTEXT_WINDOWS]
    columns += [_window_mean(mass, w)[:, None] / max(float(words.mean()) if n else 1.0, 1.0)
                for w in (4, 16)]
    peak = int(np.argmax(_window_mean(mass, 8))) if n else 0
    distance = (np.arange(n) - peak) / max(n, 1)
    columns += [cumulative[:, None], (1 - cumulative)[:, None], distance[:, None],
                np.abs(distance)[:, None]]
    return np.hstack(columns).astype(np.float32)


def _window_mean(values: np.ndarray, half_width: int) -> np.ndarray:
    """Mean of `values` over [i - half_width, i + half_width], clipped at the page edges."""
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    index = np.arange(n)
    low = np.clip(index - half_width, 0, n)
    high = np.clip(index + half_width + 1, 0, n)
    return ((sums[high] - sums[low]) / np.maximum(high - low, 1)).astype(np.float32)
