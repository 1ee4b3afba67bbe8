from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner.html.dom_classify import MODEL_FILE, SCHEMA
from cleaner.vocab.modelfile import ModelSchemaMismatch, load_arrays, save_arrays, schema_hash


def test_the_hash_follows_names_and_order() -> None:
    assert schema_hash(["a", "b"]) == schema_hash(["a", "b"])
    assert schema_hash(["a", "b"]) != schema_hash(["b", "a"])


def test_a_model_trained_on_other_features_is_refused(tmp_path: Path) -> None:
    save_arrays(tmp_path / MODEL_FILE, {"w": np.zeros(3)}, schema_hash(["other", "features"]))
    with pytest.raises(ModelSchemaMismatch, match="retrain"):
        load_arrays("cleaner.html", MODEL_FILE, SCHEMA, str(tmp_path))


def test_a_matching_model_loads_from_a_folder(tmp_path: Path) -> None:
    save_arrays(tmp_path / MODEL_FILE, {"w": np.arange(3.0)}, SCHEMA)
    arrays = load_arrays("cleaner.html", MODEL_FILE, SCHEMA, str(tmp_path))
    assert list(arrays) == ["w"] and arrays["w"].tolist() == [0.0, 1.0, 2.0]


def test_the_shipped_model_matches_this_code() -> None:
    assert load_arrays("cleaner.html", MODEL_FILE, SCHEMA)  # raises on a stale file
