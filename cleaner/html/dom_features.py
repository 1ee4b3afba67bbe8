"""Numeric features of DOM blocks, shared by inference and by `train/` (one definition, no skew).

`block_features` describes each block by its text, its owner tag, what its
ancestors' markup says (bit masks), its link density, how often its template
repeats on the page and the size of the containers it sits in (the parent,
grandparent and great-grandparent block elements: a paragraph among 2,000 words
of paragraphs is read differently from one alone in a footer).
`context_features` adds the first pass's body probabilities around each block:
its neighbours in reading order and its containers' word-weighted mean score.
Both return float32 matrices, one row per block, in the shipped model's order.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from cleaner.html.dom_blocks import CHAIN, MASK_BITS, OTHER_TAG, DomBlocks

STOPWORDS = frozenset(
    """
    the a an and or but of to in on at for with from by as is are was were be been has have
    had it its this that these those he she they we you i his her their our not no will
    would can could said says which who what when where than then there also into about
    after over le la les un une des du de et ou mais est sont était ont il elle ils elles
    nous vous je ce cette ces qui que dans sur pour par avec pas plus au aux se sa son ses
    leur été der die das ein eine und oder aber ist sind war hat haben er sie es wir ihr ich
    nicht mit von zu im auf für den dem des sich auch als bei nach wie noch um aus dass
    el los las una y o pero es son fue ha han él ella ellos nosotros en con por
    para del al su sus más como lo le gli e di che non sono è da si os um uma é são foi em
    com não mais
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_WORD = re.compile(r"\w+")
_SENTENCE_END = frozenset(".!?\"'”’»)…;")
CHAR_SAMPLE = 240  # character shares settle within a few hundred characters
_BIT_SHIFTS = np.arange(MASK_BITS, dtype=np.int64)
TEXT_FEATURES = 17
CONTAINER_FEATURES = 4  # per chain level
OWN_FEATURES = (TEXT_FEATURES + (OTHER_TAG + 1) + 2 * MASK_BITS + 6
                + CONTAINER_FEATURES * CHAIN)
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS = (2, 5, 15)


def block_words(blocks: DomBlocks) -> np.ndarray:
    return np.fromiter((len(text.split()) for text in blocks.texts), dtype=np.float64,
                       count=len(blocks))


def block_features(blocks: DomBlocks) -> np.ndarray:
    """One row of context-free features per block."""
    n = len(blocks)
    if not n:
        return np.zeros((0, OWN_FEATURES), dtype=np.float32)
    words = block_words(blocks)
    text = _text_columns(blocks, words)
    owners = np.zeros((n, OTHER_TAG + 1), dtype=np.float32)
    owners[np.arange(n), blocks.owners] = 1.0
    masks = _bits(blocks.masks)
    near = _bits(blocks.near)
    structure = _structure_columns(blocks, words, text[:, 2])
    containers = _container_columns(blocks, words, text[:, 2])
    return np.hstack([text, owners, masks, near, structure, containers]).astype(np.float32)


def _bits(values: list[int]) -> np.ndarray:
    return ((np.array(values, dtype=np.int64)[:, None] >> _BIT_SHIFTS) & 1).astype(np.float32)


def _text_columns(blocks: DomBlocks, words: np.ndarray) -> np.ndarray:
    texts = blocks.texts
    n_words = np.maximum(words, 1)
    lengths = np.fromiter(map(len, texts), dtype=np.float64, count=len(texts))
    link_share = np.array(blocks.link_chars, dtype=np.float64) / np.maximum(lengths, 1)
    samples = [t[:CHAR_SAMPLE].casefold() for t in texts]
    tokens = [_WORD.findall(s) for s in samples]
    n_tokens = np.fromiter((max(len(t), 1) for t in tokens), dtype=np.float64, count=len(texts))
    stop = np.fromiter((sum(w in STOPWORDS for w in t) for t in tokens), dtype=np.float64,
                       count=len(texts))
    counts = Counter(texts)
    shares = _char_shares(texts)
    columns = [
        np.log1p(lengths),
        np.log1p(words),
        link_share,
        stop / n_tokens,
        [t[-1] in _SENTENCE_END for t in texts],
        [t[-1] == ":" for t in texts],
        [math.log(counts[t]) for t in texts],
        [t.count(",") for t in texts] / n_words,
        [t.count(". ") + t.count("? ") + t.count("! ") for t in texts],
        lengths / n_words,
        ["@" in t or "http" in t or "www." in t or "©" in t for t in texts],
        words <= 2,
        [t.count("|") for t in texts],
    ]
    matrix = np.empty((len(texts), TEXT_FEATURES), dtype=np.float64)
    for index, column in enumerate(columns):
        matrix[:, index] = column
    matrix[:, len(columns):] = shares
    return matrix


def _char_shares(texts: list[str]) -> np.ndarray:
    """Digit, punctuation, upper-case and non-Latin shares of each block's first characters,
    counted over the page at once on code points (no Python loop per character)."""
    samples = [t[:CHAR_SAMPLE] for t in texts]
    points = np.frombuffer("\n".join(samples).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    digit = (points >= 48) & (points <= 57)
    upper = (points >= 65) & (points <= 90)
    lower = (points >= 97) & (points <= 122)
    other = points >= 0x250  # letters of other scripts, symbols, dashes
    space = (points == 32) | (points == 10) | (points == 160)
    punct = ~(upper | lower | digit | space | other) & (points < 0x250)

    def per_block(mask: np.ndarray) -> np.ndarray:
        cumulative = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        return (cumulative[starts + lengths] - cumulative[starts]).astype(np.float64)

    n_chars = np.maximum(lengths, 1)
    letters = np.maximum(per_block(upper | lower), 1)
    return np.stack([per_block(digit) / n_chars, per_block(punct) / n_chars,
                     per_block(upper) / letters, per_block(other) / n_chars], axis=1)


def _structure_columns(blocks: DomBlocks, words: np.ndarray, links: np.ndarray) -> np.ndarray:
    """Position, depth, and how often the block's template path repeats on the page."""
    n = len(blocks)
    total = max(float(words.sum()), 1.0)
    before = (np.cumsum(words) - words) / total
    depths = np.array(blocks.depths, dtype=np.float64)
    _, path_index, path_count = np.unique(np.array(blocks.paths, dtype=np.int64),
                                          return_inverse=True, return_counts=True)
    path_words = np.bincount(path_index, weights=words)
    path_links = np.bincount(path_index, weights=links * words) / np.maximum(path_words, 1)
    return np.stack([
        np.arange(n) / n,
        before,
        (depths - np.median(depths)) / 10.0,
        np.log(path_count[path_index]),
        path_words[path_index] / total,
        path_links[path_index],
    ], axis=1)


def _container_columns(blocks: DomBlocks, words: np.ndarray, links: np.ndarray) -> np.ndarray:
    """For each chain level: the container's share of the page's words, its block count,
    its link density, and its words per block."""
    total = max(float(words.sum()), 1.0)
    columns = []
    for level in range(CHAIN):
        index = _container_index(blocks.chains, level)
        container_words = np.bincount(index, weights=words)
        container_blocks = np.bincount(index).astype(np.float64)
        container_links = np.bincount(index, weights=links * words) / np.maximum(
            container_words, 1)
        columns += [container_words[index] / total, np.log(container_blocks[index]),
                    container_links[index],
                    np.log1p(container_words[index] / container_blocks[index])]
    return np.stack(columns, axis=1)


def _container_index(chains: list[tuple[int, ...]], level: int) -> np.ndarray:
    """Dense ids of each block's ancestor `level` block elements up (0 for none)."""
    serials = np.fromiter((chain[level] if len(chain) > level else 0 for chain in chains),
                          dtype=np.int64, count=len(chains))
    return np.unique(serials, return_inverse=True)[1].reshape(-1)


def context_features(blocks: DomBlocks, own: np.ndarray, first_pass: np.ndarray) -> np.ndarray:
    """Own features plus the neighbourhood and the containers seen through first-pass scores."""
    n = len(first_pass)
    if not n:
        return np.zeros((0, own.shape[1] + 1 + len(NEIGHBOUR_OFFSETS) + len(CONTEXT_WINDOWS)
                         + CHAIN + 4), dtype=np.float32)
    words = block_words(blocks)
    weight = np.sqrt(words) + 0.5
    columns = [own, first_pass[:, None]]
    padded = np.pad(first_pass, 3)
    columns += [padded[3 + k : 3 + k + n, None] for k in NEIGHBOUR_OFFSETS]
    columns += [_window_mean(first_pass, w)[:, None] for w in CONTEXT_WINDOWS]
    for level in range(CHAIN):
        index = _container_index(blocks.chains, level)
        mean = np.bincount(index, weights=first_pass * weight) / np.bincount(index,
                                                                             weights=weight)
        columns.append(mean[index][:, None])
    mass = first_pass * words
    total_mass = max(float(mass.sum()), 1.0)
    cumulative = np.cumsum(mass) / total_mass
    peak = int(np.argmax(_window_mean(mass, 8)))
    distance = (np.arange(n) - peak) / n
    columns += [cumulative[:, None], (1 - cumulative)[:, None], distance[:, None],
                np.full((n, 1), float(np.average(first_pass, weights=weight)))]
    return np.hstack(columns).astype(np.float32)


def _window_mean(values: np.ndarray, half_width: int) -> np.ndarray:
    """Mean of `values` over [i - half_width, i + half_width], clipped at the page edges."""
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    index = np.arange(n)
    low = np.clip(index - half_width, 0, n)
    high = np.clip(index + half_width + 1, 0, n)
    return (sums[high] - sums[low]) / np.maximum(high - low, 1)
