from __future__ import annotations

import numpy as np
import pytest

from cleaner.vocab.trees import Forest


def _stump_forest() -> Forest:
    """Two trees: x0 <= 0.5 ? -1 : +1, and a lone leaf of +0.5 (a leaf points to itself)."""
    return Forest(
        roots=np.array([0, 3]), feature=np.array([0, 0, 0, 0]),
        threshold=np.array([0.5, np.inf, np.inf, np.inf]),
        left=np.array([1, 1, 2, 3]), right=np.array([2, 1, 2, 3]),
        value=np.array([0.0, -1.0, 1.0, 0.5]), depth=1)


def test_rows_reach_their_leaves_and_sum_through_a_logistic() -> None:
    scores = _stump_forest()(np.array([[0.2], [0.9]], dtype=np.float32))
    expected = 1 / (1 + np.exp(-np.array([-0.5, 1.5])))
    assert np.allclose(scores, expected, atol=1e-6)


def test_no_rows_no_scores() -> None:
    assert _stump_forest()(np.zeros((0, 1), dtype=np.float32)).shape == (0,)


def test_arrays_round_trip() -> None:
    forest = _stump_forest()
    again = Forest.from_arrays(forest.to_arrays("p1"), "p1")
    x = np.array([[0.1], [0.7]], dtype=np.float32)
    assert np.array_equal(forest(x), again(x))


def test_a_lightgbm_booster_converts_exactly() -> None:
    lightgbm = pytest.importorskip("lightgbm")  # a training dependency (the `train` extra)
    from train.trees import PARAMS, to_forest

    rng = np.random.default_rng(0)
    x = rng.random((2000, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0.8).astype(int)
    booster = lightgbm.train(PARAMS | {"num_threads": 1}, lightgbm.Dataset(x, y), 30)
    assert np.allclose(to_forest(booster)(x), booster.predict(x), atol=1e-6)


def _reference(forest: Forest, x: np.ndarray) -> np.ndarray:
    """The float64 arrays walked as they ship: left when value <= threshold, else right."""
    node = np.broadcast_to(forest.roots, (len(x), len(forest.roots))).copy()
    rows = np.arange(len(x))[:, None]
    for _ in range(forest.depth):
        go_left = x[rows, forest.feature[node]] <= forest.threshold[node]
        node = np.where(go_left, forest.left[node], forest.right[node])
    logits = forest.value[node].sum(axis=1)
    return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)


def test_the_evaluation_layout_reaches_the_same_leaves() -> None:
    """Thresholds between two float32 values, values equal to them or a float32 step
    above, and NaN (which goes right) take the same branches as the float64 arrays."""
    threshold = np.float64(np.float32(0.3)) + 1e-9  # no float32 is exactly this
    forest = Forest(
        roots=np.array([0, 5]), feature=np.array([1, 0, 0, 0, 0, 2, 0, 0]),
        threshold=np.array([threshold, 0.25, np.inf, np.inf, np.inf, -1.5, np.inf, np.inf]),
        left=np.array([1, 3, 2, 3, 4, 6, 6, 7]), right=np.array([2, 4, 2, 3, 4, 7, 6, 7]),
        value=np.array([0.0, 0.0, 0.7, -0.4, 0.2, 0.0, -1.0, 1.0]), depth=2)
    step = np.nextafter(np.float32(0.3), np.float32(1))
    x = np.array([[0.1, 0.3, -1.5], [0.3, step, -1.4], [np.nan, 0.3, np.nan],
                  [0.25, np.nan, -2.0], [0.26, 0.29, 0.0]], dtype=np.float32)
    assert np.array_equal(forest(x), _reference(forest, x))
