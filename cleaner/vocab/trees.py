"""Gradient-boosted trees evaluated with numpy: the block models' learner.

A forest ships as flat arrays (no pickle, no learning library at run time):
every node of every tree gets a global index; an inner node reads `feature` and
goes to `left` when the value is <= `threshold`, else to `right`; a leaf points
to itself, so walking `depth` levels from the roots lands every row on its leaf
whatever the leaf's depth. All trees advance together, one numpy step per level.
`train/trees.py` converts a trained LightGBM booster into these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Forest:
    """A binary classifier: the sum of the trees' leaf values through a logistic."""

    roots: np.ndarray  # (trees,) global index of each tree's root
    feature: np.ndarray  # (nodes,) feature an inner node reads (0 on leaves)
    threshold: np.ndarray  # (nodes,) go left when value <= threshold (+inf on leaves)
    left: np.ndarray  # (nodes,) global index of the left child (itself on leaves)
    right: np.ndarray  # (nodes,) global index of the right child (itself on leaves)
    value: np.ndarray  # (nodes,) leaf values (0 on inner nodes)
    depth: int  # the deepest leaf's depth

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Body probability of each row of `x` (rows x features)."""
        n, width = x.shape
        if not n:
            return np.zeros(0, dtype=np.float32)
        flat = np.ascontiguousarray(x, dtype=np.float32).ravel()
        row_start = (np.arange(n, dtype=np.intp) * width)[:, None]
        node = np.broadcast_to(self.roots, (n, len(self.roots)))
        for _ in range(self.depth):
            go_left = flat[row_start + self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        logits = self.value[node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_{name}": getattr(self, name) for name in _ARRAYS} | {
            f"{prefix}_depth": np.array(self.depth)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> Forest:
        return cls(**{name: arrays[f"{prefix}_{name}"] for name in _ARRAYS},
                   depth=int(arrays[f"{prefix}_depth"]))


_ARRAYS = ("roots", "feature", "threshold", "left", "right", "value")
