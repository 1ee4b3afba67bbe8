"""HTML stages classify and revise: DOM blocks -> body probabilities, in two passes.

Two gradient-boosted forests trained by `train/train_dom_model.py` (on wcxb-dev,
readability and chinese-wce), shipped as `dom_model.npz` (numpy arrays, no
pickle, with the hash of the features they read) and evaluated with numpy:
1. classify: each block on its own features (`block_features`: text, markup,
   template, containers, the page's declared kind, its neighbours' shape);
2. revise: a small forest reads the block's first-pass score beside its
   neighbours' and containers' (`context_features`): jusText's classify ->
   revise, over the DOM. A block's score is the mean of the two passes: out of
   fold on wcxb-dev, word F1 0.8584 for pass 1 alone, 0.8579 for the revision
   alone, 0.8606 for their mean.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from cleaner.html.dom_blocks import DomBlocks
from cleaner.html.dom_features import (
    CONTEXT_FEATURE_NAMES,
    OWN_FEATURE_NAMES,
    PageHints,
    block_features,
    context_features,
)
from cleaner.vocab.modelfile import load_arrays, schema_hash
from cleaner.vocab.trees import Forest

MODEL_FILE = "dom_model.npz"
SCHEMA = schema_hash((*OWN_FEATURE_NAMES, "|", *CONTEXT_FEATURE_NAMES))
# A block is body at this probability or more (out-of-fold word F1 on the training sets
# was best here; see train/README.md).
BODY_THRESHOLD = 0.3


@dataclass(frozen=True, slots=True)
class DomModel:
    first_pass: Forest  # own features
    revision: Forest  # first-pass scores of the block, its neighbours and containers


@functools.lru_cache(maxsize=16)  # as `load_arrays`: the forests' evaluation layout is built once
def load_model(model_dir: str | None = None) -> DomModel:
    """The shipped model (or the one in `model_dir`), read once per process."""
    arrays = load_arrays("cleaner.html", MODEL_FILE, SCHEMA, model_dir)
    return DomModel(Forest.from_arrays(arrays, "p1"), Forest.from_arrays(arrays, "p2"))


def block_scores(blocks: DomBlocks, hints: PageHints, model: DomModel) -> np.ndarray:
    """Body probability of each block: the mean of its first-pass and revised scores."""
    if not len(blocks):
        return np.zeros(0, dtype=np.float32)
    return revised_scores(blocks, block_features(blocks, hints), model)


def revised_scores(blocks: DomBlocks, own: np.ndarray, model: DomModel) -> np.ndarray:
    """Both passes over blocks whose own features are computed (training reuses them)."""
    first = model.first_pass(own)
    return (first + model.revision(context_features(blocks, own, first))) / 2

