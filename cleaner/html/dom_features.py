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
from dataclasses import dataclass

import numpy as np

from cleaner.html.dom_blocks import (
    CHAIN,
    CLASS_BITS,
    MASK_BITS,
    OTHER_TAG,
    OWNER_TAGS,
    TAG_BITS,
    DomBlocks,
)
from cleaner.vocab.script import (
    PARAGRAPH_ENDS,
    LineTokens,
    line_tokens,
    tokens,
    words_per_line,
)

_SENTENCE_END = PARAGRAPH_ENDS | frozenset(";")
_NON_WORD = re.compile(r"\W+")
CHAR_SAMPLE = 240  # character shares settle within a few hundred characters
_BIT_SHIFTS = np.arange(MASK_BITS, dtype=np.int64)
TEXT_FEATURES = 18
PAGE_FEATURES = 13
NEIGHBOUR_FEATURE_OFFSETS = (-1, 1)
NEIGHBOUR_FEATURES = 4 * len(NEIGHBOUR_FEATURE_OFFSETS)
_H1 = OWNER_TAGS.index("h1")
CONTAINER_FEATURES = 4  # per chain level
OWN_FEATURES = (TEXT_FEATURES + (OTHER_TAG + 1) + 2 * MASK_BITS + 6
                + CONTAINER_FEATURES * CHAIN + PAGE_FEATURES + NEIGHBOUR_FEATURES)
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS = (2, 5, 15)


@dataclass(frozen=True, slots=True)
class PageHints:
    """What the metadata stage learned of the page: a block reads differently on a
    declared article, product or discussion, on a dated page, and around the headline."""

    title: str | None = None
    article: bool = False
    product: bool = False
    discussion: bool = False
    dated: bool = False
    declared_body: frozenset[str] = frozenset()  # folded tokens of the JSON-LD body text
    description: frozenset[str] = frozenset()  # folded tokens of the page's summaries


def vocabulary(text: str) -> frozenset[str]:
    """The case-folded tokens of a declared text, for `PageHints`."""
    return frozenset(tokens(text.casefold()))


def block_words(blocks: DomBlocks) -> np.ndarray:
    """Words per block, one per character in unspaced scripts (`cleaner.vocab.script`)."""
    return np.asarray(words_per_line(_one_line(blocks.texts)), dtype=np.float64)


def _one_line(texts: list[str]) -> list[str]:
    """Texts without line breaks (a <pre> block keeps its own): the page-wide counters
    of `cleaner.vocab.script` join the blocks with newlines."""
    return [text.replace("\n", " ") if "\n" in text else text for text in texts]


def block_features(blocks: DomBlocks, hints: PageHints = PageHints()) -> np.ndarray:
    """One row of context-free features per block."""
    n = len(blocks)
    if not n:
        return np.zeros((0, OWN_FEATURES), dtype=np.float32)
    words = block_words(blocks)
    page_tokens = line_tokens(_one_line(blocks.texts), CHAR_SAMPLE)  # one pass, three readers
    text = _text_columns(blocks, words, page_tokens)
    owners = np.zeros((n, OTHER_TAG + 1), dtype=np.float32)
    owners[np.arange(n), blocks.owners] = 1.0
    masks = _bits(blocks.masks)
    near = _bits(blocks.near)
    structure = _structure_columns(blocks, words, text[:, 2])
    containers = _container_columns(blocks, words, text[:, 2])
    page = _page_columns(blocks, words, text[:, 2], hints, page_tokens)
    neighbours = _neighbour_columns(blocks, text)
    return np.hstack([text, owners, masks, near, structure, containers, page,
                      neighbours]).astype(np.float32)


def _neighbour_columns(blocks: DomBlocks, text: np.ndarray) -> np.ndarray:
    """The previous and next blocks' size, link and stop-word shares, and whether they
    share this block's template path (a run of cards, of posts, of menu entries)."""
    paths = np.array(blocks.paths, dtype=np.int64)
    columns = []
    for offset in NEIGHBOUR_FEATURE_OFFSETS:
        other = np.clip(np.arange(len(paths)) + offset, 0, len(paths) - 1)
        columns += [text[other, 1], text[other, 2], text[other, 3],
                    paths[other] == paths]
    return np.stack(columns, axis=1)


def _page_columns(
    blocks: DomBlocks, words: np.ndarray, links: np.ndarray, hints: PageHints,
    page_tokens: LineTokens,
) -> np.ndarray:
    """The page's declared kind and size, and where each block sits from the headline."""
    n = len(blocks)
    total = max(float(words.sum()), 1.0)
    headline = _headline_index(blocks, hints.title)
    index = np.arange(n)
    side = np.sign(index - headline) if headline >= 0 else np.zeros(n)
    distance = np.log1p(np.abs(index - headline)) if headline >= 0 else np.full(n, -1.0)
    constant = [hints.article, hints.product, hints.discussion, hints.dated,
                headline >= 0, math.log(n), math.log(total), float(links @ words) / total]
    return np.hstack([np.tile(np.array(constant, dtype=np.float64), (n, 1)),
                      side[:, None], distance[:, None], (index == headline)[:, None],
                      _declared_share(page_tokens, hints.declared_body)[:, None],
                      _declared_share(page_tokens, hints.description)[:, None]])


def _declared_share(page_tokens: LineTokens, declared: frozenset[str]) -> np.ndarray:
    """Share of each block's tokens in a text the page declares (-1 when it declares none):
    JSON-LD's articleBody names the article's words outright."""
    if not declared:
        return np.full(page_tokens.lines, -1.0)
    return page_tokens.shares(declared)


def _headline_index(blocks: DomBlocks, title: str | None) -> int:
    """The block that repeats the page's title, else its first <h1>, else -1."""
    wanted = _NON_WORD.sub("", (title or "").casefold())
    if wanted:
        for index, text in enumerate(blocks.texts):
            if len(text) < 4 * len(wanted) and _NON_WORD.sub("", text.casefold()) == wanted:
                return index
    return blocks.owners.index(_H1) if _H1 in blocks.owners else -1


def _bits(values: list[int]) -> np.ndarray:
    return ((np.array(values, dtype=np.int64)[:, None] >> _BIT_SHIFTS) & 1).astype(np.float32)


def _text_columns(blocks: DomBlocks, words: np.ndarray, page_tokens: LineTokens) -> np.ndarray:
    texts = blocks.texts
    n_words = np.maximum(words, 1)
    lengths = np.fromiter(map(len, texts), dtype=np.float64, count=len(texts))
    link_share = np.array(blocks.link_chars, dtype=np.float64) / np.maximum(lengths, 1)
    n_tokens, stop, unspaced = page_tokens.stats()
    n_tokens = np.maximum(n_tokens, 1)
    counts = Counter(texts)
    shares = _char_shares(texts)
    columns = [
        np.log1p(lengths),
        np.log1p(words),
        link_share,
        stop / n_tokens,
        unspaced / n_tokens,
        [t[-1] in _SENTENCE_END for t in texts],
        [t[-1] == ":" for t in texts],
        [math.log(counts[t]) for t in texts],
        [t.count(",") for t in texts] / n_words,
        [t.count(". ") + t.count("? ") + t.count("! ") + t.count("。") + t.count("！")
         + t.count("？") for t in texts],
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
    """What the revision reads: a block's size, link and stop-word shares, its first-pass
    score, and its neighbourhood and containers seen through first-pass scores. Not the
    rest of its own features: with them the second pass learnt the first one over again
    and did worse (out-of-fold wcxb-dev word F1 0.849 vs 0.857 for pass 1 alone)."""
    n = len(first_pass)
    if not n:
        return np.zeros((0, len(CONTEXT_FEATURE_NAMES)), dtype=np.float32)
    # The word counts pass 1 already read (its log1p column): exact after rounding, and no
    # second tokenising of the page.
    words = np.rint(np.expm1(own[:, _LOG_WORDS].astype(np.float64)))
    weight = np.sqrt(words) + 0.5
    columns = [own[:, _REVISION_OWN_COLUMNS], first_pass[:, None]]
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


# The columns' names, in order: the shipped model file carries their hash (its schema).
_TEXT_NAMES = ("log_chars", "log_words", "link_share", "stopword_share", "unspaced_share",
               "ends_sentence", "ends_colon", "log_repeats", "commas_per_word", "sentences",
               "chars_per_word", "has_contact", "at_most_two_words", "pipes", "digit_share",
               "punct_share", "upper_share", "other_script_share")
_STRUCTURE_NAMES = ("position", "words_before", "depth", "log_path_count", "path_words",
                    "path_links")
_CONTAINER_NAMES = ("words", "log_blocks", "links", "log_words_per_block")
_PAGE_NAMES = ("article", "product", "discussion", "dated", "has_headline", "log_blocks",
               "log_words", "link_share", "headline_side", "headline_distance", "is_headline",
               "declared_body_share", "description_share")
BIT_NAMES = (*CLASS_BITS, *(f"tag_{name}" for name in TAG_BITS))
OWN_FEATURE_NAMES: tuple[str, ...] = (
    *_TEXT_NAMES, *(f"owner_{tag}" for tag in (*OWNER_TAGS, "other")),
    *(f"ancestor_{bit}" for bit in BIT_NAMES), *(f"near_{bit}" for bit in BIT_NAMES),
    *_STRUCTURE_NAMES,
    *(f"container{level}_{name}" for level in range(CHAIN) for name in _CONTAINER_NAMES),
    *(f"page_{name}" for name in _PAGE_NAMES),
    *(f"block_at_{offset:+d}_{name}" for offset in NEIGHBOUR_FEATURE_OFFSETS
      for name in ("log_words", "link_share", "stopword_share", "same_path")),
)
_REVISION_OWN_NAMES = ("log_words", "link_share", "stopword_share")
_REVISION_OWN_COLUMNS = [OWN_FEATURE_NAMES.index(name) for name in _REVISION_OWN_NAMES]
_LOG_WORDS = OWN_FEATURE_NAMES.index("log_words")
CONTEXT_FEATURE_NAMES: tuple[str, ...] = (
    *_REVISION_OWN_NAMES, "pass1", *(f"pass1_at_{k:+d}" for k in NEIGHBOUR_OFFSETS),
    *(f"pass1_window_{w}" for w in CONTEXT_WINDOWS),
    *(f"pass1_container{level}" for level in range(CHAIN)),
    "mass_before", "mass_after", "distance_to_peak", "page_mean",
)
