"""Gradient-boosted trees for the block models: LightGBM to train, numpy arrays to ship.

`fit` trains a LightGBM binary classifier (deterministic: fixed seed, one
thread per fold on this 2-core machine is not faster); `to_forest` flattens the
booster into `cleaner.vocab.trees.Forest` arrays, which evaluate identically
(checked by `tests/train/test_trees.py`) with numpy alone.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np

from cleaner.vocab.trees import Forest

SEED = 13
PARAMS: dict[str, Any] = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "max_depth": 8,
    "min_data_in_leaf": 50, "feature_fraction": 0.8, "bagging_fraction": 0.8,
    "bagging_freq": 1, "lambda_l2": 1.0, "verbose": -1, "num_threads": 2, "seed": SEED,
    "deterministic": True, "force_row_wise": True,
}
ROUNDS = 200
# The revision reads a few score columns: a small forest is enough (and cheap to run).
REVISION_PARAMS: dict[str, Any] = {"num_leaves": 15, "min_data_in_leaf": 200}
REVISION_ROUNDS = 60


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, rounds: int = ROUNDS,
        **params: Any) -> Forest:
    booster = lgb.train(PARAMS | params, lgb.Dataset(x, y, weight=w), rounds)
    return to_forest(booster)


RANK_PARAMS: dict[str, Any] = {
    "objective": "lambdarank", "lambdarank_truncation_level": 3, "num_leaves": 15,
    "min_data_in_leaf": 20, "learning_rate": 0.05, "verbose": -1, "num_threads": 2,
    "seed": SEED, "deterministic": True, "force_row_wise": True,
}
RANK_ROUNDS = 300


def fit_ranker(xs: list[np.ndarray], ys: list[np.ndarray]) -> Forest:
    """A LambdaRank forest over candidate lists (one list per page, best candidate first
    at prediction): a ranker compares a page's candidates with each other, which a
    per-candidate classifier does not (grouped CV title found 0.467 -> 0.490 on the same rows)."""
    data = lgb.Dataset(np.vstack(xs), np.concatenate(ys), group=[len(y) for y in ys])
    return to_forest(lgb.train(RANK_PARAMS, data, RANK_ROUNDS))


def to_forest(booster: lgb.Booster) -> Forest:
    """The booster's trees as flat arrays with global node indices."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0

    def add(node: dict[str, Any], level: int) -> int:
        nonlocal depth
        index = len(feature)
        feature.append(0)
        threshold.append(np.inf)
        left.append(index)
        right.append(index)
        value.append(0.0)
        if "leaf_value" in node:
            value[index] = node["leaf_value"]
            depth = max(depth, level)
            return index
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node['decision_type']}")
        feature[index] = node["split_feature"]
        threshold[index] = node["threshold"]
        left[index] = add(node["left_child"], level + 1)
        right[index] = add(node["right_child"], level + 1)
        return index

    for tree in booster.dump_model()["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    return Forest(
        roots=np.array(roots, dtype=np.intp), feature=np.array(feature, dtype=np.intp),
        threshold=np.array(threshold, dtype=np.float64), left=np.array(left, dtype=np.intp),
        right=np.array(right, dtype=np.intp), value=np.array(value, dtype=np.float64),
        depth=depth)
