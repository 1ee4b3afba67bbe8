"""The DOM engine: an lxml tree -> DOM blocks -> body probabilities -> body `Block`s.

Two small MLPs trained by `train/train_dom_model.py` on WCXB-dev, shipped as
`dom_model.npz` (float arrays only: no pickle) and evaluated with numpy: pass 1
on each block's own features, pass 2 with its neighbours' and containers'
pass-1 scores (jusText's classify -> revise, over the DOM instead of lines).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
from lxml.etree import _Element

from cleaner.html.dom_blocks import OWNER_TAGS, PRE_BIT, QUOTE_BIT, DomBlocks, dom_blocks
from cleaner.html.dom_features import block_features, block_words, context_features
from cleaner.models import Block, BlockRole
from cleaner.vocab.modelfile import Mlp, mlp_from_arrays

MODEL_FILE = "dom_model.npz"
# A block is body at this probability or more: domain-CV word F1 on WCXB-dev was best at
# 0.3 (0.838; 0.836 at 0.4, 0.829 at 0.5; see train/README.md).
BODY_THRESHOLD = 0.3
_ROLE_OF_OWNER = {
    **{OWNER_TAGS.index(f"h{level}"): BlockRole.HEADING for level in range(1, 7)},
    OWNER_TAGS.index("li"): BlockRole.LIST_ITEM, OWNER_TAGS.index("dt"): BlockRole.LIST_ITEM,
    OWNER_TAGS.index("dd"): BlockRole.LIST_ITEM, OWNER_TAGS.index("tr"): BlockRole.TABLE_ROW,
    OWNER_TAGS.index("pre"): BlockRole.CODE, OWNER_TAGS.index("blockquote"): BlockRole.QUOTE,
}


@dataclass(frozen=True, slots=True)
class DomModel:
    first_pass: Mlp  # own features
    second_pass: Mlp  # own features + neighbours' and containers' first-pass scores


@dataclass(frozen=True, slots=True)
class DomReading:
    """The engine's body blocks, the blocks it left out, and how sure it was of the page
    (see `page_confidence`)."""

    blocks: tuple[Block, ...]
    rejected: tuple[Block, ...]
    confidence: float


@functools.lru_cache(maxsize=1)
def load_model() -> DomModel:
    """The shipped model, read once per process."""
    with resources.files("cleaner.html").joinpath(MODEL_FILE).open("rb") as handle:
        arrays = dict(np.load(handle, allow_pickle=False))
    return DomModel(mlp_from_arrays(arrays, "p1"), mlp_from_arrays(arrays, "p2"))


def block_scores(blocks: DomBlocks, model: DomModel | None = None) -> np.ndarray:
    """Pass-2 body probability of each block."""
    if not len(blocks):
        return np.zeros(0, dtype=np.float32)
    model = model or load_model()
    own = block_features(blocks)
    return model.second_pass(context_features(blocks, own, model.first_pass(own)))


def page_confidence(words: np.ndarray, scores: np.ndarray) -> float:
    """Word-weighted mean of how far each block's score is from a coin toss (0.5 to 1)."""
    if not len(scores):
        return 0.0
    weight = np.sqrt(words) + 1.0
    return float(np.average(np.maximum(scores, 1.0 - scores), weights=weight))


def dom_reading(root: _Element, threshold: float = BODY_THRESHOLD) -> DomReading:
    """The body of the page under `root` as the DOM model reads it."""
    blocks = dom_blocks(root)
    scores = block_scores(blocks)
    kept: list[Block] = []
    rejected: list[Block] = []
    for text, owner, mask, score in zip(blocks.texts, blocks.owners, blocks.masks,
                                        scores.tolist(), strict=True):
        (kept if score >= threshold else rejected).append(Block(text, role=_role(owner, mask)))
    return DomReading(tuple(kept), tuple(rejected), page_confidence(block_words(blocks), scores))


def _role(owner: int, mask: int) -> BlockRole:
    role = _ROLE_OF_OWNER.get(owner, BlockRole.PARAGRAPH)
    if role is BlockRole.PARAGRAPH and mask & PRE_BIT:
        return BlockRole.CODE
    if role is BlockRole.PARAGRAPH and mask & QUOTE_BIT:
        return BlockRole.QUOTE
    return role
