from __future__ import annotations

import zipfile
from importlib import resources

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.classify import BODY_THRESHOLD, classify, first_kinds, load_model
from cleaner.text.features import line_features
from cleaner.text.segment import segment

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
