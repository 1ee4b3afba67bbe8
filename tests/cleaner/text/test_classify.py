from __future__ import annotations

import shutil
import zipfile
from importlib import resources

import numpy as np
import pytest

from cleaner import CleanOptions, clean
from cleaner.models import BlockKind
from cleaner.text.classify import BODY_THRESHOLD, MODEL_FILE, classify, first_kinds, load_model
from cleaner.text.features import line_features
from cleaner.text.segment import segment
from cleaner.vocab.modelfile import ModelSchemaMismatch, save_arrays, schema_hash

DUMP = (
    "Home\nNews\nSport\nLogin\n\n"
    "The council met on Tuesday evening and, after a debate that lasted more than three "
    "hours, approved the budget for the coming year by a narrow margin of two votes.\n\n"
    "Follow us:"
)


def test_the_model_ships_as_plain_arrays_not_a_pickle() -> None:
    path = resources.files("cleaner.text").joinpath("line_model.npz")
    with resources.as_file(path) as file, zipfile.ZipFile(file) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())
        assert "schema.npy" in archive.namelist()
    assert load_model() is load_model()  # loaded once


def test_prose_scores_above_menu_entries() -> None:
    lines = segment(DUMP)
    scores = classify(line_features(lines))
    assert scores.shape == (len(lines),)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[4] >= BODY_THRESHOLD > max(scores[:4])


def test_first_kinds_name_detected_furniture() -> None:
    lines = segment(DUMP)
    kinds = first_kinds(lines, np.array([0.1, 0.1, 0.1, 0.1, 0.9, 0.9], dtype=np.float32))
    assert kinds[4] is BlockKind.BODY
    assert kinds[5] is BlockKind.SOCIAL  # a detector's verdict beats the score
    assert kinds[0] is BlockKind.NAV
    assert kinds[3] is BlockKind.UI


def test_a_model_file_of_other_features_is_refused(tmp_path) -> None:
    save_arrays(tmp_path / MODEL_FILE, {"p1_mean": np.zeros(3, dtype=np.float32)},
                schema_hash(["some", "other", "features"]))
    with pytest.raises(ModelSchemaMismatch):
        load_model(str(tmp_path))


def test_model_dir_points_the_loaders_at_other_files(tmp_path) -> None:
    with resources.as_file(resources.files("cleaner.text")) as shipped:
        for name in (MODEL_FILE, "title_model.npz"):
            shutil.copy(shipped / name, tmp_path / name)
    assert load_model(str(tmp_path)) is not load_model()
    result = clean(DUMP, options=CleanOptions(mode="text", model_dir=str(tmp_path)))
    assert result.status == "cleaned"
