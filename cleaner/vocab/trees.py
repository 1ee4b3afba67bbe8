"""Gradient-boosted trees evaluated with numpy: the block models' learner.

A forest ships as flat arrays (no pickle, no learning library at run time):
every node of every tree gets a global index; an inner node reads `feature` and
goes to `left` when the value is <= `threshold`, else to `right`; a leaf points
to itself. `train/trees.py` converts a trained LightGBM booster into these arrays.

Evaluation walks `depth` levels from the roots, all rows and trees together, one
numpy step per level, over a copy of the nodes laid out for it (`_Layout`): every
inner node's right child right after its left one (the step is `left + went right`),
and float32 thresholds rounded down, which send every float32 value
the way the float64 ones do: the same leaves, in fewer and narrower array passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class _Layout:
    """The nodes renumbered for evaluation (see the module docstring). A leaf reads the
    extra zero column at index `width` of the rows against +inf: it stays where it is."""

    roots: np.ndarray  # (trees,) tree t starts at node t
    feature: np.ndarray  # (nodes,)
    threshold: np.ndarray  # (nodes,) float32
    left: np.ndarray  # (nodes,) the right child is left + 1
    value: np.ndarray  # (nodes,) float64
    width: int  # columns of the rows the forest reads (the zero column's index)


@dataclass(frozen=True, slots=True)
class Forest:
    """A binary classifier: the sum of the trees' leaf values through a logistic."""

    roots: np.ndarray  # (trees,) tree t starts at node t global index of each tree's root
    feature: np.ndarray  # (nodes,) feature an inner node reads (0 on leaves)
    threshold: np.ndarray  # (nodes,) go left when value <= threshold (+inf on leaves)
    left: np.ndarray  # (nodes,) global index of the left child (itself on leaves)
    right: np.ndarray  # (nodes,) global index of the right child (itself on leaves)
    value: np.ndarray  # (nodes,) leaf values (0 on inner nodes)
    depth: int  # the deepest leaf's depth
    _layout: _Layout = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_layout", _lay_out(self))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Body probability of each row of `x` (rows x features)."""
        n = len(x)
        if not n:
            return np.zeros(0, dtype=np.float32)
        layout = self._layout
        rows = np.zeros((n, layout.width + 1), dtype=np.float32)
        rows[:, :layout.width] = x[:, :layout.width]  # columns past the last one read: unread
        flat = rows.ravel()
        row_start = (np.arange(n, dtype=np.intp) * (layout.width + 1))[:, None]
        node = np.broadcast_to(layout.roots, (n, len(layout.roots)))
        for _ in range(self.depth):
            # not (value <= threshold): a NaN goes right, as in the float64 arrays
            went_right = ~(flat[row_start + layout.feature[node]] <= layout.threshold[node])
            node = layout.left[node] + went_right
        logits = layout.value[node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_{name}": getattr(self, name) for name in _ARRAYS} | {
            f"{prefix}_depth": np.array(self.depth)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> Forest:
        return cls(**{name: arrays[f"{prefix}_{name}"] for name in _ARRAYS},
                   depth=int(arrays[f"{prefix}_depth"]))


_ARRAYS = ("roots", "feature", "threshold", "left", "right", "value")


def _lay_out(forest: Forest) -> _Layout:
    """Renumber the nodes breadth first, all trees level by level (the roots first, tree
    `t` at `t`), each inner node's children side by side."""
    is_leaf = forest.left == np.arange(len(forest.left))
    width = int(forest.feature.max(initial=0)) + 1
    order: list[int] = forest.roots.tolist()  # old index of each new node, grown as read
    new_left: list[int] = []  # new index of each new node's left child (itself on leaves)
    for head, node in enumerate(order):
        if is_leaf[node]:
            new_left.append(head)
        else:
            new_left.append(len(order))
            order += [int(forest.left[node]), int(forest.right[node])]
    old = np.array(order, dtype=np.intp)
    leaf = is_leaf[old]
    return _Layout(
        roots=np.arange(len(forest.roots), dtype=np.intp),
        feature=np.where(leaf, width, forest.feature[old]).astype(np.intp),
        threshold=np.where(leaf, np.float32(np.inf), _round_down(forest.threshold[old])),
        left=np.array(new_left, dtype=np.intp),
        value=forest.value[old].astype(np.float64),
        width=width,
    )


def _round_down(threshold: np.ndarray) -> np.ndarray:
    """The largest float32 at most each float64 threshold: for a float32 value v,
    v <= t exactly when v <= _round_down(t)."""
    nearest = threshold.astype(np.float32)
    above = nearest.astype(np.float64) > threshold
    return np.where(above, np.nextafter(nearest, np.float32(-np.inf)), nearest)
