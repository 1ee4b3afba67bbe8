"""Numeric features of lines, shared by inference and by `train/` (one definition, no skew).

`line_features` describes each line on its own (the context-free pass);
`context_features` adds what the neighbours look like through the first
pass's body probabilities (the revision pass). Both return float32 matrices,
one row per line, in the column order the shipped model was trained with.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

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
_WORD_OR_NEWLINE = re.compile(r"\w+|\n")
_OTHER_WORD, _STOPWORD, _NEWLINE = 0, 1, 2
_TOKEN_CODES = {word: _STOPWORD for word in STOPWORDS} | {"\n": _NEWLINE}
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
    shape_matrix = _shape_columns(lines)
    if lines:
        shape_matrix[:, _CHAR_COLUMNS] = _char_class_shares(lines, shape_matrix[:, _TOKENS])
    kinds = np.zeros((len(lines), len(DETECTOR_KINDS)), dtype=np.float32)
    for index, line in enumerate(lines):
        if line.detected is not None and line.detected in _KIND_COLUMN:
            kinds[index, _KIND_COLUMN[line.detected]] = 1.0
    return np.hstack([shape_matrix, kinds])


def _shape_columns(lines: tuple[Line, ...]) -> np.ndarray:
    """The features Python's string methods give cheaply; char-class shares come later.

    Built a column at a time over the page (each a tight comprehension or map of
    C string methods, far cheaper than a Python row per line), every value computed
    in double precision exactly as before and rounded to float32 once, so the model
    sees bit-identical inputs.
    """
    texts = [line.text for line in lines]
    counts = Counter(texts)
    total = max(len(lines), 1)
    lengths = list(map(len, texts))
    word_counts = [line.words for line in lines]
    n_words = [count or 1 for count in word_counts]
    n_tokens, stopwords = _token_counts(texts)
    columns: list[list[float] | list[int] | list[bool] | np.ndarray] = [
        list(map(math.log1p, lengths)),
        list(map(math.log1p, word_counts)),
        [text[-1] in _SENTENCE_END for text in texts],
        [text[-1] == ":" for text in texts],
        stopwords / n_tokens,
        n_tokens,  # _TOKENS: replaced by the capitalised-token share
        [0] * len(texts),  # digit share
        [0] * len(texts),  # punctuation share
        [line.blank_before for line in lines],
        [line.blank_after for line in lines],
        [index / total for index in range(len(lines))],
        [math.log(counts[text]) for text in texts],
        [text[:1] in "-•*·–—►▶" or text[:2].rstrip(".)").isdigit() for text in texts],
        [text.count("|") for text in texts],
        [0] * len(texts),  # upper-case share of letters
        [text.count(",") / n for text, n in zip(texts, n_words, strict=True)],
        [text.count(". ") + text.count("? ") + text.count("! ") for text in texts],
        [length / n for length, n in zip(lengths, n_words, strict=True)],
        ["@" in text or "http" in text or "www." in text for text in texts],
        [count <= 2 for count in word_counts],
    ]
    matrix = np.empty((len(lines), SHAPE_FEATURES), dtype=np.float32)
    for index, column in enumerate(columns):
        matrix[:, index] = column
    return matrix


def _token_counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word tokens (at least 1) and stop words among them in each line's first
    `CHAR_SAMPLE` characters, from one regex pass over the whole page's samples.

    A token never spans the newline joining two samples, and case folding goes
    character by character, so each line gets exactly the tokens of its own sample.
    """
    sample = "\n".join(text[:CHAR_SAMPLE] for text in texts).casefold()
    tokens = _WORD_OR_NEWLINE.findall(sample)
    # One dict lookup per token tells newline, stop word and other word apart.
    codes = np.fromiter(map(_TOKEN_CODES.get, tokens, itertools.repeat(_OTHER_WORD)),
                        dtype=np.int8, count=len(tokens))
    is_newline = codes == _NEWLINE
    line_of = np.cumsum(is_newline)  # which line each token belongs to
    n_tokens = np.bincount(line_of[~is_newline], minlength=len(texts))
    stopwords = np.bincount(line_of[codes == _STOPWORD], minlength=len(texts))
    return np.maximum(n_tokens, 1).astype(np.float64), stopwords.astype(np.float64)


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
    columns.append(_window_means(first_pass, CONTEXT_WINDOWS).T)
    mass_4, mass_16, mass_8 = _window_means(mass, (4, 16, 8))
    mean_words = max(float(words.mean()) if n else 1.0, 1.0)
    columns += [mass_4[:, None] / mean_words, mass_16[:, None] / mean_words]
    peak = int(np.argmax(mass_8)) if n else 0
    distance = (np.arange(n) - peak) / max(n, 1)
    columns += [cumulative[:, None], (1 - cumulative)[:, None], distance[:, None],
                np.abs(distance)[:, None]]
    return np.hstack(columns).astype(np.float32)


def _window_means(values: np.ndarray, half_widths: tuple[int, ...]) -> np.ndarray:
    """Mean of `values` over [i - w, i + w], clipped at the page edges: one row per half
    width w, all from one running sum."""
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    index = np.arange(n)
    widths = np.array(half_widths)[:, None]
    low = np.clip(index - widths, 0, n)
    high = np.clip(index + widths + 1, 0, n)
    return ((sums[high] - sums[low]) / np.maximum(high - low, 1)).astype(np.float32)
