"""Numeric features of lines, shared by inference and by `train/` (one definition, no skew).

`line_features` describes each line on its own (the context-free pass);
`context_features` adds what the neighbours look like through the first
pass's body probabilities (the revision pass). Both return float32 matrices,
one row per line, in the column order the shipped model was trained with.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.segment import Line
from cleaner.vocab.script import PARAGRAPH_ENDS, line_token_stats

# Kinds a line can carry before classification (what the detectors and the segmenter
# name), one indicator column each; the model learns what each is worth. Listed, not
# derived from BlockKind: kinds only HTML mode names must not change this model's inputs.
DETECTOR_KINDS: tuple[BlockKind, ...] = (
    BlockKind.TITLE_REPEAT, BlockKind.BYLINE, BlockKind.DATELINE, BlockKind.DATE_PREFIX,
    BlockKind.PAGE_CLOCK, BlockKind.TICKER, BlockKind.SHARE, BlockKind.SOCIAL,
    BlockKind.DONATION, BlockKind.NEWSLETTER, BlockKind.COOKIE, BlockKind.AD, BlockKind.BIO,
    BlockKind.RELATED, BlockKind.NAV, BlockKind.SECTION, BlockKind.CAPTION,
    BlockKind.IMAGE_FILE, BlockKind.COMMENTS, BlockKind.READING_TIME, BlockKind.CREDIT,
    BlockKind.FOOTER, BlockKind.UI, BlockKind.BOILERPLATE,
)
_SENTENCE_END = PARAGRAPH_ENDS | frozenset(":;")
_KIND_COLUMN = {kind: column for column, kind in enumerate(DETECTOR_KINDS)}
# Character-class shares are settled after a few hundred characters; counting further
# only costs time on long paragraphs.
CHAR_SAMPLE = 240
# The columns of `line_features`, in order (their names hash into the model file's
# schema). None reads the blank lines around a line: where a renderer puts them is its
# own habit (a browser's innerText blank-lines paragraphs only, Markdown every block).
SHAPE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "ends_sentence", "ends_colon", "stopword_share",
    "capitalised_share", "digit_share", "punctuation_share", "unspaced_share",
    "sentence_marks", "position", "log_copies", "bulleted", "bars", "upper_share",
    "commas_per_word", "inner_sentence_ends", "chars_per_word", "url_or_mail", "tiny",
)
OWN_NAMES: tuple[str, ...] = SHAPE_NAMES + tuple(f"detected_{kind.value}"
                                                 for kind in DETECTOR_KINDS)
SHAPE_FEATURES = len(SHAPE_NAMES)
OWN_FEATURES = len(OWN_NAMES)
_CHAR_COLUMNS = [SHAPE_NAMES.index(name) for name in (
    "capitalised_share", "digit_share", "punctuation_share", "upper_share")]
_TOKENS = SHAPE_NAMES.index("capitalised_share")  # briefly holds the token count
# Windows (in lines) over which the revision pass averages its neighbours' first-pass scores.
CONTEXT_WINDOWS = (1, 2, 4, 8, 16, 40)
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_NAMES: tuple[str, ...] = (
    *OWN_NAMES, "first_pass", *(f"neighbour_{k}" for k in NEIGHBOUR_OFFSETS),
    *(f"window_{w}" for w in CONTEXT_WINDOWS), "mass_4", "mass_16", "mass_before",
    "mass_after", "peak_distance", "peak_abs_distance",
)
_INNER_ENDS = (". ", "? ", "! ", "。", "！", "？")


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
    in double precision and rounded to float32 once.
    """
    texts = [line.text for line in lines]
    counts = Counter(texts)
    total = max(len(lines), 1)
    lengths = list(map(len, texts))
    word_counts = [line.words for line in lines]
    n_words = [count or 1 for count in word_counts]
    n_tokens, stopwords, unspaced = line_token_stats(texts, CHAR_SAMPLE)
    n_tokens = np.maximum(n_tokens, 1)
    columns: list[list[float] | list[int] | list[bool] | np.ndarray] = [
        list(map(math.log1p, lengths)),
        list(map(math.log1p, word_counts)),
        [text[-1] in _SENTENCE_END for text in texts],
        [text[-1] in ":：" for text in texts],
        stopwords / n_tokens,
        n_tokens,  # _TOKENS: replaced by the capitalised-token share
        [0] * len(texts),  # digit share
        [0] * len(texts),  # punctuation share
        unspaced / n_tokens,
        [sum(map(text.count, "。！？")) for text in texts],
        [index / total for index in range(len(lines))],
        [math.log(counts[text]) for text in texts],
        [text[:1] in "-•*·–—►▶+" or text[:2].rstrip(".)").isdigit() for text in texts],
        [text.count("|") for text in texts],
        [0] * len(texts),  # upper-case share of letters
        [(text.count(",") + text.count("，") + text.count("、")) / n
         for text, n in zip(texts, n_words, strict=True)],
        [sum(map(text.count, _INNER_ENDS)) for text in texts],
        [length / n for length, n in zip(lengths, n_words, strict=True)],
        ["@" in text or "http" in text or "www." in text for text in texts],
        [count <= 2 for count in word_counts],
    ]
    matrix = np.empty((len(lines), SHAPE_FEATURES), dtype=np.float32)
    for index, column in enumerate(columns):
        matrix[:, index] = column
    return matrix


def _char_class_shares(lines: tuple[Line, ...], tokens: np.ndarray) -> np.ndarray:
    """Capitalised-token, digit, punctuation and upper-case shares of each line's first
    `CHAR_SAMPLE` characters, counted over the whole page at once on code points.

    Latin letters are classed exactly; any other code point above U+00FF except
    general and full-width punctuation counts as a lower-case letter, which is what
    matters here: scripts without case are neither digits nor punctuation.
    """
    samples = [line.text[:CHAR_SAMPLE] for line in lines]
    points = np.frombuffer("\n".join(samples).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    digit = (points >= 48) & (points <= 57)
    upper = ((points >= 65) & (points <= 90)) | ((points >= 192) & (points <= 222)
                                                 & (points != 215))
    wide_punctuation = (((points >= 0x2000) & (points <= 0x206F))
                        | ((points >= 0x3000) & (points <= 0x303F))
                        | ((points >= 0xFF00) & (points <= 0xFF0F))
                        | ((points >= 0xFF1A) & (points <= 0xFF20)))
    lower = (((points >= 97) & (points <= 122)) | ((points >= 223) & (points != 247)
                                                    & ~wide_punctuation))
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
