"""Stage 2, classify: a context-free body probability for each line (jusText's first pass).

The model is a small MLP trained by `train/train_line_model.py` on WCXB-dev
and shipped as `line_model.npz` (float arrays only: no pickle). It is
evaluated here with numpy, so inference needs no learning library.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.features import CONTEXT_NAMES, OWN_NAMES
from cleaner.text.segment import Line
from cleaner.vocab.modelfile import Mlp, load_arrays, mlp_from_arrays, schema_hash

MODEL_FILE = "line_model.npz"
# Pass 1 reads the own features, pass 2 the context features: both lists make the schema.
SCHEMA = schema_hash((*OWN_NAMES, "|", *CONTEXT_NAMES))
# A line is body when the model gives it at least this probability; cross-validation
# on WCXB-dev put the best page-level word F1 at 0.4 (body words are worth more than
# the boilerplate words a slightly lower bar lets in).
BODY_THRESHOLD = 0.4


@dataclass(frozen=True, slots=True)
class LineModel:
    first_pass: Mlp  # own features
    second_pass: Mlp  # own features + neighbours' first-pass scores


@functools.lru_cache(maxsize=8)
def load_model(model_dir: str | None = None) -> LineModel:
    """The shipped model (or the one of the same name in `model_dir`), read once."""
    arrays = load_arrays("cleaner.text", MODEL_FILE, SCHEMA, model_dir)
    return LineModel(mlp_from_arrays(arrays, "p1"), mlp_from_arrays(arrays, "p2"))


def classify(own: np.ndarray, model: LineModel | None = None) -> np.ndarray:
    """First-pass body probability of each line, from its own features only."""
    if not len(own):
        return np.zeros(0, dtype=np.float32)
    return (model or load_model()).first_pass(own)


def first_kinds(lines: tuple[Line, ...], first_pass: np.ndarray) -> tuple[BlockKind, ...]:
    """The context-free label: body by score, else what a detector named, else boilerplate."""
    return tuple(
        BlockKind.BODY if score >= BODY_THRESHOLD and line.detected is None
        else line.detected or BlockKind.BOILERPLATE
        for line, score in zip(lines, first_pass.tolist(), strict=True)
    )
