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
