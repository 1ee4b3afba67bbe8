from __future__ import annotations

import re

import numpy as np

from cleaner.text.features import (
    CHAR_SAMPLE,
    CONTEXT_WINDOWS,
    NEIGHBOUR_OFFSETS,
    OWN_FEATURES,
    STOPWORDS,
    _token_counts,
    context_features,
    line_features,
)
from cleaner.text.segment import segment

DUMP = "Home\n\nThe council met on Tuesday and approved the budget.\n\nHome"


def test_one_row_of_own_features_per_line() -> None:
    own = line_features(segment(DUMP))
    assert own.shape == (3, OWN_FEATURES)
    assert own.dtype == np.float32
    assert np.isfinite(own).all()


def test_prose_and_menu_entries_differ_where_it_matters() -> None:
    own = line_features(segment(DUMP))
    words, ends_sentence, stopwords, copies = own[:, 1], own[:, 2], own[:, 4], own[:, 11]
    assert words[1] > words[0]
    assert ends_sentence[1] == 1.0 and ends_sentence[0] == 0.0
    assert stopwords[1] > stopwords[0]
    assert copies[0] > copies[1]  # "Home" appears twice


def test_context_features_add_the_neighbourhood() -> None:
    own = line_features(segment(DUMP))
    first_pass = np.array([0.1, 0.9, 0.1], dtype=np.float32)
    context = context_features(own, first_pass)
    extra = 1 + len(NEIGHBOUR_OFFSETS) + len(CONTEXT_WINDOWS) + 2 + 4
    assert context.shape == (3, OWN_FEATURES + extra)
    assert np.isfinite(context).all()


def test_empty_pages_give_empty_matrices() -> None:
    own = line_features(())
    assert own.shape == (0, OWN_FEATURES)
    assert context_features(own, np.zeros(0, dtype=np.float32)).shape[0] == 0


def test_page_wide_token_counts_match_each_line_tokenised_alone() -> None:
    """`_token_counts` tokenises the whole page at once; each line must get exactly the
    tokens its own sample has (case folding that grows a word, lines without words)."""
    texts = ["The council and the mayor", "STRASSE ß İstanbul", "—", "x" * (CHAR_SAMPLE + 5),
             "le chat est là", "12 345 _under_score"]
    n_tokens, stopwords = _token_counts(texts)
    for index, text in enumerate(texts):
        tokens = re.findall(r"\w+", text[:CHAR_SAMPLE].casefold())
        assert n_tokens[index] == max(len(tokens), 1)
        assert stopwords[index] == sum(token in STOPWORDS for token in tokens)
