"""Model files: plain `.npz` float arrays (no pickle) that carry the schema of their features.

Every learned part ships as one file holding its weights and `schema`, a hash of
the ordered names of the features its first layer reads. The loader refuses a
file whose hash differs from the code's: a model trained on other features would
otherwise read the wrong columns without a sound. `model_dir` (from
`CleanOptions.model_dir`) points the loaders at other files of the same names:
the out-of-fold runs of `train/oof.py` use it to swap in fold models.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

SCHEMA_KEY = "schema"


class ModelSchemaMismatch(Exception):
    """A model file was trained on features other than the ones this code computes."""


def schema_hash(feature_names: Sequence[str]) -> str:
    """A short stable hash of the ordered feature names."""
    return hashlib.sha256("\n".join(feature_names).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Mlp:
    """One standardised-input MLP: relu hidden layers, a logistic output."""

    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        h = (x - self.mean) / self.scale
        for weights, bias in self.layers[:-1]:
            h = np.maximum(h @ weights + bias, 0.0)
        weights, bias = self.layers[-1]
        logits = (h @ weights + bias)[:, 0]
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)


def mlp_from_arrays(arrays: dict[str, np.ndarray], prefix: str) -> Mlp:
    count = sum(name.startswith(f"{prefix}_w") for name in arrays)
    layers = tuple((arrays[f"{prefix}_w{i}"], arrays[f"{prefix}_b{i}"]) for i in range(count))
    return Mlp(arrays[f"{prefix}_mean"], arrays[f"{prefix}_scale"], layers)


@functools.lru_cache(maxsize=16)
def load_arrays(
    package: str, name: str, schema: str, model_dir: str | None = None
) -> dict[str, np.ndarray]:
    """The arrays of model file `name` (shipped in `package`, or in `model_dir`), read once
    per process, after checking that it was trained on the features hashed as `schema`."""
    source = Path(model_dir) / name if model_dir else resources.files(package).joinpath(name)
    with source.open("rb") as handle:
        arrays = dict(np.load(handle, allow_pickle=False))
    found = str(arrays.pop(SCHEMA_KEY, "none"))
    if found != schema:
        raise ModelSchemaMismatch(
            f"{name} was trained on feature schema {found}, this code computes {schema}: "
            "retrain it (see train/README.md)")
    return arrays


def save_arrays(path: Path, arrays: dict[str, np.ndarray], schema: str) -> None:
    """Write a model file with its feature schema."""
    np.savez_compressed(path, **arrays, **{SCHEMA_KEY: np.array(schema)})
